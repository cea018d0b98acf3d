"""A conversation's transcript, read from Rasa's SQL tracker store (its ``events`` table):
what the citizen wrote (masked by the channel before Rasa saw it) and what the assistant
answered, for the back-office's conversation pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from knowledge_base.tracker_events import events, kept_any
from vntext.receipt_codes import without_receipt_codes


@dataclass(frozen=True)
class Line:
    at: datetime
    speaker: str  # "citizen" or "assistant"
    text: str


def transcript(tracker_store: Engine, sender_id: str, limit: int = 500) -> list[Line]:
    if not kept_any(tracker_store):
        return []
    query = (
        select(events.c.type_name, events.c.timestamp, events.c.data)
        .where(events.c.sender_id == sender_id, events.c.type_name.in_(["user", "bot"]))
        .order_by(events.c.id)
        .limit(limit)
    )
    lines = []
    with tracker_store.connect() as connection:
        for type_name, timestamp, data in connection.execute(query):
            text = (json.loads(data or "{}").get("text") or "").strip()
            text = without_receipt_codes(text)  # a dossier stays its owner's
            if text:
                speaker = "citizen" if type_name == "user" else "assistant"
                lines.append(Line(datetime.fromtimestamp(timestamp or 0, UTC), speaker, text))
    return lines
