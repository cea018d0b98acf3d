"""The dependency audit (`make audit`, .ci/dependency_audit.py) checks every package of an
environment against OSV, fails on a known vulnerability, and never calls clean what it
could not check (the finding: pip-audit skipped every package on a mirror without PyPI's
JSON API and still printed "No known vulnerabilities found")."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from tests.fakes.osv_api import FakeOsvApi

pytestmark = pytest.mark.app

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ROOT / ".ci" / "dependency_audit.py"
JINJA = version("jinja2")
ADVISORY = {
    "id": "GHSA-test-jinja-sandbox",
    "summary": "Sandbox breakout through a crafted template",
    "affected": [
        {
            "package": {"name": "jinja2", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}],
        }
    ],
}


def audit(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(AUDIT), *arguments, sys.executable],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def osv() -> Iterator[FakeOsvApi]:
    api = FakeOsvApi({("jinja2", JINJA): [ADVISORY]})
    yield api
    api.close()


@pytest.fixture
def clean_osv() -> Iterator[FakeOsvApi]:
    api = FakeOsvApi({})
    yield api
    api.close()


def test_a_package_with_a_known_vulnerability_fails_the_audit(osv: FakeOsvApi) -> None:
    result = audit("--osv-url", osv.url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "GHSA-test-jinja-sandbox" in result.stdout
    assert "99.0" in result.stdout  # the version that fixes it
    assert "Known vulnerabilities found." in result.stdout


def test_every_installed_package_is_checked_before_the_audit_passes(clean_osv: FakeOsvApi) -> None:
    result = audit("--osv-url", clean_osv.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("No known vulnerabilities.")
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    asked = {canonicalize_name(q["package"]["name"]) for q in clean_osv.queries}
    installed = {canonicalize_name(line.split("==")[0]) for line in frozen if "==" in line}
    assert installed <= asked


def test_an_unreachable_source_is_reported_never_called_clean() -> None:
    result = audit("--osv-url", "http://127.0.0.1:9/v1/query")
    assert result.returncode == 0
    assert "DEPENDENCIES NOT AUDITED" in result.stdout
    assert "No known vulnerabilities" not in result.stdout


def test_an_unreachable_source_fails_where_one_is_required() -> None:
    result = audit("--osv-url", "http://127.0.0.1:9/v1/query", "--require-source")
    assert result.returncode == 2
    assert "DEPENDENCIES NOT AUDITED" in result.stdout
