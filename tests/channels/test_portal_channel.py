"""The portal widget's channel over HTTP: answers streamed as JSON lines, safe retries,
clear errors for bad requests (the real Rasa server and actions, see ``live``)."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from sqlalchemy import select

from knowledge_base.models import AnswerFeedback

BIRTH = "1.001193"


def post(live, body: object, raw: bytes | None = None) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.post(
        f"{live.rasa_url}/webhooks/portal/webhook",
        content=raw if raw is not None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Origin": "https://dichvucong.example.vn"},
        timeout=60,
    )


def ask(live, sender: str, text: str, message_id: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    response = post(
        live, {"sender": sender, "message": text, "message_id": message_id or uuid.uuid4().hex}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    head, *messages = [json.loads(line) for line in response.text.splitlines() if line.strip()]
    assert head["reply"]["message_id"] == message_id or message_id is None
    return messages


def citizen(live) -> str:  # type: ignore[no-untyped-def]
    """A new conversation, as the widget starts one: its id issued by the channel."""
    response = httpx.post(f"{live.rasa_url}/webhooks/portal/conversations", timeout=10)
    assert response.status_code == 201
    return response.json()["sender"]


def test_an_answer_streams_back_as_json_lines_with_its_source(live) -> None:
    messages = ask(live, citizen(live), "lam giay khai sinh cho con can giay to gi")
    text = "\n".join(m.get("text", "") for m in messages)
    assert f"mã {BIRTH}" in text
    assert {"answer": {"procedure_code": BIRTH, "facet": "documents"}} in [
        m.get("custom") for m in messages
    ]


def test_a_retried_message_gets_the_same_answer_and_is_handled_once(live) -> None:
    sender = citizen(live)
    ask(live, sender, "đăng ký khai sinh mất bao lâu")
    first = ask(live, sender, "/feedback_bad", message_id="rating-1")
    again = ask(live, sender, "/feedback_bad", message_id="rating-1")
    assert first == again
    heads = [
        json.loads(
            post(live, {"sender": sender, "message": "x", "message_id": i}).text.split("\n")[0]
        )
        for i in ("rating-1", "fresh-1")
    ]
    assert [h["reply"]["replayed"] for h in heads] == [True, False]
    with live.sessions() as session:
        rows = session.scalars(
            select(AnswerFeedback).where(
                AnswerFeedback.conversation_id == f"portal:{sender.split('.')[0]}"
            )
        ).all()
    assert [(row.procedure_code, row.helpful) for row in rows] == [(BIRTH, False)]


def test_html_in_a_message_is_never_echoed_back(live) -> None:
    messages = ask(live, citizen(live), '<script>alert("x")</script><img src=x onerror=alert(1)>')
    assert messages
    assert all(
        "<script" not in m.get("text", "") and "onerror" not in m.get("text", "") for m in messages
    )


ISSUED = "an id the channel issued"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"sender": ISSUED, "message": "xin chào"}, "message_id"),
        ({"sender": ISSUED, "message": "   ", "message_id": "m1"}, "message"),
        ({"sender": ISSUED, "message": 42, "message_id": "m1"}, "message"),
        ({"sender": ISSUED, "message": None, "message_id": "m1"}, "message"),
        ({"sender": ISSUED, "message": "a" * 10_001, "message_id": "m1"}, "longer"),
        (["not", "an", "object"], "object"),
        (None, "object"),
    ],
)
def test_a_bad_request_gets_a_400_that_says_what_is_wrong(live, body: object, error: str) -> None:
    if isinstance(body, dict) and body.get("sender") == ISSUED:
        body = {**body, "sender": citizen(live)}
    response = post(live, body)
    assert response.status_code == 400
    assert error in response.json()["error"]


@pytest.mark.parametrize(
    "sender",
    [None, "short", "../../etc/passwd-0000000", str(uuid.uuid4()), "portal:default"],
)
def test_a_conversation_the_channel_did_not_issue_gets_a_403(live, sender: object) -> None:
    response = post(live, {"sender": sender, "message": "xin chào", "message_id": "m1"})
    assert response.status_code == 403
    assert response.json()["code"] == "unknown_conversation"


def test_a_body_that_is_not_json_gets_a_400(live) -> None:
    response = post(live, None, raw=b"sender=me&message=hi")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_a_message_of_10000_characters_is_answered(live) -> None:
    messages = ask(live, citizen(live), ("tôi muốn hỏi " * 770)[:10_000])
    assert messages and all(len(m.get("text", "")) <= 2000 for m in messages)


def test_a_portal_on_another_origin_may_call_the_channel(live) -> None:
    response = httpx.options(
        f"{live.rasa_url}/webhooks/portal/webhook",
        headers={
            "Origin": "https://dichvucong.example.vn",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code in (200, 204)
    assert response.headers["access-control-allow-origin"] in ("*", "https://dichvucong.example.vn")
    streamed = post(live, {"sender": citizen(live), "message": "xin chào", "message_id": "m1"})
    assert streamed.headers["access-control-allow-origin"] in ("*", "https://dichvucong.example.vn")


def trackers_of(live, sender: str) -> int:  # type: ignore[no-untyped-def]
    import sqlite3

    with sqlite3.connect(live.settings.data_dir / "trackers.sqlite3") as db:
        query = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
        return db.execute(query, (f"portal:{sender.split('.')[0]}",)).fetchone()[0]


def test_a_deleted_conversation_is_gone_from_the_app_and_from_rasa(live) -> None:
    sender = citizen(live)
    ask(live, sender, "đăng ký khai sinh mất bao lâu")
    ask(live, sender, "/feedback_bad")
    conversation = f"portal:{sender.split('.')[0]}"
    with live.sessions() as session:
        query = select(AnswerFeedback).where(AnswerFeedback.conversation_id == conversation)
        assert session.scalars(query).all()
    assert trackers_of(live, sender) > 0

    response = httpx.post(
        f"{live.rasa_url}/webhooks/portal/forget", json={"sender": sender}, timeout=60
    )
    assert response.json() == {"deleted": True}
    with live.sessions() as session:
        assert session.scalars(query).all() == []
    assert trackers_of(live, sender) == 0
    # A follow-up starts from nothing: it no longer knows the procedure.
    assert f"mã {BIRTH}" not in "\n".join(m.get("text", "") for m in ask(live, sender, "lệ phí?"))


def test_only_an_issued_conversation_can_be_deleted(live) -> None:
    response = httpx.post(
        f"{live.rasa_url}/webhooks/portal/forget", json={"sender": "portal:abc"}, timeout=10
    )
    assert response.status_code == 403
