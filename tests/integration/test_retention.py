"""Ratings and conversations are deleted once kept past their retention periods."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from knowledge_base.models import AnswerFeedback, Turn
from tests.conftest import deployment_settings
from tthc.services import build_services

pytestmark = pytest.mark.app

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def rasa_events(path, rows: list[tuple[str, datetime]]) -> None:  # type: ignore[no-untyped-def]
    """Rasa's SQL tracker store, as Rasa 3.6 writes it."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"
        )
        for sender, when in rows:
            db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                (sender, "user", when.timestamp(), json.dumps({"text": "[số CCCD]"})),
            )


def senders(path) -> set[str]:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT sender_id FROM events")}


@pytest.fixture
def services(tmp_path):  # type: ignore[no-untyped-def]
    settings = deployment_settings(tmp_path / "data").model_copy(
        update={"conversation_retention_days": 90, "feedback_retention_days": 365}
    )
    services = build_services(settings)
    services.upgrade_database()
    yield services
    services.close()


def test_a_conversation_silent_past_its_period_is_deleted_whole(services) -> None:  # type: ignore[no-untyped-def]
    trackers = services.settings.data_dir / "trackers.sqlite3"
    rasa_events(
        trackers,
        [
            ("portal:old", NOW - timedelta(days=200)),
            ("portal:old", NOW - timedelta(days=91)),
            ("zalo:recent", NOW - timedelta(days=120)),  # but it spoke again last week
            ("zalo:recent", NOW - timedelta(days=7)),
        ],
    )
    assert services.purge_expired(NOW).conversations == 1
    assert senders(trackers) == {"zalo:recent"}


def test_a_rating_older_than_its_period_is_deleted(services) -> None:  # type: ignore[no-untyped-def]
    with services.sessions.begin() as session:
        for age in (400, 30):
            session.add(
                AnswerFeedback(
                    conversation_id=f"portal:{age}",
                    procedure_code="1.001193",
                    helpful=True,
                    created_at=NOW - timedelta(days=age),
                )
            )
    assert services.purge_expired(NOW).feedback == 1
    with services.sessions() as session:
        kept = list(session.scalars(select(AnswerFeedback.conversation_id)))
    assert kept == ["portal:30"]


def test_nothing_to_purge_before_rasa_kept_any_conversation(services) -> None:  # type: ignore[no-untyped-def]
    assert services.purge_expired(NOW).conversations == 0


def test_a_turn_record_older_than_its_period_is_deleted(services) -> None:  # type: ignore[no-untyped-def]
    with services.sessions.begin() as session:
        for age in (401, 200):
            session.add(
                Turn(
                    at=NOW - timedelta(days=age),
                    conversation_id=f"portal:{age}",
                    channel="portal",
                    question="lệ phí làm hộ chiếu",
                    outcome="answered",
                )
            )
    assert services.purge_expired(NOW).turns == 1
    with services.sessions() as session:
        kept = list(session.scalars(select(Turn.conversation_id)))
    assert kept == ["portal:200"]
