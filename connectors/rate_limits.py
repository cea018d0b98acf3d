"""Per-sender and per-address rate limits for the channels, with the wait a caller is told
(``Retry-After``).

A moving window over each key's recent requests, kept in this process's memory. The
app uses the ``limits`` library for the same; it cannot be installed here, because every
release needs packaging >= 21 and Rasa 3.6 pins packaging < 21.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque

from cachetools import TTLCache

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse(limit: str) -> tuple[int, float]:
    """ "20/minute" → (20, 60.0)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*", limit)
    if match is None:
        raise ValueError(f"a rate limit reads like '20/minute', not {limit!r}")
    return int(match.group(1)), float(_UNITS[match.group(2)])


class MovingWindow:
    """At most ``count`` requests per key in any ``seconds``."""

    def __init__(self, limit: str, max_keys: int = 100_000) -> None:
        self.count, self.seconds = parse(limit)
        self._hits: TTLCache[str, deque[float]] = TTLCache(max_keys, ttl=self.seconds)
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int | None:
        """Count one request for ``key``: None if allowed, else seconds until it would be."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                hits = deque()
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.count:
                self._hits[key] = hits
                return max(1, math.ceil(hits[0] + self.seconds - now))
            hits.append(now)
            self._hits[key] = hits  # refreshes the key's time to live
            return None


class RateLimits:
    def __init__(self, per_sender: str = "20/minute", per_address: str = "120/minute") -> None:
        self._per_sender = MovingWindow(per_sender)
        self._per_address = MovingWindow(per_address)

    def retry_after(self, address: str | None, sender: str | None = None) -> int | None:
        """Count one request; None if it may go on, else the seconds until it may."""
        if address:
            wait = self._per_address.retry_after(address)
            if wait is not None:
                return wait
        if sender:
            return self._per_sender.retry_after(sender)
        return None
