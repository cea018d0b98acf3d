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
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation")
    args = parser.parse_args()
    st = shutil.which("st", path=str(ROOT / ".venv" / "bin")) or shutil.which("schemathesis")
    if st is None:
        sys.exit("schemathesis is not installed: .venv/bin/pip install 'schemathesis>=4,<5'")

    from tthc.rasa_server import free_port, wait_until_answering

    app_port, rasa_port = free_port(), free_port()
    environment = {
        **os.environ,
        "TTHC_RASA_PORT": str(rasa_port),
        "TTHC_ACTION_PORT": str(free_port()),
        "TTHC_SEARCH_RATE_LIMIT": "100000/minute",  # the fuzzer is one address, and fast
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "tthc"), "serve", "--port", str(app_port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    failed = False
    try:
        app, rasa = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{rasa_port}"
        wait_until_answering(f"{app}/healthz", process=server)
        wait_until_answering(f"{rasa}/", process=server)
        runs = [
            [f"{app}/openapi.json"],
            [str(ROOT / "docs" / "channels.openapi.yaml"), "--url", rasa],
        ]
        for target in runs:
            command = [
                st,
                "run",
                *target,
                "--checks",
                "not_a_server_error",
                "--max-examples",
                str(args.examples),
                "--workers",
                "2",
            ]
            print("$", " ".join(command[1:]), flush=True)
            failed |= subprocess.run(command, check=False).returncode != 0
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=60)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
