"""A fake Zalo OA Open API on loopback: real HTTP, recording what it receives.

It speaks the two endpoints the channel uses (send a consultation message, refresh the
access token), keeps one valid access token and a single-use refresh token as Zalo does,
and can be told to expire the access token or fail the next sends. Standard library only,
so the engine tests, the app tests and the benchmarks all use it.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

SEND_PATH = "/v3.0/oa/message/cs"
REFRESH_PATH = "/v4/oa/access_token"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any  # JSON for sends, the form for refreshes


@dataclass
class FakeZaloApi:
    app_id: str = "4318800000000000001"
    app_secret: str = "app-secret-for-tests"
    access_token: str = "access-0"
    refresh_token: str = "refresh-0"
    received: list[Received] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)  # next sends' replies
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _counter: Any = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, reply = api._handle(self.path, dict(self.headers.items()), raw)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # Polled often, so that closing it (after every test that uses one) is quick.
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def _handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        headers = {key.lower(): value for key, value in headers.items()}
        with self._lock:
            if path == SEND_PATH:
                body = json.loads(raw)
                self.received.append(Received(path, headers, body))
                self._lock.notify_all()
                if headers.get("access_token") != self.access_token:
                    return 200, {"error": -216, "message": "Access token is invalid"}
                if self.failures:
                    return 200, self.failures.pop(0)
                return 200, {"error": 0, "message": "Success", "data": {"message_id": "m"}}
            if path == REFRESH_PATH:
                form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
                self.received.append(Received(path, headers, form))
                self._lock.notify_all()
                known_app = form.get("app_id") == self.app_id
                if headers.get("secret_key") != self.app_secret or not known_app:
                    return 200, {"error": -14002, "error_name": "Invalid app secret"}
                if form.get("refresh_token") != self.refresh_token:
                    return 200, {"error": -14014, "error_name": "Invalid refresh token"}
                serial = next(self._counter)
                self.access_token, self.refresh_token = f"access-{serial}", f"refresh-{serial}"
                return 200, {
                    "access_token": self.access_token,
                    "refresh_token": self.refresh_token,
                    "expires_in": "90000",
                }
            if path == "/not-json":
                return 200, ["a JSON list, not the object Zalo sends"]
            return 404, {"error": 404, "message": f"no such endpoint {path}"}

    def channel_credentials(self, oa_secret_key: str, token_file: str) -> dict[str, str]:
        """The Zalo channel's credentials.yml section for an OA served by this fake."""
        return {
            "app_id": self.app_id,
            "oa_secret_key": oa_secret_key,
            "app_secret": self.app_secret,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_file": token_file,
            "api_url": self.url,
            "oauth_url": self.url,
        }

    # What tests do with it.
    def expire_access_token(self) -> None:
        """Zalo's access token lasts about 25 hours; make the current one stale now."""
        with self._lock:
            self.access_token = f"{self.access_token}-no-longer-valid"

    def sends(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Messages sent to the API that it accepted or refused, oldest first."""
        with self._lock:
            return [
                r.body
                for r in self.received
                if r.path == SEND_PATH
                and (user_id is None or r.body.get("recipient", {}).get("user_id") == user_id)
            ]

    def refreshes(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == REFRESH_PATH]

    def wait_until(self, condition: Callable[[], bool], timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, 0.2))
        return True

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
