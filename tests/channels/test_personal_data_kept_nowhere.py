"""A message with a CCCD number, a phone number and an email, sent through every channel:
afterwards none of them is in the app's database, Rasa's tracker store or either server's
log (the real servers, see ``live``)."""

from __future__ import annotations

import json
import logging
import time
import uuid

import httpx
import pytest

from tests.channels.test_zalo_channel import answers, deliver, new_user, text_event
from tests.conftest import post_rest

pytestmark = pytest.mark.slow

CCCD, PHONE, EMAIL = "001099012345", "0912345678", "an.nguyen.1990@gmail.com"
MESSAGE = f"tôi tên Nguyễn Văn An, cccd {CCCD}, sđt {PHONE}, email {EMAIL}, làm hộ chiếu cần gì"
COMPLAINT = f"trả lời sai rồi, gọi lại cho tôi số {PHONE} hoặc gửi {EMAIL}"


def portal(live, sender: str, text: str) -> None:  # type: ignore[no-untyped-def]
    response = httpx.post(
        f"{live.rasa_url}/webhooks/portal/webhook",
        json={"sender": sender, "message": text, "message_id": uuid.uuid4().hex},
        timeout=60,
    )
    assert response.status_code == 200


def rest(live, text: str) -> None:  # type: ignore[no-untyped-def]
    assert post_rest(live.rasa_url, "pii-check", text).status_code == 200


def test_personal_data_sent_on_every_channel_is_stored_and_logged_nowhere(live, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    sender = httpx.post(f"{live.rasa_url}/webhooks/portal/conversations", timeout=10).json()
    for text in (MESSAGE, COMPLAINT):
        portal(live, sender["sender"], text)
        rest(live, text)
    user = new_user()
    assert deliver(live, text_event(live, user, MESSAGE)).status_code == 200
    answers(live, user)
    assert deliver(live, text_event(live, user, COMPLAINT)).status_code == 200
    answers(live, user, count=len(live.zalo.sends(user)) + 1)
    time.sleep(1)  # the last tracker written

    kept = {path.name: path.read_bytes() for path in live.settings.data_dir.glob("*.sqlite3*")}
    assert {"tthc.sqlite3", "trackers.sqlite3"} <= kept.keys()
    kept["rasa.log"] = (live.settings.data_dir / "rasa.log").read_bytes()
    kept["the app's log"] = caplog.text.encode()
    for where, content in kept.items():
        for value in (CCCD, PHONE, EMAIL):
            assert value.encode() not in content, f"{value} is in {where}"
            assert json.dumps(value).encode()[1:-1] not in content


def test_the_masked_message_is_what_rasa_keeps(live) -> None:  # type: ignore[no-untyped-def]
    rest(live, MESSAGE)
    trackers = (live.settings.data_dir / "trackers.sqlite3").read_bytes().decode("utf-8", "replace")
    assert "[số CCCD]" in trackers or "[s\\u1ed1 CCCD]" in trackers
