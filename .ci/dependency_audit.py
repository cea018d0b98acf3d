"""Known vulnerabilities in both environments' packages, from OSV, with the result printed.

    .venv/bin/python .ci/dependency_audit.py [--osv-url URL] [--require-source] PYTHON...

Each PYTHON's installed packages (``pip freeze``, the project's own editable install left
out) are checked by pip-audit against OSV. Exit status: 0 no known vulnerability, 1 some
found (printed, with the versions that fix them), 2 the source could not be reached and
``--require-source`` was given.

Why the probe first: pip-audit's default source, PyPI's JSON API, is absent from mirrors
that serve only the simple index; there it skipped every package and still printed "No
known vulnerabilities found". Here a source that does not answer is said to be unreachable,
loudly, and nothing is called clean that was never checked.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

OSV_URL = "https://api.osv.dev/v1/query"
FOUND, UNREACHABLE = 1, 2


def source_answers(osv_url: str, timeout: float = 15) -> str | None:
    """None when the source answers a query, else why it does not."""
    query = {"package": {"name": "pip", "ecosystem": "PyPI"}, "version": "0"}
    request = urllib.request.Request(
        osv_url, json.dumps(query).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            json.load(response)
    except (OSError, ValueError) as error:  # URLError, timeouts, a body that is not JSON
        return str(getattr(error, "reason", error))
    return None


def frozen(python: str, folder: Path) -> Path:
    """The environment's packages, pinned, as a requirements file."""
    packages = subprocess.run(
        [python, "-m", "pip", "freeze", "--exclude-editable"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = folder / f"{Path(python).parent.parent.name}.txt"
    path.write_text(packages, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pythons", nargs="+", help="the environments' Python interpreters")
    parser.add_argument("--osv-url", default=OSV_URL)
    parser.add_argument(
        "--require-source",
        action="store_true",
        help="fail when the vulnerability source cannot be reached (where it can)",
    )
    args = parser.parse_args(argv)

    unreachable = source_answers(args.osv_url)
    if unreachable is not None:
        print(f"DEPENDENCIES NOT AUDITED: {args.osv_url} cannot be reached ({unreachable}).")
        return UNREACHABLE if args.require_source else 0

    pip_audit = shutil.which("pip-audit", path=str(Path(sys.executable).parent))
    if pip_audit is None:
        print("pip-audit is not installed beside this Python (pip install '.[audit]').")
        return FOUND
    status = 0
    with tempfile.TemporaryDirectory() as folder:
        for python in args.pythons:
            requirements = frozen(python, Path(folder))
            print(f"== {python}: {len(requirements.read_text().splitlines())} packages")
            sys.stdout.flush()
            audit = subprocess.run(
                [
                    pip_audit,
                    *("--vulnerability-service", "osv", "--osv-url", args.osv_url),
                    *("--strict", "--disable-pip", "--no-deps", "--progress-spinner", "off"),
                    *("--desc", "off", "-r", str(requirements)),
                ],
                check=False,
            )
            status = status or (FOUND if audit.returncode else 0)
    print("Known vulnerabilities found." if status else "No known vulnerabilities.")
    return status


if __name__ == "__main__":
    sys.exit(main())
