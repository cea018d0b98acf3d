"""The portal widget's channel in process: Rasa's Sanic app with the channel on and a
scripted agent behind it (the end-to-end twin is tests/channels/test_portal_channel.py)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from connectors.messages import ANSWER_FAILED
from connectors.portal import ConversationIds, PortalInput
from tests.engine.conftest import ScriptedAgent, channel_client

pytestmark = pytest.mark.engine

URL = "/webhooks/portal/webhook"
NEW_CONVERSATION = "/webhooks/portal/conversations"
FORGET = "/webhooks/portal/forget"
SECRET = "portal-conversation-key-for-tests"
SENDER = ConversationIds(SECRET).issue()  # as the channel issues it to a widget
CONVERSATION = SENDER.split(".")[0]


def portal(**credentials: Any) -> PortalInput:
    return PortalInput.from_credentials({"conversation_secret": SECRET, **credentials})


def lines(body: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in body.splitlines() if line]


def post(agent: ScriptedAgent, *bodies: Any, channel: PortalInput | None = None) -> list[Any]:
    """POST each body in turn to one channel; the responses, in order."""

    async def go() -> list[Any]:
        async with channel_client(channel or portal(), agent) as client:
            responses = []
            for body in bodies:
                content = body if isinstance(body, bytes) else json.dumps(body).encode()
                responses.append(await client.post(URL, content=content))
            return responses

    return asyncio.run(go())


def message(text: str, message_id: str = "m-1", sender: str = SENDER) -> dict[str, str]:
    return {"sender": sender, "message": text, "message_id": message_id}


def test_an_answer_streams_as_json_lines_after_a_head_line() -> None:
    agent = ScriptedAgent("Thủ tục: Đăng ký khai sinh (mã 1.001193)", "Hồ sơ gồm: …")
    (response,) = post(agent, message("làm giấy khai sinh cần gì"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert lines(response.text) == [
        {"reply": {"message_id": "m-1", "replayed": False}},
        {"text": "Thủ tục: Đăng ký khai sinh (mã 1.001193)"},
        {"text": "Hồ sơ gồm: …"},
    ]


def test_the_message_reaches_rasa_as_the_portal_sender_with_its_id() -> None:
    agent = ScriptedAgent("Dạ.")
    post(agent, message("lệ phí làm hộ chiếu", message_id="m-42"))
    (received,) = agent.messages
    assert (received.sender_id, received.text, received.message_id) == (
        f"portal:{CONVERSATION}",
        "lệ phí làm hộ chiếu",
        "m-42",
    )
    assert received.input_channel == "portal"


def test_a_retry_of_the_same_message_is_replayed_not_asked_again() -> None:
    agent = ScriptedAgent("Thời hạn giải quyết: 8 ngày làm việc")
    first, retry = post(agent, message("mất bao lâu"), message("mất bao lâu"))
    assert len(agent.messages) == 1
    assert lines(retry.text)[0] == {"reply": {"message_id": "m-1", "replayed": True}}
    assert lines(retry.text)[1:] == lines(first.text)[1:]


def test_a_new_message_id_is_a_new_question() -> None:
    agent = ScriptedAgent("Dạ.")
    post(agent, message("mất bao lâu", "m-1"), message("mất bao lâu", "m-2"))
    assert len(agent.messages) == 2


def test_a_failure_while_answering_gets_an_apology_line() -> None:
    (response,) = post(ScriptedAgent(fails=True), message("làm căn cước cần gì"))
    assert response.status_code == 200
    assert lines(response.text)[1:] == [{"text": ANSWER_FAILED}]
    assert "DIETClassifier" not in response.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "the body must be JSON"),
        (b"[]", "the body must be a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "the body is nested too deeply"),
        (b"null", "the body must be a JSON object"),
        (message("xin chào", message_id="m 1"), "message_id must be"),
        (message("   "), "message must be non-empty text"),
        ({"sender": SENDER, "message": 42, "message_id": "m-1"}, "message must be non-empty"),
    ],
)
def test_a_malformed_request_is_refused_with_a_reason(body: Any, reason: str) -> None:
    agent = ScriptedAgent("Dạ.")
    (response,) = post(agent, body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(reason)
    assert agent.messages == []


def test_a_message_over_the_configured_length_is_refused() -> None:
    channel = portal(max_message_chars=50)
    agent = ScriptedAgent("Dạ.")
    (response,) = post(agent, message("tôi muốn hỏi " * 10), channel=channel)
    assert response.status_code == 400
    assert "longer than 50 characters" in response.json()["error"]
    assert agent.messages == []


def test_a_message_over_every_channels_limit_is_refused_whatever_the_configuration() -> None:
    channel = portal(max_message_chars=1_000_000)
    agent = ScriptedAgent("Dạ.")
    (response,) = post(agent, message("a" * 10_001), channel=channel)
    assert response.status_code == 400
    assert "longer than 10000 characters" in response.json()["error"]


def test_the_channel_issues_a_conversation_id_it_then_accepts() -> None:
    agent = ScriptedAgent("Dạ.")

    async def go() -> tuple[Any, Any]:
        async with channel_client(portal(), agent) as client:
            issued = await client.post(NEW_CONVERSATION)
            sender = issued.json()["sender"]
            return issued, await client.post(URL, json=message("xin chào", sender=sender))

    issued, answered = asyncio.run(go())
    assert issued.status_code == 201
    assert answered.status_code == 200
    assert agent.messages[0].sender_id == f"portal:{issued.json()['sender'].split('.')[0]}"


@pytest.mark.parametrize(
    "sender",
    [
        "3f9a2c71-5b0e-4d8a-9c1f-2e6b7a8d9c0e",  # a widget's own uuid, as before
        "default",
        f"portal:{CONVERSATION}",  # the tracker's name of a citizen's conversation
        f"{CONVERSATION}.{SENDER.split('.')[1]}.{'A' * 43}",  # a forged signature
        f"{CONVERSATION}.{int(SENDER.split('.')[1]) + 86400}.{SENDER.split('.')[2]}",  # re-dated
        f"{CONVERSATION}.{SENDER.split('.')[2]}",  # the id without its issue time
        ConversationIds("another deployment's key").issue(),
        "zalo:2468458835296117922",
    ],
)
def test_a_conversation_id_the_channel_did_not_issue_is_refused(sender: str) -> None:
    agent = ScriptedAgent("Dạ.")
    (response,) = post(agent, message("hồ sơ của tôi đến đâu rồi", sender=sender))
    assert response.status_code == 403
    assert response.json()["code"] == "unknown_conversation"
    assert agent.messages == []


def test_a_conversation_over_its_rate_limit_is_told_when_to_come_back() -> None:
    channel = portal(messages_per_conversation="3/minute")
    agent = ScriptedAgent("Dạ.")
    responses = post(agent, *(message("lệ phí?", f"m-{i}") for i in range(4)), channel=channel)
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert 1 <= int(responses[-1].headers["retry-after"]) <= 60
    assert len(agent.messages) == 3


def test_a_retry_of_an_answered_message_is_replayed_even_over_the_rate_limit() -> None:
    channel = portal(messages_per_conversation="1/minute")
    agent = ScriptedAgent("Dạ.")
    first, retry = post(agent, message("lệ phí?"), message("lệ phí?"), channel=channel)
    assert (first.status_code, retry.status_code) == (200, 200)
    assert lines(retry.text)[0]["reply"]["replayed"] is True


def test_a_turn_the_actions_did_not_answer_gets_an_apology_not_silence() -> None:
    (response,) = post(ScriptedAgent(), message("làm căn cước cần gì"))
    assert lines(response.text)[1:] == [{"text": ANSWER_FAILED}]


def test_a_conversation_id_past_its_maximum_age_is_refused() -> None:
    issued_long_ago = ConversationIds(SECRET, clock=lambda: time.time() - 31 * 86400).issue()
    agent = ScriptedAgent("Dạ.")
    (response,) = post(agent, message("lệ phí?", sender=issued_long_ago))
    assert response.status_code == 403
    assert response.json()["code"] == "unknown_conversation"
    assert agent.messages == []


def test_a_conversation_id_within_the_configured_maximum_age_is_accepted() -> None:
    issued_last_month = ConversationIds(SECRET, clock=lambda: time.time() - 31 * 86400).issue()
    channel = portal(conversation_max_age_days=60)
    (response,) = post(
        ScriptedAgent("Dạ."), message("lệ phí?", sender=issued_last_month), channel=channel
    )
    assert response.status_code == 200


def test_dossier_look_ups_are_limited_per_address_across_new_conversations() -> None:
    channel = portal(dossier_lookups_per_address="2/hour")
    senders = [ConversationIds(SECRET).issue() for _ in range(3)]
    asked = [
        message(f"hồ sơ 000.00.04.H51-250221-000{i} đến đâu rồi", sender=s)
        for i, s in enumerate(senders)
    ]
    agent = ScriptedAgent("Dạ.")
    responses = post(
        agent, *asked, message("lệ phí làm hộ chiếu?", sender=senders[2]), channel=channel
    )
    assert [r.status_code for r in responses] == [200, 200, 429, 200]
    assert 1 <= int(responses[2].headers["retry-after"]) <= 3600
    assert [m.text for m in agent.messages][-1] == "lệ phí làm hộ chiếu?"


def test_a_message_over_the_time_limit_gets_an_apology_and_frees_the_channel() -> None:
    channel = PortalInput(conversation_secret=SECRET, time_limit_seconds=0.2)
    started = time.monotonic()
    (response,) = post(
        ScriptedAgent("Dạ.", thinks=5), message("làm căn cước cần gì"), channel=channel
    )
    assert lines(response.text)[1:] == [{"text": ANSWER_FAILED}]
    assert time.monotonic() - started < 3


def test_a_conversation_past_its_maximum_age_can_still_be_deleted() -> None:
    issued_long_ago = ConversationIds(SECRET, clock=lambda: time.time() - 31 * 86400).issue()
    agent = ScriptedAgent()

    async def go() -> Any:
        async with channel_client(portal(), agent) as client:
            return await client.post(FORGET, json={"sender": issued_long_ago})

    response = asyncio.run(go())
    assert (response.status_code, response.json()) == (200, {"deleted": True})
    assert agent.forgotten == [f"portal:{issued_long_ago.split('.')[0]}"]


def post_from(
    addresses: list[str], proxies: str | None, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """One message per address (as X-Forwarded-For) from one peer, through a channel that
    allows two messages per address."""
    if proxies is not None:
        monkeypatch.setenv("SANIC_PROXIES_COUNT", proxies)  # as `tthc serve` sets it
    channel = portal(messages_per_address="2/minute")

    async def go() -> list[int]:
        async with channel_client(channel, ScriptedAgent("Dạ.")) as client:
            return [
                (
                    await client.post(
                        URL,
                        json=message("lệ phí?", f"m-{i}"),
                        headers={"X-Forwarded-For": address},
                    )
                ).status_code
                for i, address in enumerate(addresses)
            ]

    return asyncio.run(go())


def test_behind_a_proxy_each_citizen_has_a_rate_limit_of_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    assert post_from(addresses, "1", monkeypatch) == [200, 200, 200]


def test_without_proxies_an_address_the_caller_claims_is_not_believed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    assert post_from(addresses, None, monkeypatch) == [200, 200, 429]


def legacy_id(secret: str = SECRET) -> str:
    """An id as the channel issued them before they carried their issue time."""
    import base64
    import hashlib
    import hmac

    conversation = "Zq3v8rT0aPcX2mLk9wYbN4sD"
    digest = hmac.new(secret.encode(), f"portal:{conversation}".encode(), hashlib.sha256)
    return f"{conversation}.{base64.urlsafe_b64encode(digest.digest()).decode().rstrip('=')}"


def test_an_id_of_the_older_form_no_longer_chats_but_still_deletes() -> None:
    agent = ScriptedAgent("Dạ.")

    async def go() -> tuple[Any, Any, Any]:
        async with channel_client(portal(), agent) as client:
            chat = await client.post(URL, json=message("lệ phí?", sender=legacy_id()))
            forget = await client.post(FORGET, json={"sender": legacy_id()})
            forged = await client.post(FORGET, json={"sender": legacy_id("another key")})
            return chat, forget, forged

    chat, forget, forged = asyncio.run(go())
    assert chat.status_code == 403 and agent.messages == []
    assert forget.status_code == 200
    assert forged.status_code == 403
    assert agent.forgotten == ["portal:Zq3v8rT0aPcX2mLk9wYbN4sD"]


def test_a_receipt_code_split_by_a_mask_still_counts_as_a_look_up() -> None:
    channel = portal(dossier_lookups_per_address="1/hour")
    agent = ScriptedAgent("Dạ.")
    split = "hồ sơ 000.00.04.H51-250221-[email]0001 đến đâu rồi"  # the action reads it whole
    responses = post(
        agent,
        message("hồ sơ 000.00.04.H51-250221-0002 đến đâu rồi"),
        message(split, "m-2"),
        channel=channel,
    )
    assert [r.status_code for r in responses] == [200, 429]
