"""The retention periods applied while the assistant runs: a purge at start, then daily."""

from __future__ import annotations

import logging
import threading

from tthc.periodic import repeat
from tthc.services import Services

logger = logging.getLogger(__name__)

EVERY_SECONDS = 24 * 3600


def purge(services: Services) -> None:
    purged = services.purge_expired()
    logger.info(
        "Retention: deleted %d conversations, %d ratings and %d turn records past their period",
        purged.conversations,
        purged.feedback,
        purged.turns,
    )


def start_daily_purge(services: Services, every: float = EVERY_SECONDS) -> threading.Event:
    """Purge now and every ``every`` seconds in a background thread; set the event to stop."""
    return repeat(lambda: purge(services), every, "retention-purge")
