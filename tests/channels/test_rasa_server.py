"""The Rasa server as `tthc serve` runs it: bounded requests, supervised, conversations kept
in its SQL tracker store (the real servers, see ``live``)."""

from __future__ import annotations

import signal
import time

import httpx
import pytest

from tests.conftest import post_rest

pytestmark = pytest.mark.slow

MARRIAGE = "1.000894"


def say(live, sender: str, message: str) -> str:  # type: ignore[no-untyped-def]
    response = post_rest(live.rasa_url, sender, message)
    assert response.status_code == 200, response.text
    return "\n".join(message.get("text", "") for message in response.json())


def health(live) -> dict:  # type: ignore[no-untyped-def]
    return httpx.get(f"{live.app_url}/healthz", timeout=10).json()


def test_a_body_of_20_megabytes_is_refused_before_it_is_read(live) -> None:
    started = time.monotonic()
    response = httpx.post(
        f"{live.rasa_url}/webhooks/portal/webhook",
        content=b'{"message": "' + b"a" * 20_000_000 + b'"}',
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 413
    assert time.monotonic() - started < 10
    assert "đăng ký kết hôn" in say(live, "after-a-huge-body", "đăng ký kết hôn cần giấy tờ gì")


def test_the_root_gives_no_version_banner(live) -> None:
    response = httpx.get(live.rasa_url, timeout=10)
    assert response.json() == {"status": "ok"}


def test_health_reports_the_rasa_server(live) -> None:
    assert health(live)["engine"]["status"] == "ok"
    assert health(live)["status"] == "ok"


def test_a_killed_rasa_server_is_restarted_and_the_conversation_goes_on(live) -> None:
    assert f"mã {MARRIAGE}" in say(live, "restart-citizen", "đăng ký kết hôn cần giấy tờ gì")
    restarts = live.supervisor.restarts
    live.supervisor.process.send_signal(signal.SIGKILL)
    live.supervisor.process.wait(timeout=10)
    assert health(live)["status"] == "degraded"
    deadline = time.monotonic() + 240
    while health(live)["engine"]["status"] != "ok":
        assert time.monotonic() < deadline, "the Rasa server was not back within 4 minutes"
        time.sleep(1)
    assert live.supervisor.restarts == restarts + 1
    # The tracker outlived the process: the follow-up is about the same procedure.
    assert f"mã {MARRIAGE}" in say(live, "restart-citizen", "mất bao lâu")
