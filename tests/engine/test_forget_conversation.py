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

from connectors.conversations import CannotForget, delete_tracker, forget_conversation

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


class AgentWhoseAppIsDown:
    """Rasa's agent when the action endpoint does not answer: the action says nothing."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        self.tracker_store = store

    async def execute_action(self, sender_id, action, output, policy, confidence) -> None:  # type: ignore[no-untyped-def]
        return None


def test_a_tracker_is_kept_when_the_app_did_not_confirm_its_deletion() -> None:
    store = AwaitableTrackerStore(InMemoryTrackerStore(DOMAIN))

    async def scenario() -> bool:
        tracker = DialogueStateTracker("portal:leaving", DOMAIN.slots)
        tracker.update(UserUttered("xin chào"))
        await store.save(tracker)
        with pytest.raises(CannotForget):
            await forget_conversation(AgentWhoseAppIsDown(store), "portal:leaving")
        return await store.exists("portal:leaving")

    assert asyncio.run(scenario()) is True
