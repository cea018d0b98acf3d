"""The app's access log keeps paths, never what a citizen typed into a query."""

from __future__ import annotations

import logging

import pytest

from tthc.serving import WithoutQuery

pytestmark = pytest.mark.app


def test_the_access_log_drops_the_question_from_a_search() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/search?q=cccd+001099012345+lam+ho+chieu", "1.1", 200),
        None,
    )
    assert WithoutQuery().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/search HTTP/1.1" 200'
