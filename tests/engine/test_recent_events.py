"""Redelivered events are recognised, in one process or across workers sharing Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from connectors.recent_events import InMemoryRecentEvents, RedisRecentEvents

pytestmark = pytest.mark.engine


def firsts(recent, keys: list[str]) -> list[bool]:  # type: ignore[no-untyped-def]
    async def run() -> list[bool]:
        return [await recent.first_time(key) for key in keys]

    return asyncio.run(run())


def test_an_event_is_new_once_within_the_ttl() -> None:
    assert firsts(InMemoryRecentEvents(), ["m1", "m2", "m1", "m1"]) == [True, True, False, False]


def test_an_event_is_new_again_after_the_ttl() -> None:
    recent = InMemoryRecentEvents(ttl_seconds=0.05)

    async def run() -> list[bool]:
        first = await recent.first_time("m1")
        await asyncio.sleep(0.1)
        return [first, await recent.first_time("m1")]

    assert asyncio.run(run()) == [True, True]


def test_two_workers_sharing_redis_answer_an_event_once(redis_url: str) -> None:
    prefix = f"tthc:test:{uuid.uuid4()}:"
    worker_a = RedisRecentEvents(redis_url, prefix, ttl_seconds=60)
    worker_b = RedisRecentEvents(redis_url, prefix, ttl_seconds=60)
    assert firsts(worker_a, ["m1"]) + firsts(worker_b, ["m1", "m2"]) == [True, False, True]
