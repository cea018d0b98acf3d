"""Rasa's custom actions through the app's action endpoint, over the seed knowledge base."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.actions import today_in_vietnam
from actions.answers import facet_answer
from actions.dossier_status import DossierStatus, load_demo_records
from actions.facets import Facet
from knowledge_base import store
from knowledge_base.models import AnswerFeedback, Turn
from knowledge_base.seed import DEMO_DOSSIERS
from tthc.api.main import create_action_app, create_app
from tthc.services import Services


def facet_text(procedure, facet, profile):  # type: ignore[no-untyped-def]
    """What the record itself says of ``facet``, as the first answer puts it."""
    part = facet_answer(procedure, facet, profile, today_in_vietnam())
    return part.text if part else None


pytestmark = [pytest.mark.app, pytest.mark.slow]

DEMO_CODE = "000.00.04.H51-250221-0001"
MARRIAGE = "1.000894"
ACTION_NAMES = [
    "action_greet",
    "action_answer_procedure",
    "action_fallback",
    "action_dossier_status",
    "action_handoff",
    "action_out_of_scope",
    "action_record_feedback",
    "action_forget_conversation",
]
SLOTS = ["procedure_code", "pending_facet", "place", "receipt_code"]


class UnreachableTrackingProvider:
    """A province's tracking system that is down."""

    def lookup(self, receipt_code: str) -> DossierStatus | None:
        raise RuntimeError("Connection refused: motcua.bacninh.gov.vn:443")


class BrokenSearch:
    """A search service whose index fails mid-conversation."""

    def searcher(self) -> None:
        return None

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> Any:
        raise RuntimeError("faiss index file is corrupted")


