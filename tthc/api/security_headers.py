"""Security headers on every answer of the public app, and a content policy on its pages.

The demo portal page may load only this app's own files (no CDN: the deployment works
offline and a compromised CDN cannot inject script) and talk only to this app and the Rasa
server; no page may be framed (click-jacking) and no answer sniffed as another type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def page_policy(chat_url: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' {chat_url}",
            "style-src 'self' 'unsafe-inline'",  # the demo page's own <style>
            "img-src 'self' data:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ]
    )


def add_security_headers(app: FastAPI, chat_url: Callable[[], str]) -> None:
    """``chat_url`` is read per page: `tthc serve` settles it after the app is built."""

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", page_policy(chat_url()))
        return response
