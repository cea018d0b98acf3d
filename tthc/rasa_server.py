"""The Rasa server beside the app: start it from the engine environment, wait, stop it.

Rasa runs in its own Python 3.10 environment (docs/architecture.md), so the app starts it
as a child process, through the engine's launcher (``python -m bot.launcher``), and points
its action endpoint at the app's action listener, with the token that listener expects.
Secrets reach Rasa through its environment (Rasa reads ``${VAR}`` in its YAML files), never
through a file or its command line.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import yaml

from tthc.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from tthc.services import Services

logger = logging.getLogger(__name__)


class NotReady(RuntimeError):
    """A server did not answer in time, or Rasa exited first."""


ACTION_TOKEN_VARIABLE = "TTHC_ACTION_TOKEN"
TRACKER_STORE_VARIABLE = "TTHC_TRACKER_STORE_URL"


def endpoints_file(settings: Settings, action_url: str) -> Path:
    """endpoints.yml with the action endpoint at ``action_url``'s /webhook."""
    config = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    config["action_endpoint"] = {
        "url": f"{action_url.rstrip('/')}/webhook",
        "headers": {"Authorization": f"Bearer ${{{ACTION_TOKEN_VARIABLE}}}"},
    }
    # Conversations outlive a restart of Rasa (its SQL store takes a whole URL as its url).
    config.setdefault("tracker_store", {"type": "SQL", "url": f"${{{TRACKER_STORE_VARIABLE}}}"})
    path = settings.data_dir / "endpoints.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def engine_environment(settings: Settings) -> dict[str, str]:
    """The Rasa process's environment: this one's, with the secrets its files refer to."""
    from tthc.stored_secrets import portal_conversation_key

    rest_token = settings.rest_token.get_secret_value() if settings.rest_token else ""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TTHC_PARENT_PID": str(os.getpid()),  # the engine exits if the app dies
        ACTION_TOKEN_VARIABLE: settings.action_token.get_secret_value(),
        TRACKER_STORE_VARIABLE: settings.resolved_tracker_store_url,
        "PORTAL_CONVERSATION_SECRET": portal_conversation_key(settings),
        "REST_TOKEN": rest_token,
        # Without a token, REST is open for trying the assistant out, never in production.
        "REST_REQUIRE_TOKEN": "true" if settings.environment == "production" else "false",
        # Sanic reads SANIC_* variables into its config: the citizen's address behind proxies.
        "SANIC_PROXIES_COUNT": str(settings.proxy_count or 0),
    }


def start(
    settings: Settings,
    action_url: str,
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
        str(endpoints_file(settings, action_url)),
        "--credentials",
        str(credentials or PROJECT_ROOT / "credentials.yml"),
        "--interface",
        host,
        "--port",
        str(port or settings.rasa_port),
        "--cors",
        *settings.chat_allowed_origins.split(),
    ]
    output = log_file.open("ab") if log_file else None
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=engine_environment(settings),
        stdout=output,
        stderr=subprocess.STDOUT,
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


class Supervisor:
    """Keeps one Rasa server running: started, restarted whenever it exits unasked (a
    crash, the OOM killer), stopped on request. Conversations survive a restart because
    their trackers are in the SQL tracker store, not in Rasa's memory."""

    BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)
    STABLE_SECONDS = 120.0  # a server that ran this long starts the backoff again

    def __init__(self, launch: Callable[[], subprocess.Popen[bytes]], url: str) -> None:
        self._launch = launch
        self.url = url  # where this machine reaches it
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._watcher: threading.Thread | None = None

    def start(self) -> subprocess.Popen[bytes]:
        self.process = self._launch()
        self._watcher = threading.Thread(target=self._watch, name="rasa-supervisor", daemon=True)
        self._watcher.start()
        return self.process

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def status(self) -> str:
        """ok (answering), starting (running, not answering yet) or down."""
        if not self.running:
            return "down"
        try:
            answering = httpx.get(self.url, timeout=1).status_code == 200
        except httpx.HTTPError:
            answering = False
        return "ok" if answering else "starting"

    def _watch(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            process = self.process
            assert process is not None
            started = time.monotonic()
            process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started > self.STABLE_SECONDS:
                failures = 0
            delay = self.BACKOFF_SECONDS[min(failures, len(self.BACKOFF_SECONDS) - 1)]
            logger.error("The Rasa server exited (code %s); restarting", process.returncode)
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self.process = self._launch()
                self.restarts += 1
            failures += 1

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            if self.process is not None:
                stop(self.process)
        if self._watcher is not None:
            self._watcher.join(timeout=5)


@dataclass(frozen=True)
class RunningAssistant:
    rasa_url: str  # channels under /webhooks/<name>/webhook
    app_url: str  # the portal page, the public APIs
    supervisor: Supervisor


@contextmanager
def running_assistant(
    services: Services, credentials: Path | None = None
) -> Iterator[RunningAssistant]:
    """Serve the app and its action endpoint (in a thread, on free ports) and a supervised
    Rasa server calling those actions. For tests and benchmarks that talk to the whole
    assistant; stops everything afterwards."""
    from tthc.serving import Listeners

    settings = services.settings
    rasa_port = free_port()
    settings.rasa_port = rasa_port
    url = f"http://127.0.0.1:{rasa_port}"
    supervisor = Supervisor(
        lambda: start(
            settings,
            listeners.action_url,
            port=rasa_port,
            log_file=settings.data_dir / "rasa.log",
            credentials=credentials,
        ),
        url,
    )
    listeners = Listeners(
        services, "127.0.0.1", free_port(), action_port=free_port(), engine=supervisor
    )
    listeners.start_in_thread()
    try:
        wait_until_answering(url, process=supervisor.start())
        yield RunningAssistant(rasa_url=url, app_url=listeners.app_url, supervisor=supervisor)
    finally:
        supervisor.stop()
        listeners.stop()
