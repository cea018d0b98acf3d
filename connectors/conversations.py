"""Forget a citizen's conversation: what the app stored about it, then Rasa's tracker.

The widget's "Xóa cuộc trò chuyện" and Zalo's ``user_withdraw`` ask for a citizen's data to
be deleted. The app's action says when it has deleted its part; only then is the tracker
deleted, and only when both are gone is the citizen told so. Rasa 3.6's tracker stores have
no delete, so each store the project supports is emptied by its own means.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    MongoTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)

logger = logging.getLogger(__name__)

FORGET_ACTION = "action_forget_conversation"
FORGOTTEN = "forgotten"  # what the action answers once the app's records are deleted


class CannotForget(RuntimeError):
    pass


def _innermost(store: TrackerStore) -> TrackerStore:
    """The real store inside Rasa's wrappers (AwaitableTrackerStore, FailSafeTrackerStore)."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


async def delete_tracker(tracker_store: TrackerStore, sender_id: str) -> None:
    store = _innermost(tracker_store)
    if isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
    elif isinstance(store, RedisTrackerStore):
        store.red.delete(store.key_prefix + sender_id)
    elif isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete()
            session.commit()
    elif isinstance(store, MongoTrackerStore):
        store.conversations.delete_one({"sender_id": sender_id})
    else:
        raise CannotForget(f"deleting from a {type(store).__name__} is not supported")


async def forget_conversation(agent: Any, sender_id: str) -> None:
    """Delete the app's records (feedback) through its action, then the tracker itself;
    CannotForget, with the tracker kept, when the app did not confirm its part."""
    confirmation = CollectingOutputChannel()
    await agent.execute_action(sender_id, FORGET_ACTION, confirmation, None, None)
    if not any((m.get("custom") or {}).get(FORGOTTEN) for m in confirmation.messages):
        raise CannotForget("the app did not confirm it deleted its records")
    await delete_tracker(agent.tracker_store, sender_id)
    logger.info("Deleted a stored conversation on the citizen's request")
