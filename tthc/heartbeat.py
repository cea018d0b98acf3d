"""Availability, measured: while `tthc serve` runs it notes once a minute that it is up and
how its Rasa server is, so the yearly report can say what share of the time citizens could
be answered (a minute with no note is a minute the assistant was down)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from knowledge_base.models import ServiceHeartbeat
from tthc.periodic import repeat
from tthc.services import Services

if TYPE_CHECKING:
    from tthc.rasa_server import Supervisor

EVERY_SECONDS = 60.0


def beat(services: Services, supervisor: Supervisor | None) -> None:
    engine = supervisor.status() if supervisor is not None else "not-run"
    with services.sessions.begin() as session:
        session.add(ServiceHeartbeat(engine=engine))


def start_heartbeat(
    services: Services, supervisor: Supervisor | None, every: float = EVERY_SECONDS
) -> threading.Event:
    """Note the service's state now and every ``every`` seconds; set the event to stop."""
    return repeat(lambda: beat(services, supervisor), every, "heartbeat")
