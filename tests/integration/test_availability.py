"""Availability, measured from the heartbeats `tthc serve` notes once a minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from knowledge_base.models import ServiceHeartbeat
from tthc.analytics import availability
from tthc.heartbeat import beat

pytestmark = pytest.mark.app

START = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


def heartbeats(sessions, states: list[str | None]) -> None:  # type: ignore[no-untyped-def]
    """One per minute from START; None is a minute without one (the assistant was down)."""
    with sessions.begin() as session:
        for minute, engine in enumerate(states):
            if engine is not None:
                session.add(ServiceHeartbeat(at=START + timedelta(minutes=minute), engine=engine))


def test_minutes_without_a_heartbeat_or_with_rasa_down_are_not_available(sessions) -> None:  # type: ignore[no-untyped-def]
    heartbeats(sessions, ["ok"] * 90 + ["down"] * 5 + [None] * 5)
    with sessions() as session:
        share, since = availability(session, START, START + timedelta(minutes=100))
    assert share == pytest.approx(0.90)
    assert since == START


def test_no_heartbeat_at_all_is_no_figure_rather_than_zero(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as session:
        assert availability(session, START, START + timedelta(days=1)) == (None, None)


def test_the_app_alone_notes_that_it_runs_without_its_rasa_server(settings, sessions) -> None:  # type: ignore[no-untyped-def]
    from tthc.services import build_services

    services = build_services(settings)
    beat(services, None)
    with sessions() as session:
        assert list(session.scalars(select(ServiceHeartbeat.engine))) == ["not-run"]
    services.close()
