"""The real assistant for conversation tests: the app (actions at /webhook) in a thread and
the trained Rasa model in its own server, talked to through Rasa's REST channel."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from knowledge_base.settings import Settings

Reply = list[dict]


@pytest.fixture(scope="session")
def rasa_ready() -> None:
    defaults = Settings()
    if not defaults.rasa_executable.exists() or not defaults.rasa_model.exists():
        pytest.skip("needs the engine environment and a trained model: run `make test`")


@pytest.fixture(scope="module")
def assistant(rasa_ready, seeded_deployment) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Both servers over the seeded deployment (with the demo dossiers); the Rasa URL."""
    from actions.dossier_status import load_demo_records
    from knowledge_base.api.app import create_app
    from knowledge_base.cli import DEMO_DOSSIERS
    from knowledge_base.rasa_server import running_assistant

    settings, sessions, service = seeded_deployment
    with sessions.begin() as session:
        load_demo_records(session, DEMO_DOSSIERS)
    with running_assistant(settings, create_app(settings, service)) as url:
        yield url


@pytest.fixture
def say(assistant: str) -> Callable[[str, str], Reply]:
    """Send one message as a citizen (sender id) and return the assistant's messages."""

    def send(sender: str, message: str) -> Reply:
        response = httpx.post(
            f"{assistant}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    return send


def text_of(reply: Reply) -> str:
    return "\n".join(message.get("text", "") for message in reply)
