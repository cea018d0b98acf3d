"""Fixtures of the engine-environment tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from tests.fakes.zalo_api import FakeZaloApi

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by nobody else


@pytest.fixture
def zalo() -> Iterator[FakeZaloApi]:
    """The fake Zalo OA API on a free loopback port, for one test."""
    api = FakeZaloApi()
    yield api
    api.close()


@pytest.fixture
def redis_url() -> str:
    """The local Redis server's URL; the test skips with a message where none answers."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


class ScriptedAgent:
    """Stands in for Rasa's agent behind a channel: records each message it is handed and
    answers it with ``replies`` through the message's own output channel (after ``thinks``
    seconds, for slow turns)."""

    def __init__(self, *replies: str, fails: bool = False, thinks: float = 0.0) -> None:
        self.replies = replies
        self.fails = fails
        self.thinks = thinks
        self.messages: list[Any] = []
        self.forgotten: list[str] = []
        self.tracker_store = InMemoryTrackerStore(Domain.empty())

    async def handle_message(self, message: Any) -> None:
        self.messages.append(message)
        if self.fails:
            raise RuntimeError("DIETClassifier ran out of memory")
        await asyncio.sleep(self.thinks)
        for reply in self.replies:
            await message.output_channel.send_text_message(message.sender_id, reply)

    async def execute_action(self, sender_id: str, action: str, output: Any, *_: Any) -> None:
        """The app's ``action_forget_conversation``, confirming it deleted its records."""
        self.forgotten.append(sender_id)
        await output.send_custom_json(sender_id, {"forgotten": True})


@asynccontextmanager
async def channel_client(channel: Any, agent: ScriptedAgent) -> AsyncIterator[httpx.AsyncClient]:
    """The Rasa server's Sanic app with ``channel`` on and ``agent`` behind it, called in
    process (as RasaHQ/rasa's channel tests do with ``configure_app``), over ASGI."""
    import rasa.core.run
    from sanic import Sanic
    from sanic.asgi import Lifespan

    Sanic.test_mode = True  # one app per test, all named "rasa_server"
    app = rasa.core.run.configure_app([channel], port=5005)
    app.ctx.agent = agent
    # Sanic 21.12 in ASGI mode starts as an ASGI server would start it: one lifespan event.
    app.asgi = True
    lifespan = Lifespan(SimpleNamespace(sanic_app=app))
    await lifespan.startup()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://rasa") as client:
            yield client
    finally:
        await lifespan.shutdown()
