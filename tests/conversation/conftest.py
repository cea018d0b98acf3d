"""Conversations through Rasa's REST channel with the real assistant (see ``live``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import post_rest

Reply = list[dict]


@pytest.fixture
def assistant(live) -> str:  # type: ignore[no-untyped-def]
    return live.rasa_url


@pytest.fixture
def say(assistant: str) -> Callable[[str, str], Reply]:
    """Send one message as a citizen (sender id) and return the assistant's messages."""

    def send(sender: str, message: str) -> Reply:
        response = post_rest(assistant, sender, message)
        assert response.status_code == 200, response.text
        return response.json()

    return send


def text_of(reply: Reply) -> str:
    return "\n".join(message.get("text", "") for message in reply)
