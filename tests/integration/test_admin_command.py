"""`tthc admin create-user`: the first administrator is made from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from knowledge_base.db import make_engine, session_factory
from knowledge_base.models import User
from tthc.cli import app
from tthc.settings import get_settings

pytestmark = pytest.mark.app


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TTHC_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def accounts(data_dir: Path) -> list[tuple[str, str, bool]]:
    engine = make_engine(f"sqlite:///{data_dir / 'tthc.sqlite3'}")
    with session_factory(engine)() as session:
        rows = [
            (u.username, u.role, u.password_hash.startswith("$argon2"))
            for u in session.scalars(select(User))
        ]
    engine.dispose()
    return rows


def test_the_first_administrator_is_created_with_a_hashed_password(data_dir: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["admin", "create-user", "qtv.tinh", "--role", "quan_tri", "--password-stdin"],
        input="một mật khẩu rất dài\n",
    )
    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản qtv.tinh (Quản trị)" in result.output
    assert accounts(data_dir) == [("qtv.tinh", "quan_tri", True)]


def test_an_unknown_role_is_refused(data_dir: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["admin", "create-user", "ai-do", "--role", "sieu_quan_tri", "--password-stdin"],
        input="một mật khẩu rất dài\n",
    )
    assert result.exit_code == 2
    assert "quan_tri" in result.output


def test_a_short_password_is_refused_with_the_reason(data_dir: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["admin", "create-user", "cb01", "--role", "can_bo", "--password-stdin"],
        input="ngan\n",
    )
    assert result.exit_code == 2
    assert "Mật khẩu cần ít nhất 10 ký tự." in result.output
    assert accounts(data_dir) == []
