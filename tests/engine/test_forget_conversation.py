"""A withdrawn user's tracker is deleted from whichever store Rasa keeps it in."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    InMemoryTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from connectors.conversations import delete_tracker

pytestmark = pytest.mark.engine

DOMAIN = Domain.from_yaml("version: '3.1'\nintents: [greet]")


def check_forgets(store) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> tuple[bool, bool]:
        for sender in ("zalo:leaving", "zalo:staying"):
            tracker = DialogueStateTracker(sender, DOMAIN.slots)
            tracker.update(UserUttered("xin chào"))
            await store.save(tracker)
        await delete_tracker(store, "zalo:leaving")
        return await store.exists("zalo:leaving"), await store.exists("zalo:staying")

    assert asyncio.run(scenario()) == (False, True)


def test_in_memory_store_forgets_only_that_user() -> None:
    check_forgets(AwaitableTrackerStore(InMemoryTrackerStore(DOMAIN)))


def test_sql_store_forgets_only_that_user(tmp_path) -> None:
    check_forgets(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "trackers.db")))


def test_redis_store_forgets_only_that_user(redis_url: str) -> None:
    store = RedisTrackerStore(DOMAIN, host="127.0.0.1", port=6379, db=15, key_prefix="tthctest")
    check_forgets(store)
