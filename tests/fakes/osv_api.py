"""A fake OSV vulnerability API (POST /v1/query) on a free loopback port: real HTTP, with
the advisories a test gives it, for the dependency audit's tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOsvApi:
    def __init__(self, advisories: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
        """``advisories``: (package name, version) → OSV vulnerability records."""
        self.advisories = {(name.lower(), version): v for (name, version), v in advisories.items()}
        self.queries: list[dict[str, Any]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                api.queries.append(query)
                key = (query["package"]["name"].lower(), query["version"])
                found = api.advisories.get(key)
                body = json.dumps({"vulns": found} if found else {}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}/v1/query"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
