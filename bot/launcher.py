"""Start the Rasa engine with this project's process-wide patches installed first.

``python -m bot.launcher run --model ...`` takes Rasa's own arguments. The patches are
the compiled check of action-server replies (``bot/action_reply_schema.py``), which
replaces ``jsonschema.validate`` for the whole process, and the hardened HTTP surface
(``bot/server_hardening.py``); both are installed here, where an engine process starts,
never as a side effect of importing a component. `tthc serve` and the tests start Rasa
this way; `rasa train` and `rasa test` need no patch.

Started by the app (``TTHC_PARENT_PID`` set), the engine exits when the app is gone, so
no orphaned Rasa server keeps the port.
"""

from __future__ import annotations

import os
import sys
import threading
import time

from bot import action_reply_schema, server_hardening

PARENT_POLL_SECONDS = 1.0


def exit_with_parent(parent_pid: int) -> None:
    """Exit this process (at once, whatever Rasa is doing) once ``parent_pid`` is gone."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parent = os.environ.get("TTHC_PARENT_PID")
    if parent and parent.isdigit():
        exit_with_parent(int(parent))
    action_reply_schema.install()
    server_hardening.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
