"""Work `tthc serve` repeats while it runs (the retention purge, the heartbeat): once now,
then every so often in a background thread, until told to stop. A failure is logged and
the next round tries again; serving goes on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


def repeat(work: Callable[[], object], every: float, name: str) -> threading.Event:
    """Run ``work`` now and every ``every`` seconds; set the returned event to stop."""
    stop = threading.Event()

    def run() -> None:
        while True:
            try:
                work()
            except Exception:
                logger.exception("%s failed; it runs again in %.0f s", name, every)
            if stop.wait(every):
                return

    threading.Thread(target=run, name=name, daemon=True).start()
    return stop
