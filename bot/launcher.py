"""Start the Rasa engine with this project's process-wide patch installed first.

``python -m bot.launcher run --model ...`` takes Rasa's own arguments. The one patch is
the compiled check of action-server replies (``bot/action_reply_schema.py``): it replaces
``jsonschema.validate`` for the whole process, so it is installed here, where an engine
process starts, and never as a side effect of importing a component. `tthc serve` and the
tests start Rasa this way; `rasa train` and `rasa test` need no patch.
"""

from __future__ import annotations

import sys

from bot import action_reply_schema


def main(argv: list[str] | None = None) -> None:
    action_reply_schema.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
