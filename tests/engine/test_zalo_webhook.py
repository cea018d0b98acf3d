"""The Zalo OA channel in process: Rasa's Sanic app with the channel on, a scripted agent
behind it and the fake Zalo API (real HTTP on loopback) in front of the answers. The
end-to-end twin, through the trained model, is tests/channels/test_zalo_channel.py."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from connectors.messages import (
    ANSWER_FAILED,
    CONVERSATION_DELETED,
    INFO_RECEIVED,
    TEXT_ONLY,
    too_long,
)
from connectors.zalo import signature
from connectors.zalo.channel import ZaloInput
from tests.engine.conftest import ScriptedAgent, channel_client
from tests.fakes.zalo_api import FakeZaloApi

pytestmark = pytest.mark.engine

URL = "/webhooks/zalo/webhook"
SECRET = "oa-secret-key-for-tests"
USER = "2468458835296117922"


def channel(zalo: FakeZaloApi, tmp_path: Path, **overrides: Any) -> ZaloInput:
    credentials = zalo.channel_credentials(SECRET, str(tmp_path / "tokens.json"))
    return ZaloInput.from_credentials({**credentials, **overrides})


def text_event(zalo: FakeZaloApi, text: str, **fields: Any) -> dict[str, Any]:
    return {
        "app_id": zalo.app_id,
        "event_name": "user_send_text",
        "timestamp": str(int(time.time() * 1000)),
        "sender": {"id": USER},
        "recipient": {"id": "579745863508352884"},
        "message": {"text": text, "msg_id": uuid.uuid4().hex},
        **fields,
    }


def signed(body: dict[str, Any], secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = signature.header_value(str(body["app_id"]), raw, str(body["timestamp"]), secret)
    return raw, {"Content-Type": "application/json", signature.HEADER: mac}


def deliver(
    zalo: FakeZaloApi,
    channel: ZaloInput,
    agent: ScriptedAgent,
    *requests: tuple[bytes, dict[str, str]],
    answers: int = 0,
) -> list[Any]:
    """POST the webhooks, then wait (in the server's loop) until ``answers`` sends arrived."""

    async def go() -> list[Any]:
        async with channel_client(channel, agent) as client:
            responses = [await client.post(URL, content=raw, headers=h) for raw, h in requests]
            deadline = time.monotonic() + 10
            while len(zalo.sends(USER)) < answers and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)  # anything extra (a second answer) would arrive by now
            await channel.client.close()
            return responses

    return asyncio.run(go())


