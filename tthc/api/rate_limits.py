"""Rate limits on the public API, per client address, answered with 429 and Retry-After.

Counted by ``limits``'s moving window in the app's memory (one app process serves a
deployment; each app has its own counts). Behind the province's reverse proxies the
address is the one the outermost of them saw (``TTHC_PROXY_COUNT``), as the Rasa server
reads it (Sanic's ``PROXIES_COUNT``), so both count citizens, not the proxy.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import lru_cache

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse, storage, strategies


@lru_cache(maxsize=32)
def _parsed(limit: str) -> RateLimitItem:
    """A limit read from the settings once, not at every request."""
    return parse(limit)


class RateLimiter:
    def __init__(self) -> None:
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    def retry_after(self, limit: str, scope: str, key: str) -> int | None:
        """Count one request: None if allowed, else the seconds until it would be."""
        item = _parsed(limit)
        if self._limiter.hit(item, scope, key):
            return None
        reset = self._limiter.get_window_stats(item, scope, key).reset_time
        return max(1, math.ceil(reset - time.time()))


def client_address(request: Request, proxy_count: int) -> str:
    """The citizen's address: the peer's, or behind ``proxy_count`` proxies the one the
    outermost proxy appended to X-Forwarded-For (addresses further left are the caller's
    own claims, which anyone can forge)."""
    peer = request.client.host if request.client else "unknown"
    if proxy_count <= 0:
        return peer
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
    forwarded = [address for address in forwarded if address]
    return forwarded[-proxy_count] if len(forwarded) >= proxy_count else peer


def per_address(scope: str, limit: Callable[[Request], str]) -> Callable[[Request], None]:
    """A dependency allowing each address ``limit(request)`` (e.g. "60/minute") requests."""

    def check(request: Request) -> None:
        address = client_address(request, request.app.state.services.settings.proxy_count or 0)
        wait = request.app.state.rate_limiter.retry_after(limit(request), scope, address)
        if wait is not None:
            raise HTTPException(
                429,
                "Anh/chị gửi quá nhiều yêu cầu, vui lòng thử lại sau ít phút.",
                {"Retry-After": str(wait)},
            )

    return check
