"""Conversations through Rasa's REST channel with the real assistant (see ``live``)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import REST_TOKEN

Reply = list[dict]


@pytest.fixture
def assistant(live) -> str:  # type: ignore[no-untyped-def]
    return live.rasa_url


@pytest.fixture
def say(assistant: str) -> Callable[[str, str], Reply]:
    """Send one message as a citizen (sender id) and return the assistant's messages."""

    def send(sender: str, message: str) -> Reply:
        response = httpx.post(
            f"{assistant}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            headers={"Authorization": f"Bearer {REST_TOKEN}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    return send


def text_of(reply: Reply) -> str:
    return "\n".join(message.get("text", "") for message in reply)
