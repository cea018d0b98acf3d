"""`tthc serve` says the assistant is ready only when citizens can chat: the app and the
Rasa server both answer (Rasa opens its port only once its model is loaded)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tthc import cli
from tthc.rasa_server import free_port

pytestmark = pytest.mark.app


class Answers(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def answering(port: int) -> Iterator[str]:
    """A server answering 200 to everything at ``port``, like a started app or Rasa."""
    server = ThreadingHTTPServer(("127.0.0.1", port), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def announce(app_port: int, rasa_port: int | None, timeout: float = 1.5) -> tuple[bool, str]:
    rasa_url = f"http://127.0.0.1:{rasa_port}" if rasa_port else None
    with cli.console.capture() as captured:
        ready = cli.announce_when_ready(
            f"http://127.0.0.1:{app_port}", rasa_url, None, "  portal: …", timeout=timeout
        )
    return ready, captured.get()


def test_the_ready_line_comes_when_the_app_and_rasa_both_answer() -> None:
    app_port, rasa_port = free_port(), free_port()
    with answering(app_port), answering(rasa_port):
        ready, printed = announce(app_port, rasa_port)
    assert ready is True
    assert f"ready at http://127.0.0.1:{app_port}/" in printed


def test_no_ready_line_while_rasa_is_still_loading() -> None:
    app_port, rasa_port = free_port(), free_port()  # nothing listens at rasa_port yet
    with answering(app_port):
        ready, printed = announce(app_port, rasa_port)
    assert ready is False
    assert "ready at" not in printed
    assert "did not start" in printed


def test_no_ready_line_while_the_app_does_not_answer() -> None:
    app_port, rasa_port = free_port(), free_port()
    with answering(rasa_port):
        ready, printed = announce(app_port, rasa_port)
    assert ready is False
    assert "ready at" not in printed


def test_the_app_alone_is_ready_when_it_answers() -> None:
    app_port = free_port()
    with answering(app_port):
        ready, printed = announce(app_port, None)
    assert ready is True
    assert "ready at" in printed


def test_rasa_answering_late_still_gets_the_ready_line() -> None:
    app_port, rasa_port = free_port(), free_port()
    result: dict[str, object] = {}

    def wait() -> None:
        result["ready"], result["printed"] = announce(app_port, rasa_port, timeout=20)

    with answering(app_port):
        waiting = threading.Thread(target=wait)
        waiting.start()
        waiting.join(timeout=1.5)
        assert waiting.is_alive()  # no ready line while Rasa is silent
        with answering(rasa_port):
            waiting.join(timeout=20)
    assert result["ready"] is True
