"""A bounded fuzz run over the app's OpenAPI and the channels' documented shapes: no 5xx.

    .venv/bin/pip install 'schemathesis>=4,<5'   # not in make test's environment
    .venv/bin/python benchmarks/fuzz.py [--examples 100]

Starts the assistant as `make run` does (`tthc serve`, the default deployment) and runs
schemathesis against the app's /openapi.json and against the Rasa server with
docs/channels.openapi.yaml, checking only that nothing answers with a server error.
Prints schemathesis's summary for each; exits non-zero if either found a 5xx.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.conversation_latency import serving  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation")
    args = parser.parse_args()
    st = shutil.which("st", path=str(ROOT / ".venv" / "bin")) or shutil.which("schemathesis")
    if st is None:
        sys.exit("schemathesis is not installed: .venv/bin/pip install 'schemathesis>=4,<5'")

    failed = False
    # The fuzzer is one address, and fast: the search's per-address limit would answer it.
    with serving({"TTHC_SEARCH_RATE_LIMIT": "100000/minute"}) as (app, rasa):
        runs = [
            [f"{app}/openapi.json"],
            [str(ROOT / "docs" / "channels.openapi.yaml"), "--url", rasa],
        ]
        for target in runs:
            command = [st, "run", *target, "--checks", "not_a_server_error"]
            command += ["--max-examples", str(args.examples), "--workers", "2"]
            print("$", " ".join(command[1:]), flush=True)
            failed |= subprocess.run(command, check=False).returncode != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
