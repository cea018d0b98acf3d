"""The engine's launcher: a Rasa server started by the app does not outlive it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.engine

# A stand-in for the app: it starts a child that watches it, as bot.launcher does, and dies.
APP = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", '''
import os, time
from bot.launcher import exit_with_parent
exit_with_parent(os.getppid())
print(os.getpid(), flush=True)
time.sleep(120)  # Rasa, serving
'''], stdout=subprocess.PIPE, text=True)
print(child.stdout.readline().strip(), flush=True)
"""


def alive(pid: int) -> bool:
    result = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return bool(result.stdout.strip()) and not result.stdout.strip().startswith("Z")


def test_the_engine_exits_when_the_app_that_started_it_dies() -> None:
    app = subprocess.run([sys.executable, "-c", APP], capture_output=True, text=True, timeout=60)
    engine = int(app.stdout.strip())
    deadline = time.monotonic() + 10
    while alive(engine) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(engine), "the engine outlived the app"
