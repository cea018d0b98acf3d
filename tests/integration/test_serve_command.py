"""`tthc serve` as a service manager runs it: SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tthc.rasa_server import free_port

pytestmark = [pytest.mark.app, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_stops_the_app_and_runs_its_clean_up(tmp_path: Path) -> None:
    port = free_port()
    environment = {
        **os.environ,
        "TTHC_DATA_DIR": str(tmp_path),
        "TTHC_ACTION_PORT": str(free_port()),
        "TTHC_EMBEDDING_MODEL": str(ROOT / ".data" / "models" / "multilingual-e5-small"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "tthc.cli", "serve", "--no-engine", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert server.poll() is None
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, errors[-2000:]
    assert "tthc-assistant stopped." in errors
