"""What became of a citizen's question, read from one action call and its result, for the
turn records the back-office shows (what people ask, what went unanswered, how fast).

Read from the action-server protocol itself (the tracker Rasa sent, the events and
messages the action returned), so no action has to remember to report: an answer says
which procedure and facet it came from, a clarification offers ``/choose_procedure``
buttons, a rating is its intent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from knowledge_base.models import Turn
from vntext.personal_data import mask
from vntext.receipt_codes import without_receipt_codes

NOT_TURNS = {"action_forget_conversation"}  # a deletion is not a question
OUTCOME_OF_ACTION = {
    "action_handoff": "handed_off",
    "action_dossier_status": "dossier",
    "action_greet": "greeted",
}


@dataclass(frozen=True)
class TurnRecord:
    at: datetime
    conversation_id: str
    channel: str
    question: str
    intent: str | None
    facet: str | None
    procedure_code: str | None
    outcome: str
    latency_ms: int | None


def _latency_ms(events: list[dict[str, Any]], now: float) -> int | None:
    """From the citizen's message reaching Rasa to the action's answer."""
    for event in reversed(events):
        if event.get("event") == "user" and isinstance(event.get("timestamp"), (int, float)):
            return max(0, round((now - event["timestamp"]) * 1000))
    return None


def describe_turn(
    action_call: dict[str, Any], result: dict[str, Any], now: float | None = None
) -> TurnRecord | None:
    """The turn an action call answered; None for what is not a question."""
    action = action_call.get("next_action")
    tracker = action_call.get("tracker") or {}
    if action in NOT_TURNS or not isinstance(tracker, dict):
        return None
    latest = tracker.get("latest_message") or {}
    intent = (latest.get("intent") or {}).get("name")
    responses = result.get("responses") or []
    slots = tracker.get("slots") or {}
    answer = next(
        (
            r["custom"]["answer"]
            for r in responses
            if isinstance((r.get("custom") or {}).get("answer"), dict)
        ),
        None,
    )
    procedure_code, facet = None, None
    if action == "action_record_feedback":
        outcome = "rated_good" if intent == "feedback_good" else "rated_bad"
        procedure_code = slots.get("procedure_code")
    elif answer is not None:
        outcome = "answered"
        procedure_code, facet = answer.get("procedure_code"), answer.get("facet")
    elif any(
        str(b.get("payload", "")).startswith("/choose_procedure")
        for r in responses
        for b in (r.get("buttons") or [])
    ):
        outcome = "clarified"
    else:
        outcome = OUTCOME_OF_ACTION.get(action, "not_found")
    sender = str(tracker.get("sender_id") or "")
    channel = tracker.get("latest_input_channel") or sender.partition(":")[0] or "unknown"
    now = time.time() if now is None else now
    return TurnRecord(
        at=datetime.fromtimestamp(now, timezone.utc),
        conversation_id=sender[:128],
        channel=str(channel)[:16],
        # Channels mask before Rasa; masked again here, whoever called.
        # A receipt code leads to a person's dossier: the look-up used it, the record does not.
        question=without_receipt_codes(mask(str(latest.get("text") or ""))).strip()[:2000],
        intent=intent,
        facet=facet,
        procedure_code=procedure_code,
        outcome=outcome,
        latency_ms=_latency_ms(tracker.get("events") or [], now),
    )


def record_turn(sessions: sessionmaker[Session], record: TurnRecord | None) -> None:
    if record is None:
        return
    with sessions.begin() as session:
        session.add(Turn(**record.__dict__))


def forget_turns(session: Session, conversation_id: str) -> None:
    session.execute(delete(Turn).where(Turn.conversation_id == conversation_id[:128]))
