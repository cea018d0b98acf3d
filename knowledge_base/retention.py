"""Deleting what is kept past its retention period: citizens' ratings and turn records (the
app's tables) and
whole conversations in Rasa's SQL tracker store (its ``events`` table).

A conversation is deleted whole once its last event is older than the period, so a
tracker is never cut in the middle of what a citizen is still talking about.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from knowledge_base.models import AnswerFeedback, ServiceHeartbeat, SignIn, Turn
from knowledge_base.tracker_events import events, kept_any


def purge_feedback(session: Session, older_than: datetime) -> int:
    result = session.execute(delete(AnswerFeedback).where(AnswerFeedback.created_at < older_than))
    return result.rowcount or 0


def purge_turns(session: Session, older_than: datetime) -> int:
    """Turn records, and the heartbeats kept for the same reports."""
    session.execute(delete(ServiceHeartbeat).where(ServiceHeartbeat.at < older_than))
    result = session.execute(delete(Turn).where(Turn.at < older_than))
    return result.rowcount or 0


def purge_sign_ins(session: Session, older_than: datetime) -> int:
    """The audit of back-office sign-ins (names and addresses of civil servants)."""
    result = session.execute(delete(SignIn).where(SignIn.at < older_than))
    return result.rowcount or 0


def purge_conversations(tracker_store: Engine, older_than: datetime) -> int:
    """Delete every conversation whose last event is before ``older_than``; how many."""
    if not kept_any(tracker_store):
        return 0  # Rasa has not kept any conversation yet
    last_event = func.max(events.c.timestamp)
    stale = (
        select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(last_event < older_than.timestamp())
    )
    with tracker_store.begin() as connection:
        senders = list(connection.scalars(stale))
        for start in range(0, len(senders), 500):
            batch = senders[start : start + 500]
            connection.execute(delete(events).where(events.c.sender_id.in_(batch)))
    return len(senders)
