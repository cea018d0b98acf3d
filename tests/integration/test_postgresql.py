"""The production path: migrations and upserts on PostgreSQL (skipped where none answers)."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text

from knowledge_base.db import make_engine, session_factory, upgrade_database
from knowledge_base.importers.runner import import_path
from tests.unit.test_import_runner import portal_record, write_lines

pytestmark = pytest.mark.app

SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def postgres_url():  # type: ignore[no-untyped-def]
    """A fresh schema-free database inside the local server, dropped afterwards."""
    admin = make_engine(SERVER_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({error.__class__.__name__})")
    name = f"tthc_test_{uuid.uuid4().hex[:8]}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'create database "{name}"'))
    yield SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'drop database "{name}" with (force)'))
    admin.dispose()


def test_migrations_and_reimport_work_on_postgresql(tmp_path, postgres_url) -> None:
    upgrade_database(postgres_url)
    engine = make_engine(postgres_url)
    sessions = session_factory(engine)
    path = write_lines(
        tmp_path / "export.jsonl",
        [json.dumps(portal_record(f"9.00000{i}", f"Thủ tục {i}")) for i in range(3)],
    )
    first = import_path(path, sessions)
    again = import_path(path, sessions)
    engine.dispose()
    assert (first.created, again.unchanged, again.created) == (3, 3, 0)
