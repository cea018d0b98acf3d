"""The real assistant for conversation tests: the app (actions at /webhook) in a thread and
the trained Rasa model in its own server, talked to through Rasa's REST channel."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import uvicorn

from knowledge_base.settings import PROJECT_ROOT

Reply = list[dict]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def rasa_ready() -> None:
    rasa = PROJECT_ROOT / ".venv-engine" / "bin" / "rasa"
    model = PROJECT_ROOT / "models" / "tthc.tar.gz"
    if not rasa.exists() or not model.exists():
        pytest.skip("needs the engine environment and a trained model: run `make test`")


@pytest.fixture(scope="module")
def assistant(rasa_ready, seeded_deployment) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Start both servers over the seeded deployment; yield the Rasa server's URL."""
    from actions.dossier_status import load_demo_records
    from knowledge_base import rasa_server
    from knowledge_base.api.app import create_app
    from knowledge_base.cli import DEMO_DOSSIERS

    settings, sessions, service = seeded_deployment
    with sessions.begin() as session:
        load_demo_records(session, DEMO_DOSSIERS)
    app_port, rasa_port = free_port(), free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, service), port=app_port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    settings.rasa_port = rasa_port
    process = rasa_server.start(
        settings, f"http://127.0.0.1:{app_port}", log_file=settings.data_dir / "rasa.log"
    )
    url = f"http://127.0.0.1:{rasa_port}"
    try:
        rasa_server.wait_until_ready(url, process)
        yield url
    finally:
        rasa_server.stop(process)
        server.should_exit = True
        thread.join(timeout=10)


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
