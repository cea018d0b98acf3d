"""The Zalo OA channel end to end: signed webhooks into the real Rasa server, answers out
to the fake Zalo API (real HTTP on loopback), conversations run by the real actions.

What the channel decides on its own, without Rasa (signatures, stale or foreign events,
events needing no answer, messages that are not text), is tested in process in
tests/engine/test_zalo_webhook.py."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from actions.actions import today_in_vietnam
from actions.answers import facet_answer
from actions.deployment import load_profile
from actions.facets import Facet
from connectors.messages import CONVERSATION_DELETED
from knowledge_base import store
from knowledge_base.models import AnswerFeedback


def facet_text(procedure, facet, profile):  # type: ignore[no-untyped-def]
    """What the record itself says of ``facet``, as the first answer puts it."""
    part = facet_answer(procedure, facet, profile, today_in_vietnam())
    return part.text if part else None


MARRIAGE = "1.000894"
BIRTH = "1.001193"
ID_CARD_UNDER_14 = "1.014062"
_ids = itertools.count(1)


def new_user() -> str:
    return str(2468458835296117000 + next(_ids) * 1000 + int(uuid.uuid4().int % 1000))


def event(live, name: str, user: str, **fields: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {
        "app_id": live.zalo_credentials["app_id"],
        "event_name": name,
        "timestamp": str(int(time.time() * 1000)),
        "user_id_by_app": "552177279717587730",
        **fields,
    }
    if name == "follow":
        body["follower"] = {"id": user}
    else:
        body["sender"] = {"id": user}
        body["recipient"] = {"id": "579745863508352884"}
    return body


def text_event(live, user: str, text: str, msg_id: str | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    message = {"text": text, "msg_id": msg_id or uuid.uuid4().hex}
    return event(live, "user_send_text", user, message=message)


def deliver(live, body: dict[str, Any] | bytes, signed: bool | str = True) -> httpx.Response:  # type: ignore[no-untyped-def]
    """POST a webhook as Zalo does: raw bytes, signed with the OA secret key."""
    from connectors.zalo import signature

    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if signed is True:
        parsed = json.loads(raw)
        headers[signature.HEADER] = signature.header_value(
            str(parsed["app_id"]),
            raw,
            str(parsed["timestamp"]),
            live.zalo_credentials["oa_secret_key"],
        )
    elif isinstance(signed, str):
        headers[signature.HEADER] = signed
    return httpx.post(
        f"{live.rasa_url}/webhooks/zalo/webhook", content=raw, headers=headers, timeout=10
    )


def answers(live, user: str, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The messages sent to ``user`` once at least ``count`` arrived (and things settled)."""
    live.zalo.wait_until(lambda: len(live.zalo.sends(user)) >= count, timeout)
    time.sleep(0.3)  # anything extra (a duplicate answer) would arrive by now
    return [sent["message"] for sent in live.zalo.sends(user)]


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message.get("text", "") for message in messages)


def test_a_signed_question_is_acknowledged_and_answered_through_the_api(live) -> None:
    user = new_user()
    msg_id = uuid.uuid4().hex
    response = deliver(live, text_event(live, user, "lệ phí đăng ký kết hôn bao nhiêu", msg_id))
    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    reply = texts(answers(live, user))
    assert f"mã {MARRIAGE}" in reply
    assert "lệ phí" in reply.lower()
    # Exactly what Zalo's API expects: the OA's token, the user, plain text parts.
    requests = [r for r in live.zalo.received if r.body["recipient"].get("user_id") == user]
    assert requests and all(r.path == "/v3.0/oa/message/cs" for r in requests)
    # Each answer names the message it replies to.
    assert all(r.body["recipient"] == {"user_id": user, "message_id": msg_id} for r in requests)
    assert all(r.headers["access_token"] == live.zalo.access_token for r in requests)
    assert all(set(r.body["message"]) <= {"text", "attachment"} for r in requests)
    # The source page opens from a button, not a raw link in the text.
    buttons = [
        b
        for r in requests
        for b in r.body["message"].get("attachment", {}).get("payload", {}).get("buttons", [])
    ]
    assert any(b["type"] == "oa.open.url" for b in buttons)
    assert "http" not in reply
    assert all(0 < len(r.body["message"]["text"]) <= 2000 for r in requests)


def test_quick_successive_messages_are_answered_in_order(live) -> None:
    user = new_user()
    profile = load_profile(live.settings.deployment_file)
    with live.sessions() as session:
        marriage = store.to_schema(store.get_procedure(session, MARRIAGE))
    asked = [
        ("đăng ký kết hôn cần giấy tờ gì", Facet.documents),
        ("lệ phí bao nhiêu", Facet.fee),
        ("mất bao lâu", Facet.processing_time),
    ]
    for text, _ in asked:
        deliver(live, text_event(live, user, text))
    replies = [m["text"] for m in answers(live, user, 3)]
    assert len(replies) == 3
    for reply, (_, facet) in zip(replies, asked, strict=True):
        assert f"mã {MARRIAGE}" in reply
        assert facet_text(marriage, facet, profile).splitlines()[-1] in reply


def test_a_question_without_diacritics_is_answered(live) -> None:
    user = new_user()
    deliver(live, text_event(live, user, "dang ky khai sinh can giay to gi"))
    assert f"mã {BIRTH}" in texts(answers(live, user))


