"""Events already seen, so a retried delivery is acknowledged but not answered twice.

Zalo redelivers an event it did not see acknowledged in time; the widget resends a
message after a dropped connection. In one process a TTL cache is enough; several Rasa
workers share Redis (``SET key NX EX``) so that only one of them answers.
"""

from __future__ import annotations

import logging
from typing import Protocol

from cachetools import TTLCache

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 3600  # longer than Zalo's retries keep coming


class RecentEvents(Protocol):
    async def first_time(self, key: str) -> bool:
        """Record ``key``; True unless it was already recorded within the TTL."""
        ...


class InMemoryRecentEvents:
    def __init__(self, ttl_seconds: float = DEFAULT_TTL_SECONDS, size: int = 100_000) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(maxsize=size, ttl=ttl_seconds)

    async def first_time(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = True
        return True


class RedisRecentEvents:
    def __init__(self, url: str, prefix: str, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix
        self._ttl = ttl_seconds

    async def first_time(self, key: str) -> bool:
        stored = await self._redis.set(f"{self._prefix}{key}", 1, nx=True, ex=self._ttl)
        return bool(stored)


def recent_events(redis_url: str | None, prefix: str) -> RecentEvents:
    if redis_url:
        return RedisRecentEvents(redis_url, prefix)
    return InMemoryRecentEvents()
