"""The Rasa server's HTTP surface as the launcher hardens it (bot/server_hardening.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bot import server_hardening
from connectors.portal import PortalInput
from tests.engine.conftest import ScriptedAgent

pytestmark = pytest.mark.engine

PORTAL_ORIGIN = "https://dichvucong.bacninh.gov.vn"


def request(method: str, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """One request to Rasa's app as `rasa run` builds it (no HTTP API), hardened."""
    from types import SimpleNamespace

    import rasa.core.run
    from sanic import Sanic
    from sanic.asgi import Lifespan

    server_hardening.install()

    async def go() -> httpx.Response:
        Sanic.test_mode = True
        app = rasa.core.run.configure_app(
            [PortalInput(conversation_secret="k")], cors=[PORTAL_ORIGIN], enable_api=False
        )
        app.ctx.agent = ScriptedAgent("Dạ.")
        app.asgi = True
        lifespan = Lifespan(SimpleNamespace(sanic_app=app))
        await lifespan.startup()
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://rasa") as client:
                return await client.request(method, path, headers=headers)
        finally:
            await lifespan.shutdown()

    return asyncio.run(go())


def preflight(origin: str) -> Any:
    return request(
        "OPTIONS",
        "/webhooks/portal/webhook",
        {
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


def test_the_portals_origin_may_call_the_channel_without_credentials() -> None:
    response = preflight(PORTAL_ORIGIN)
    assert response.headers["access-control-allow-origin"] == PORTAL_ORIGIN
    assert "access-control-allow-credentials" not in response.headers


def test_another_origin_is_not_allowed() -> None:
    response = preflight("https://attacker.example")
    assert "access-control-allow-origin" not in response.headers


def test_the_root_says_it_is_up_without_a_version_banner() -> None:
    response = request("GET", "/")
    assert response.json() == {"status": "ok"}
    assert "Rasa" not in response.text and "3.6" not in response.text


def test_answers_carry_the_security_headers() -> None:
    response = request("GET", "/webhooks/portal/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
