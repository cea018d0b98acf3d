"""A conversation's transcript, read from Rasa's SQL tracker store (its ``events`` table):
what the citizen wrote (masked by the channel before Rasa saw it) and what the assistant
answered, for the back-office's conversation pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, Engine, Float, MetaData, String, Table, Text, inspect, select

from vntext.receipt_codes import RECEIPT_CODE

_events = Table(
    "events",  # Rasa 3.6's SQLTrackerStore.SQLEvent; only the columns read here
    MetaData(),
    Column("id", Float),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("data", Text),
)


@dataclass(frozen=True)
class Line:
    at: datetime
    speaker: str  # "citizen" or "assistant"
    text: str


def transcript(tracker_store: Engine, sender_id: str, limit: int = 500) -> list[Line]:
    if not inspect(tracker_store).has_table("events"):
        return []
    query = (
        select(_events.c.type_name, _events.c.timestamp, _events.c.data)
        .where(_events.c.sender_id == sender_id, _events.c.type_name.in_(["user", "bot"]))
        .order_by(_events.c.id)
        .limit(limit)
    )
    lines = []
    with tracker_store.connect() as connection:
        for type_name, timestamp, data in connection.execute(query):
            text = (json.loads(data or "{}").get("text") or "").strip()
            text = RECEIPT_CODE.sub("[mã hồ sơ]", text)  # a dossier stays its owner's
            if text:
                speaker = "citizen" if type_name == "user" else "assistant"
                lines.append(Line(datetime.fromtimestamp(timestamp or 0, UTC), speaker, text))
    return lines
