"""The Rasa server beside the app: start it from the engine environment, wait, stop it.

Rasa runs in its own Python 3.10 environment (docs/architecture.md), so the app starts it
as a child process, through the engine's launcher (``python -m bot.launcher``), and points
its action endpoint back at the app's /webhook.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tthc.settings import PROJECT_ROOT, Settings


class NotReady(RuntimeError):
    """A server did not answer in time, or Rasa exited first."""


def endpoints_file(settings: Settings, app_url: str) -> Path:
    """endpoints.yml with the action endpoint at this app's /webhook."""
    config = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    config["action_endpoint"] = {"url": f"{app_url.rstrip('/')}/webhook"}
    path = settings.data_dir / "endpoints.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def start(
    settings: Settings,
    app_url: str,
    host: str = "127.0.0.1",
    port: int | None = None,
    log_file: Path | None = None,
    credentials: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start `rasa run` with the trained model and the channels; do not wait.

    ``credentials`` replaces the project's credentials.yml (tests point Zalo at a fake API).
    """
    if not settings.engine_python.exists():
        raise FileNotFoundError(
            f"The engine environment is not installed at {settings.engine_python}. In a "
            "checkout, `make run` sets it up; an installed package serves the app alone "
            "(`tthc serve --no-engine`) beside a Rasa server run from a checkout."
        )
    if not settings.rasa_model.exists():
        raise FileNotFoundError(
            f"No trained model at {settings.rasa_model}; `make run` trains it "
            "(or `make models/tthc.tar.gz`)."
        )
    command = [
        str(settings.engine_python),
        "-m",
        "bot.launcher",
        "run",
        "--model",
        str(settings.rasa_model),
        "--endpoints",
        str(endpoints_file(settings, app_url)),
        "--credentials",
        str(credentials or PROJECT_ROOT / "credentials.yml"),
        "--interface",
        host,
        "--port",
        str(port or settings.rasa_port),
        "--cors",
        *settings.chat_allowed_origins.split(),
    ]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    output = log_file.open("ab") if log_file else None
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
    )


def wait_until_answering(
    url: str, timeout: float = 300, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Wait until ``url`` answers 200, while Rasa's ``process``, if given, runs. Rasa opens
    its port only once its model is loaded (TensorFlow takes a while), so an answer from it
    means it can chat."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise NotReady(f"Rasa exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise NotReady(f"nothing answered at {url} within {timeout:.0f} s")


def wait_until_assistant_ready(
    app_url: str,
    rasa_url: str | None,
    process: subprocess.Popen[bytes] | None = None,
    timeout: float = 300,
) -> None:
    """Wait until citizens can chat: the app answers (its index loaded, the actions up) and
    so does the Rasa server at ``rasa_url`` (None: the app runs alone). ``process`` is
    Rasa's, when this machine started it: its exit ends the wait."""
    deadline = time.monotonic() + timeout
    wait_until_answering(f"{app_url.rstrip('/')}/healthz", timeout)
    if rasa_url is not None:
        wait_until_answering(rasa_url, max(deadline - time.monotonic(), 1), process)


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Ask Rasa to stop (SIGINT, as Ctrl-C would), then insist."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class RunningAssistant:
    rasa_url: str  # channels under /webhooks/<name>/webhook
    app_url: str  # the portal page, the APIs, the actions


@contextmanager
def running_assistant(
    settings: Settings, app: Any, credentials: Path | None = None
) -> Iterator[RunningAssistant]:
    """Serve ``app`` (in a thread) and a Rasa server calling its actions, on free ports.

    For tests and benchmarks that talk to the whole assistant; stops both afterwards.
    """
    import uvicorn

    app_port, rasa_port = free_port(), free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=app_port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    app_url = f"http://127.0.0.1:{app_port}"
    process = start(
        settings,
        app_url,
        port=rasa_port,
        log_file=settings.data_dir / "rasa.log",
        credentials=credentials,
    )
    url = f"http://127.0.0.1:{rasa_port}"
    try:
        wait_until_answering(url, process=process)
        yield RunningAssistant(rasa_url=url, app_url=app_url)
    finally:
        stop(process)
        server.should_exit = True
        thread.join(timeout=10)