def test_a_signed_text_reaches_rasa_as_the_zalo_user(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Thủ tục: Cấp hộ chiếu phổ thông (mã 2.001702)")
    (response,) = deliver(
        zalo, channel(zalo, tmp_path), agent, signed(text_event(zalo, "làm hộ chiếu")), answers=1
    )
    assert response.json() == {"status": "accepted"}
    (received,) = agent.messages
    assert (received.sender_id, received.text, received.input_channel) == (
        f"zalo:{USER}",
        "làm hộ chiếu",
        "zalo",
    )
    assert [s["message"] for s in zalo.sends(USER)] == [
        {"text": "Thủ tục: Cấp hộ chiếu phổ thông (mã 2.001702)"}
    ]


def test_a_forged_signature_is_refused_and_never_answered(
    zalo: FakeZaloApi, tmp_path: Path
) -> None:
    agent = ScriptedAgent("Dạ.")
    raw, headers = signed(text_event(zalo, "làm hộ chiếu"), secret="guessed-secret")
    (response,) = deliver(zalo, channel(zalo, tmp_path), agent, (raw, headers))
    assert response.status_code == 401
    assert agent.messages == [] and zalo.sends() == []


def test_an_event_for_another_app_is_refused(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    event = text_event(zalo, "làm hộ chiếu", app_id="4318800000000000999")
    (response,) = deliver(zalo, channel(zalo, tmp_path), agent, signed(event))
    assert response.status_code == 401
    assert agent.messages == []


def test_a_replayed_old_event_is_refused(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    an_hour_ago = str(int((time.time() - 3600) * 1000))
    (response,) = deliver(
        zalo,
        channel(zalo, tmp_path),
        agent,
        signed(text_event(zalo, "làm hộ chiếu", timestamp=an_hour_ago)),
    )
    assert response.status_code == 401
    assert agent.messages == []


def test_an_event_from_minutes_in_the_future_is_refused(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    in_four_minutes = str(int((time.time() + 240) * 1000))
    (response,) = deliver(
        zalo,
        channel(zalo, tmp_path),
        agent,
        signed(text_event(zalo, "làm hộ chiếu", timestamp=in_four_minutes)),
    )
    assert response.status_code == 401
    assert agent.messages == []


def test_an_event_a_few_seconds_ahead_of_our_clock_is_answered(
    zalo: FakeZaloApi, tmp_path: Path
) -> None:
    agent = ScriptedAgent("Dạ.")
    in_five_seconds = str(int((time.time() + 5) * 1000))
    (response,) = deliver(
        zalo,
        channel(zalo, tmp_path),
        agent,
        signed(text_event(zalo, "làm hộ chiếu", timestamp=in_five_seconds)),
        answers=1,
    )
    assert response.json() == {"status": "accepted"}
    assert len(agent.messages) == 1


def test_a_message_over_every_channels_limit_is_answered_without_asking_rasa(
    zalo: FakeZaloApi, tmp_path: Path
) -> None:
    agent = ScriptedAgent("Dạ.")
    deliver(zalo, channel(zalo, tmp_path), agent, signed(text_event(zalo, "a" * 10_001)), answers=1)
    assert agent.messages == []
    assert [send["message"]["text"] for send in zalo.sends(USER)] == [too_long(10_000)]


def test_a_user_over_the_rate_limit_is_not_answered_again(
    zalo: FakeZaloApi, tmp_path: Path
) -> None:
    agent = ScriptedAgent("Dạ.")
    requests = [signed(text_event(zalo, f"câu hỏi số {i}")) for i in range(22)]
    responses = deliver(zalo, channel(zalo, tmp_path), agent, *requests, answers=20)
    assert all(r.json() == {"status": "accepted"} for r in responses)  # Zalo gets its 200
    assert len(agent.messages) == 20


def test_a_turn_the_actions_did_not_answer_gets_an_apology_not_silence(
    zalo: FakeZaloApi, tmp_path: Path
) -> None:
    deliver(
        zalo,
        channel(zalo, tmp_path),
        ScriptedAgent(),
        signed(text_event(zalo, "xin chào")),
        answers=1,
    )
    assert [send["message"]["text"] for send in zalo.sends(USER)] == [ANSWER_FAILED]


def test_deeply_nested_json_is_a_bad_request(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    nested = b"[" * 100_000 + b"]" * 100_000
    (response,) = deliver(
        zalo, channel(zalo, tmp_path), agent, (nested, {"Content-Type": "application/json"})
    )
    assert response.status_code == 400
    assert agent.messages == []


def test_a_redelivered_event_is_answered_once(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    request = signed(text_event(zalo, "lệ phí hộ chiếu"))
    first, again = deliver(zalo, channel(zalo, tmp_path), agent, request, request, answers=1)
    assert first.json() == {"status": "accepted"}
    assert again.json() == {"status": "duplicate"}
    assert len(agent.messages) == 1 and len(zalo.sends(USER)) == 1


def zalo_event(zalo: FakeZaloApi, name: str, **fields: Any) -> dict[str, Any]:
    """A signed-to-be event of kind ``name`` from USER, as Zalo shapes it."""
    body = {**text_event(zalo, ""), "event_name": name, **fields}
    if name == "follow":
        body["follower"] = body.pop("sender")
    return body


@pytest.mark.parametrize(
    "name",
    [
        "user_send_image",
        "user_send_file",
        "user_send_sticker",
        "user_send_gif",
        "user_send_audio",
        "user_send_video",
        "user_send_link",
        "user_send_location",
        "user_send_business_card",
    ],
)
def test_a_message_that_is_not_text_gets_the_text_only_notice_without_asking_rasa(
    zalo: FakeZaloApi, tmp_path: Path, name: str
) -> None:
    agent = ScriptedAgent("Dạ.")
    attachment = {"type": name.removeprefix("user_send_"), "payload": {"url": "https://zalo.me/x"}}
    message = {"msg_id": uuid.uuid4().hex, "attachments": [attachment]}
    deliver(
        zalo,
        channel(zalo, tmp_path),
        agent,
        signed(zalo_event(zalo, name, message=message)),
        answers=1,
    )
    assert agent.messages == []
    assert [s["message"] for s in zalo.sends(USER)] == [{"text": TEXT_ONLY}]


def test_submitted_information_is_acknowledged_without_asking_rasa(
    zalo: FakeZaloApi, tmp_path: Path
) -> None:
    agent = ScriptedAgent("Dạ.")
    info = {"name": "Nguyễn Văn An", "phone": "0912345678"}
    event = zalo_event(zalo, "user_submit_info", info=info)
    deliver(zalo, channel(zalo, tmp_path), agent, signed(event), answers=1)
    assert agent.messages == []
    assert [s["message"] for s in zalo.sends(USER)] == [{"text": INFO_RECEIVED}]


@pytest.mark.parametrize(
    "name",
    ["oa_send_text", "oa_send_image", "user_received_message", "user_seen_message", "unfollow"],
)
def test_echoes_receipts_and_unfollows_are_acknowledged_without_an_answer(
    zalo: FakeZaloApi, tmp_path: Path, name: str
) -> None:
    agent = ScriptedAgent("Dạ.")
    message = {"text": "Chào anh/chị", "msg_id": uuid.uuid4().hex}
    (response,) = deliver(
        zalo, channel(zalo, tmp_path), agent, signed(zalo_event(zalo, name, message=message))
    )
    assert response.json() == {"status": "accepted"}
    assert agent.messages == [] and zalo.sends() == []


def test_a_missing_signature_is_refused(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    raw, headers = signed(text_event(zalo, "xin chào"))
    del headers[signature.HEADER]
    (response,) = deliver(zalo, channel(zalo, tmp_path), agent, (raw, headers))
    assert response.status_code == 401
    assert agent.messages == [] and zalo.sends() == []


def test_a_body_changed_after_signing_is_refused(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    raw, headers = signed(text_event(zalo, "xin chào"))
    tampered = raw.replace(b"xin ch", b"XIN CH")
    (response,) = deliver(zalo, channel(zalo, tmp_path), agent, (tampered, headers))
    assert response.status_code == 401
    assert agent.messages == []


def test_a_body_that_is_not_json_is_a_bad_request(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    (response,) = deliver(
        zalo, channel(zalo, tmp_path), agent, (b"{not json", {"Content-Type": "text/plain"})
    )
    assert response.status_code == 400
    assert agent.messages == []


def test_an_unconfigured_channel_answers_503(zalo: FakeZaloApi, tmp_path: Path) -> None:
    agent = ScriptedAgent("Dạ.")
    unconfigured = channel(zalo, tmp_path, oa_secret_key="", app_id="")
    (response,) = deliver(zalo, unconfigured, agent, signed(text_event(zalo, "xin chào")))
    assert response.status_code == 503
    assert agent.messages == []


def test_a_withdrawing_user_is_told_the_conversation_was_deleted(
    zalo: FakeZaloApi, tmp_path: Path
) -> None:
    agent = ScriptedAgent()
    withdrawal = {**text_event(zalo, ""), "event_name": "user_withdraw"}
    deliver(zalo, channel(zalo, tmp_path), agent, signed(withdrawal), answers=1)
    assert agent.forgotten == [f"zalo:{USER}"]
    assert [send["message"]["text"] for send in zalo.sends(USER)] == [CONVERSATION_DELETED]


def test_a_message_over_the_time_limit_gets_an_apology(
    zalo: FakeZaloApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("connectors.zalo.channel.MESSAGE_TIME_LIMIT_SECONDS", 0.2)
    agent = ScriptedAgent("Dạ.", thinks=5)
    deliver(zalo, channel(zalo, tmp_path), agent, signed(text_event(zalo, "xin chào")), answers=1)
    assert [send["message"]["text"] for send in zalo.sends(USER)] == [ANSWER_FAILED]