def test_a_replayed_signed_event_is_answered_once(live) -> None:
    user = new_user()
    raw = json.dumps(text_event(live, user, "xin chào")).encode()
    first, replay = deliver(live, raw), deliver(live, raw)
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.json() == {"status": "duplicate"}
    assert len(answers(live, user)) == 1


def test_a_redelivery_with_the_same_msg_id_is_not_answered_twice(live) -> None:
    user = new_user()
    deliver(live, text_event(live, user, "xin chào", msg_id="retry-1"))
    time.sleep(0.01)
    again = deliver(live, text_event(live, user, "xin chào", msg_id="retry-1"))
    assert again.json() == {"status": "duplicate"}
    assert len(answers(live, user)) == 1


@pytest.mark.parametrize(
    "raw", [b"{not json", b"", b"[]", b'{"event_name": "user_send_text"}', "tiếng Việt".encode()]
)
def test_malformed_json_is_a_400_and_the_channel_keeps_working(live, raw: bytes) -> None:
    response = deliver(live, raw, signed=False)
    assert response.status_code == 400
    assert "malformed" in response.json()["error"]
    user = new_user()
    assert deliver(live, text_event(live, user, "xin chào")).status_code == 200
    assert answers(live, user)


def test_a_new_follower_is_greeted(live) -> None:
    user = new_user()
    assert deliver(live, event(live, "follow", user, source="oa_profile")).status_code == 200
    assert "Bắc Ninh" in texts(answers(live, user))


def test_opening_the_chat_is_greeted(live) -> None:
    user = new_user()
    deliver(live, event(live, "user_click_chatnow", user))
    assert "Bắc Ninh" in texts(answers(live, user))


def test_an_anonymous_visitor_is_answered_in_their_conversation(live) -> None:
    user = new_user()
    body = event(
        live,
        "anonymous_send_text",
        user,
        message={"text": "xin chào", "msg_id": uuid.uuid4().hex, "conversation_id": "c-42"},
    )
    deliver(live, body)
    live.zalo.wait_until(
        lambda: any(s["recipient"].get("anonymous_id") == user for s in live.zalo.sends()), 30
    )
    [sent] = [s for s in live.zalo.sends() if s["recipient"].get("anonymous_id") == user]
    assert sent["recipient"] == {"anonymous_id": user, "conversation_id": "c-42"}


def test_clarification_is_sent_as_buttons_and_a_click_chooses(live) -> None:
    user = new_user()
    deliver(live, text_event(live, user, "làm căn cước cần giấy tờ gì"))
    [question] = [m for m in answers(live, user) if "attachment" in m]
    buttons = question["attachment"]["payload"]["buttons"]
    assert question["attachment"]["payload"]["template_type"] == "button"
    assert len(buttons) >= 2
    assert all(b["type"] == "oa.query.show" and b["payload"] == b["title"] for b in buttons)
    # Zalo sends the clicked button's payload back as the user's text.
    before = len(live.zalo.sends(user))
    under_14 = next(b for b in buttons if "dưới 14" in b["title"])
    deliver(live, text_event(live, user, under_14["payload"]))
    chosen = texts(answers(live, user, before + 1)[before:])
    assert f"mã {ID_CARD_UNDER_14}" in chosen


def test_asking_for_a_person_offers_a_call_and_the_portal(live) -> None:
    user = new_user()
    deliver(live, text_event(live, user, "cho tôi gặp cán bộ"))
    [with_buttons] = [m for m in answers(live, user) if "attachment" in m]
    buttons = with_buttons["attachment"]["payload"]["buttons"]
    assert [b["type"] for b in buttons] == ["oa.open.phone", "oa.open.url"]
    hotline = load_profile(live.settings.deployment_file).hotline
    assert buttons[0]["payload"] == {"phone_code": hotline}


def test_an_expired_token_is_refreshed_and_the_answer_still_arrives(live) -> None:
    user = new_user()
    refreshes = len(live.zalo.refreshes())
    live.zalo.expire_access_token()
    deliver(live, text_event(live, user, "xin chào"))
    assert "Bắc Ninh" in texts(answers(live, user, 2))  # refused once, then sent
    assert len(live.zalo.refreshes()) == refreshes + 1
    stored = json.loads(Path(live.zalo_credentials["token_file"]).read_text())
    assert (
        stored["refresh_token"] == live.zalo.refresh_token != live.zalo_credentials["refresh_token"]
    )


def test_a_withdrawing_user_is_forgotten(live) -> None:
    user = new_user()
    deliver(live, text_event(live, user, "đăng ký kết hôn cần giấy tờ gì"))
    answers(live, user)
    deliver(live, text_event(live, user, "👎 chưa đúng"))
    answers(live, user, 2)
    sender = f"zalo:{user}"

    def feedback() -> list[AnswerFeedback]:
        with live.sessions() as session:
            return session.scalars(
                select(AnswerFeedback).where(AnswerFeedback.conversation_id == sender)
            ).all()

    assert len(feedback()) == 1
    before = len(live.zalo.sends(user))
    assert deliver(live, event(live, "user_withdraw", user)).status_code == 200
    deadline = time.monotonic() + 20
    while feedback() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert feedback() == []
    assert texts(answers(live, user, before + 1)[before:]) == CONVERSATION_DELETED
    # The conversation itself is gone too: a follow-up no longer knows the procedure.
    before = len(live.zalo.sends(user))
    deliver(live, text_event(live, user, "mất bao lâu"))
    follow_up = texts(answers(live, user, before + 1)[before:])
    assert f"mã {MARRIAGE}" not in follow_up
