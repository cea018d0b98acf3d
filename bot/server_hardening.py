"""The Rasa server's HTTP surface as a public deployment needs it, installed by the
launcher before Rasa builds its Sanic app.

Rasa 3.6 configures CORS with ``supports_credentials`` on (any allowed origin may send the
visitor's cookies), answers ``/`` with its version, and accepts bodies of up to 100 MB
(a 20 MB body took the server to 14 GB). Here: CORS without credentials (the channels use
none), a root that says only that it is up, bodies of at most ``MAX_BODY_BYTES`` (413
before they are read), a time limit on reading a request, and the security headers a page
expects. Rasa looks both functions up on ``rasa.server`` when it builds the app, so
replacing them there is enough.
"""

from __future__ import annotations

from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors import CORS

from connectors.bodies import MAX_BODY_BYTES

REQUEST_TIMEOUT_SECONDS = 30  # to receive a whole request; slow senders are cut
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


def configure_cors(app: Sanic, cors_origins: Any = "") -> None:
    app.config.CORS_AUTOMATIC_OPTIONS = True
    app.config.CORS_SUPPORTS_CREDENTIALS = False
    CORS(app, resources={r"/*": {"origins": cors_origins or ""}}, automatic_options=True)


def add_root_route(app: Sanic) -> None:
    """The root, for health checks, without a version banner; and the limits above."""
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.REQUEST_TIMEOUT = REQUEST_TIMEOUT_SECONDS

    @app.get("/")
    async def hello(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.on_response
    async def security_headers(request: Request, reply: HTTPResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            reply.headers.setdefault(name, value)


def install() -> None:
    import rasa.server

    rasa.server.configure_cors = configure_cors
    rasa.server.add_root_route = add_root_route