def action_call(
    action: str,
    text: str,
    intent: str,
    sender_id: str = "web-3f9a2c",
    **slots: str | None,
) -> dict[str, Any]:
    """An action call shaped like the ones Rasa 3.6 sends."""
    return {
        "next_action": action,
        "sender_id": sender_id,
        "version": "3.6.21",
        "domain": {
            "version": "3.1",
            "intents": [intent],
            "entities": ["receipt_code", "place", "procedure_code"],
            "slots": {name: {"type": "text"} for name in SLOTS},
            "responses": {},
            "actions": ACTION_NAMES,
        },
        "tracker": {
            "sender_id": sender_id,
            "slots": {**dict.fromkeys(SLOTS), **slots},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.97},
                "entities": [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def texts(body: dict[str, Any]) -> str:
    return "\n".join(response.get("text") or "" for response in body["responses"])


def slot_events(body: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in body["events"] if e["event"] == "slot"}


def rasa_client(services: Services) -> TestClient:
    """The action listener, called as the Rasa server calls it: with the action token."""
    token = services.settings.action_token.get_secret_value()
    return TestClient(create_action_app(services), headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="module")
def client(seeded_deployment: Services) -> Iterator[TestClient]:
    with rasa_client(seeded_deployment) as client:
        yield client


@pytest.fixture(scope="module")
def seeded_sessions(seeded_deployment: Services) -> sessionmaker[Session]:
    return seeded_deployment.sessions


@pytest.fixture(scope="module")
def hotline(seeded_deployment: Services) -> str:
    return seeded_deployment.profile.hotline


def test_the_action_list_names_every_custom_action(client: TestClient) -> None:
    response = client.get("/actions")
    assert response.status_code == 200
    assert sorted(item["name"] for item in response.json()) == sorted(ACTION_NAMES)


def test_a_documents_question_is_answered_for_the_named_procedure(client: TestClient) -> None:
    call = action_call("action_answer_procedure", "đăng ký kết hôn cần giấy tờ gì", "ask_documents")
    response = client.post("/webhook", json=call)
    assert response.status_code == 200
    body = response.json()
    assert f"(mã {MARRIAGE})" in texts(body)
    assert "Tờ khai đăng ký kết hôn" in texts(body)


def test_the_answered_procedure_is_kept_for_follow_ups(client: TestClient) -> None:
    call = action_call("action_answer_procedure", "đăng ký kết hôn cần giấy tờ gì", "ask_documents")
    body = client.post("/webhook", json=call).json()
    assert slot_events(body)["procedure_code"] == MARRIAGE


def test_a_follow_up_answers_the_time_limit_of_the_current_procedure(
    client: TestClient, seeded_deployment: Services
) -> None:
    with seeded_deployment.sessions() as session:
        row = store.get_procedure(session, MARRIAGE)
        assert row is not None
        procedure = store.to_schema(row)
    expected = facet_text(procedure, Facet.processing_time, seeded_deployment.profile)
    assert expected is not None

    call = action_call(
        "action_answer_procedure", "mất bao lâu?", "ask_processing_time", procedure_code=MARRIAGE
    )
    body = client.post("/webhook", json=call).json()
    assert expected in texts(body)
    assert f"(mã {MARRIAGE})" in texts(body)
    assert slot_events(body)["procedure_code"] == MARRIAGE


def test_a_receipt_code_gets_the_dossiers_status(
    client: TestClient, seeded_sessions: sessionmaker[Session]
) -> None:
    with seeded_sessions.begin() as session:
        load_demo_records(session, DEMO_DOSSIERS)
    call = action_call(
        "action_dossier_status", f"tra cứu hồ sơ {DEMO_CODE.lower()} giúp em", "ask_dossier_status"
    )
    body = client.post("/webhook", json=call).json()
    assert f"Hồ sơ {DEMO_CODE}" in texts(body)
    assert "Tình trạng: Đã có kết quả, mời công dân đến nhận" in texts(body)
    assert slot_events(body)["receipt_code"] == DEMO_CODE


def test_an_unknown_action_is_not_found(client: TestClient) -> None:
    call = action_call("action_dat_lich_hen", "đặt lịch hẹn", "ask_procedure")
    response = client.post("/webhook", json=call)
    assert response.status_code == 404
    assert response.json()["action_name"] == "action_dat_lich_hen"
    assert response.json()["error"]


def test_a_body_not_declared_json_is_refused_before_it_is_read(client: TestClient) -> None:
    response = client.post(
        "/webhook", content=b"next_action=action_greet", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert "error" in response.json()


def test_a_body_declared_json_that_is_not_is_a_bad_request(client: TestClient) -> None:
    response = client.post(
        "/webhook", content=b"{next_action", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


def test_a_call_without_next_action_is_a_bad_request(client: TestClient) -> None:
    call = action_call("action_greet", "xin chào", "greet")
    del call["next_action"]
    response = client.post("/webhook", json=call)
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_call_without_a_tracker_is_a_bad_request(client: TestClient) -> None:
    call = action_call("action_greet", "xin chào", "greet")
    del call["tracker"]
    response = client.post("/webhook", json=call)
    assert response.status_code == 400


def test_a_tracking_system_that_is_down_gets_an_apology_with_the_hotline(
    seeded_deployment: Services, hotline: str
) -> None:
    broken = dataclasses.replace(seeded_deployment)
    broken.dossiers = UnreachableTrackingProvider()
    call = action_call("action_dossier_status", f"hồ sơ {DEMO_CODE} sao rồi", "ask_dossier_status")
    with rasa_client(broken) as client:
        response = client.post("/webhook", json=call)
    assert response.status_code == 200
    text = texts(response.json())
    assert text.startswith("Xin lỗi")
    assert DEMO_CODE in text
    assert hotline in text
    for leak in ("RuntimeError", "Connection refused", "Traceback", "motcua"):
        assert leak not in text


def test_an_action_that_fails_unexpectedly_gets_an_apology_with_the_hotline(
    seeded_deployment: Services, hotline: str
) -> None:
    broken = dataclasses.replace(seeded_deployment, search=BrokenSearch())  # type: ignore[arg-type]
    call = action_call("action_answer_procedure", "làm căn cước cần gì", "ask_documents")
    with rasa_client(broken) as client:
        response = client.post("/webhook", json=call)
    assert response.status_code == 200
    text = texts(response.json())
    assert text.startswith("Xin lỗi")
    assert hotline in text
    for leak in ("RuntimeError", "faiss", "Traceback"):
        assert leak not in text


def test_bad_feedback_is_stored_as_not_helpful(
    client: TestClient, seeded_sessions: sessionmaker[Session]
) -> None:
    sender = "zalo-84912345678"
    call = action_call(
        "action_record_feedback",
        "trả lời sai rồi",
        "feedback_bad",
        sender_id=sender,
        procedure_code=MARRIAGE,
    )
    response = client.post("/webhook", json=call)
    assert response.status_code == 200
    with seeded_sessions() as session:
        rows = session.scalars(
            select(AnswerFeedback).where(AnswerFeedback.conversation_id == sender)
        ).all()
    assert [(row.helpful, row.procedure_code, row.comment) for row in rows] == [
        (False, MARRIAGE, "trả lời sai rồi")
    ]


# ---- only the Rasa server reaches the actions ---------------------------------------


def feedback_of(sessions: sessionmaker[Session], sender: str) -> list[AnswerFeedback]:
    with sessions() as session:
        query = select(AnswerFeedback).where(AnswerFeedback.conversation_id == sender)
        return list(session.scalars(query).all())


@pytest.fixture
def citizen_with_feedback(client: TestClient, seeded_sessions: sessionmaker[Session]) -> str:
    sender = "portal:Zq3v9Xw2bP0mN8kL5jH1gF4d"
    call = action_call(
        "action_record_feedback",
        "hữu ích",
        "feedback_good",
        sender_id=sender,
        procedure_code=MARRIAGE,
    )
    assert client.post("/webhook", json=call).status_code == 200
    assert feedback_of(seeded_sessions, sender)
    return sender


@pytest.mark.parametrize("authorization", [None, "Bearer guessed-token", "Basic cmFzYTpyYXNh"])
def test_an_action_call_without_the_action_token_is_refused_and_runs_nothing(
    seeded_deployment: Services,
    seeded_sessions: sessionmaker[Session],
    citizen_with_feedback: str,
    authorization: str | None,
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    forged = action_call(
        "action_forget_conversation", "/forget", "forget", sender_id=citizen_with_feedback
    )
    with TestClient(create_action_app(seeded_deployment)) as stranger:
        response = stranger.post("/webhook", json=forged, headers=headers)
    assert response.status_code == 401
    assert feedback_of(seeded_sessions, citizen_with_feedback)


def test_a_browser_pages_text_plain_post_to_the_actions_is_refused(
    seeded_deployment: Services, seeded_sessions: sessionmaker[Session], citizen_with_feedback: str
) -> None:
    """A page may post text/plain anywhere without a preflight; it cannot add the token."""
    forged = action_call(
        "action_forget_conversation", "/forget", "forget", sender_id=citizen_with_feedback
    )
    with TestClient(create_action_app(seeded_deployment)) as browser:
        response = browser.post(
            "/webhook",
            content=json.dumps(forged).encode(),
            headers={"Content-Type": "text/plain", "Origin": "https://attacker.example"},
        )
    assert response.status_code == 401
    assert "access-control-allow-origin" not in response.headers
    assert feedback_of(seeded_sessions, citizen_with_feedback)


def test_the_action_list_is_not_shown_without_the_token(seeded_deployment: Services) -> None:
    with TestClient(create_action_app(seeded_deployment)) as stranger:
        assert stranger.get("/actions").status_code == 401


@pytest.mark.parametrize(("method", "path"), [("POST", "/webhook"), ("GET", "/actions")])
def test_the_public_app_does_not_serve_the_action_endpoint(
    seeded_deployment: Services, method: str, path: str
) -> None:
    with TestClient(create_app(seeded_deployment)) as public:
        assert public.request(method, path, json={}).status_code in (404, 405)


def turns_of(sessions: sessionmaker[Session], sender: str) -> list[Turn]:
    with sessions() as session:
        return list(session.scalars(select(Turn).where(Turn.conversation_id == sender)))


def test_every_question_answered_is_recorded_as_a_turn(
    client: TestClient, seeded_sessions: sessionmaker[Session]
) -> None:
    sender = "portal:turn-recorded"
    call = action_call("action_answer_procedure", "lệ phí đăng ký kết hôn", "ask_fee", sender)
    assert client.post("/webhook", json=call).status_code == 200
    (turn,) = turns_of(seeded_sessions, sender)
    assert (turn.question, turn.intent, turn.outcome) == (
        "lệ phí đăng ký kết hôn",
        "ask_fee",
        "answered",
    )
    assert (turn.procedure_code, turn.facet, turn.channel) == (MARRIAGE, "fee", "portal")


def test_forgetting_a_conversation_deletes_its_turns(
    client: TestClient, seeded_sessions: sessionmaker[Session]
) -> None:
    sender = "zalo:2468458835296117922"
    client.post(
        "/webhook",
        json=action_call("action_answer_procedure", "khai sinh cần gì", "ask_documents", sender),
    )
    assert len(turns_of(seeded_sessions, sender)) == 1
    client.post("/webhook", json=action_call("action_forget_conversation", "", "forget", sender))
    assert turns_of(seeded_sessions, sender) == []
