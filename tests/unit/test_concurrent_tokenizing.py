"""underthesea's first calls, made from several threads at once (a server just started)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.app

FIRST_CONCURRENT_CALLS = """
import threading
from knowledge_base.retrieval.tokens import compound_tokens

errors = []
start = threading.Barrier(8)

def search():
    start.wait()
    try:
        assert compound_tokens("xác nhận của Ủy ban nhân dân cấp xã") == ["ban_nhan_dan"]
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=search) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(errors)
"""


def test_the_first_concurrent_searches_after_a_start_all_get_their_words() -> None:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_CONCURRENT_CALLS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
