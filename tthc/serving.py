"""The app's two listeners in one process: the public one (portal page, widget, APIs) and
Rasa's action endpoint, on its own port (loopback by default), so that the model and the
index are loaded once while the actions are never reachable beside the public pages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import uvicorn

from tthc.api.main import create_action_app, create_app
from tthc.services import Services

if TYPE_CHECKING:
    from tthc.rasa_server import Supervisor


class WithoutQuery(logging.Filter):
    """The access log keeps the path, never the query: `/api/search?q=…` holds what a citizen
    typed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = str(args[2]).split("?", 1)[0]
            record.args = tuple(args)
        return True


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to ``Listeners``: each server would otherwise
    take SIGINT and SIGTERM for itself and raise them again once stopped, which killed the
    process before `tthc serve` could stop the Rasa server it started."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Listeners:
    """Two uvicorn servers over one set of services."""

    def __init__(
        self,
        services: Services,
        host: str,
        port: int,
        action_port: int | None = None,
        log_level: str = "warning",
        engine: Supervisor | None = None,
    ) -> None:
        settings = services.settings
        self.action_host = settings.action_host
        self.action_port = action_port or settings.action_port
        self.app_url = f"http://{local_address(host)}:{port}"
        self.public = _Server(
            uvicorn.Config(
                create_app(services, engine=engine),
                host=host,
                port=port,
                log_level=log_level,
                server_header=False,
                # The citizen's address is read by rate_limits.client_address, by the
                # deployment's proxy count, never from headers any peer may send.
                proxy_headers=False,
            )
        )
        self.actions = _Server(
            uvicorn.Config(
                create_action_app(services),
                host=self.action_host,
                port=self.action_port,
                log_level=log_level,
                server_header=False,
                access_log=False,  # every action call would be logged twice, with Rasa's
            )
        )
        self._thread: threading.Thread | None = None
        access = logging.getLogger("uvicorn.access")
        if not any(isinstance(f, WithoutQuery) for f in access.filters):
            access.addFilter(WithoutQuery())

    @property
    def action_url(self) -> str:
        return f"http://{local_address(self.action_host)}:{self.action_port}"

    async def serve(self) -> None:
        """Serve both until SIGINT or SIGTERM (in the main thread) or either stops; then
        stop the other and return, so the caller's clean-up runs."""
        if threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(number, self.request_stop)
        tasks = {
            asyncio.create_task(self.public.serve()),
            asyncio.create_task(self.actions.serve()),
        }
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        self.public.should_exit = self.actions.should_exit = True
        await asyncio.gather(*tasks)

    def start_in_thread(self) -> None:
        """Serve in a background thread (tests, benchmarks); return once both listen."""
        self._thread = threading.Thread(target=asyncio.run, args=(self.serve(),), daemon=True)
        self._thread.start()
        while not (self.public.started and self.actions.started):
            if not self._thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.05)

    def request_stop(self) -> None:
        if self.public.should_exit:  # asked twice: do not wait for open connections
            self.public.force_exit = self.actions.force_exit = True
        self.public.should_exit = self.actions.should_exit = True

    def stop(self) -> None:
        self.public.should_exit = self.actions.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)


def local_address(host: str) -> str:
    """Where this machine reaches a server listening on ``host`` (all interfaces: here)."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
