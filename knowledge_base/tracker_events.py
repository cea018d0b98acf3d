"""Rasa's SQL tracker store as the app reads it: its ``events`` table (Rasa 3.6's
``SQLTrackerStore.SQLEvent``, only the columns the app uses). The retention purge deletes
from it and the back-office reads transcripts from it."""

from __future__ import annotations

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, inspect

events = Table(
    "events",
    MetaData(),
    Column("id", Integer),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("data", Text),
)


def kept_any(tracker_store: Engine) -> bool:
    """Whether Rasa has kept any conversation there yet (it makes the table on first use)."""
    return inspect(tracker_store).has_table("events")
