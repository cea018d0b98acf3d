"""The REST channel for integrations in process: a token, a sender of its own namespace,
and the same body rules as every channel."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from connectors.messages import ANSWER_FAILED
from connectors.rest import RestInput
from tests.engine.conftest import ScriptedAgent, channel_client

pytestmark = pytest.mark.engine

URL = "/webhooks/rest/webhook"
FORGET = "/webhooks/rest/forget"
TOKEN = "lgsp-integration-token"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}


def post(
    agent: ScriptedAgent,
    body: Any,
    headers: dict[str, str] | None = None,
    channel: RestInput | None = None,
    url: str = URL,
) -> Any:
    async def go() -> Any:
        async with channel_client(channel or RestInput(token=TOKEN), agent) as client:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            return await client.post(url, content=content, headers=headers or AUTHORIZED)

    return asyncio.run(go())


def test_a_message_is_answered_as_a_json_list_for_the_callers_sender() -> None:
    agent = ScriptedAgent("Lệ phí: 200.000 đồng")
    response = post(agent, {"sender": "kiosk-07", "message": "lệ phí làm hộ chiếu"})
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "kiosk-07", "text": "Lệ phí: 200.000 đồng"}]


@pytest.mark.parametrize("sender", ["kiosk-07", "portal:3f9a2c71", "zalo:2468458835296117922"])
def test_every_rest_sender_is_in_the_rest_namespace(sender: str) -> None:
    agent = ScriptedAgent("Dạ.")
    post(agent, {"sender": sender.replace(":", "-"), "message": "xin chào"})
    post(agent, {"sender": sender, "message": "xin chào"})
    assert all(message.sender_id.startswith("rest:") for message in agent.messages)


def test_a_sender_naming_another_channels_conversation_is_refused() -> None:
    agent = ScriptedAgent("Dạ.")
    response = post(agent, {"sender": "portal:3f9a2c71", "message": "thủ tục đang hỏi là gì"})
    assert response.status_code == 400
    assert agent.messages == []


def test_a_message_without_a_sender_is_refused_not_put_in_a_shared_conversation() -> None:
    agent = ScriptedAgent("Dạ.")
    response = post(agent, {"message": "đăng ký tạm trú cần gì"})
    assert response.status_code == 400
    assert "sender" in response.json()["error"]
    assert agent.messages == []


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer guessed"}, {"Authorization": TOKEN}]
)
def test_a_call_without_the_token_is_refused(headers: dict[str, str]) -> None:
    agent = ScriptedAgent("Dạ.")
    response = post(
        agent, {"sender": "kiosk-07", "message": "xin chào"}, headers=headers or {"X": "1"}
    )
    assert response.status_code == 401
    assert agent.messages == []


def test_without_a_token_the_channel_is_off_where_one_is_required() -> None:
    agent = ScriptedAgent("Dạ.")
    channel = RestInput.from_credentials({"token": "", "require_token": True})
    response = post(agent, {"sender": "kiosk-07", "message": "xin chào"}, {"X": "1"}, channel)
    assert response.status_code == 403
    assert agent.messages == []


def test_without_a_token_the_channel_is_open_where_none_is_required() -> None:
    agent = ScriptedAgent("Dạ.")
    channel = RestInput.from_credentials({"token": "", "require_token": "false"})
    response = post(agent, {"sender": "dev", "message": "xin chào"}, {"X": "1"}, channel)
    assert response.status_code == 200
    assert agent.messages[0].sender_id == "rest:dev"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[]", "the body must be a JSON object"),
        (b"42", "the body must be a JSON object"),
        (b"null", "the body must be a JSON object"),
        (b"{oops", "the body must be JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "the body is nested too deeply"),
        (b'{"sender": 1' + b"0" * 5000 + b"}", "the body must be JSON"),
        ({"sender": "kiosk-07", "message": None}, "message must be non-empty text"),
        ({"sender": "kiosk-07", "message": {"text": "hi"}}, "message must be non-empty text"),
        ({"sender": "kiosk-07", "message": "a" * 10_001}, "message is longer than 10000"),
    ],
)
def test_a_malformed_request_is_a_bad_request_with_a_reason(body: Any, reason: str) -> None:
    agent = ScriptedAgent("Dạ.")
    response = post(agent, body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(reason)
    assert agent.messages == []


def test_a_turn_that_fails_gets_an_apology() -> None:
    response = post(ScriptedAgent(fails=True), {"sender": "kiosk-07", "message": "xin chào"})
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "kiosk-07", "text": ANSWER_FAILED}]


def test_an_integration_deletes_its_citizens_conversation() -> None:
    agent = ScriptedAgent()
    response = post(agent, {"sender": "kiosk-07"}, url=FORGET)
    assert (response.status_code, response.json()) == (200, {"deleted": True})
    assert agent.forgotten == ["rest:kiosk-07"]


def test_deleting_without_the_token_is_refused() -> None:
    agent = ScriptedAgent()
    response = post(
        agent, {"sender": "kiosk-07"}, headers={"Authorization": "Bearer x"}, url=FORGET
    )
    assert response.status_code == 401
    assert agent.forgotten == []


def test_a_message_over_the_time_limit_gets_an_apology() -> None:
    channel = RestInput(token=TOKEN, time_limit_seconds=0.2)
    agent = ScriptedAgent("Dạ.", thinks=5)
    response = post(agent, {"sender": "kiosk-07", "message": "xin chào"}, channel=channel)
    assert response.json() == [{"recipient_id": "kiosk-07", "text": ANSWER_FAILED}]
