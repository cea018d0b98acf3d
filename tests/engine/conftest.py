"""Fixtures of the engine-environment tests."""

from __future__ import annotations

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by nobody else


@pytest.fixture
def redis_url() -> str:
    """The local Redis server's URL; the test skips with a message where none answers."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL
