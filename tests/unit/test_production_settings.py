"""What `tthc serve` refuses to start production without, and what it hands to Rasa."""

from __future__ import annotations

from pathlib import Path

import pytest

from tthc.rasa_server import engine_environment
from tthc.settings import Settings

READY = {
    "environment": "production",
    "public_chat_url": "https://chat.dichvucong.bacninh.gov.vn",
    "chat_allowed_origins": "https://dichvucong.bacninh.gov.vn",
    "proxy_count": 1,
}


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(data_dir=tmp_path, **{**READY, **values})


def test_a_production_deployment_with_everything_set_is_ready(tmp_path: Path) -> None:
    assert settings(tmp_path).production_problems() == []


def test_production_must_say_how_many_proxies_stand_in_front(tmp_path: Path) -> None:
    problems = settings(tmp_path, proxy_count=None).production_problems()
    assert [p.split(":")[0] for p in problems] == ["TTHC_PROXY_COUNT"]


def test_no_proxies_is_an_answer_too(tmp_path: Path) -> None:
    assert settings(tmp_path, proxy_count=0).production_problems() == []


def test_development_needs_none_of_it(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).production_problems() == []


@pytest.mark.parametrize(("proxy_count", "expected"), [(None, "0"), (0, "0"), (2, "2")])
def test_rasa_reads_the_citizens_address_behind_as_many_proxies(
    tmp_path: Path, proxy_count: int | None, expected: str
) -> None:
    environment = engine_environment(settings(tmp_path, proxy_count=proxy_count))
    assert environment["SANIC_PROXIES_COUNT"] == expected
