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


def test_the_back_office_records_work_on_postgresql(tmp_path, postgres_url) -> None:  # type: ignore[no-untyped-def]
    """Accounts, sign-ins, turns and their figures, labels, versions of an edit: the same
    on PostgreSQL as on SQLite."""
    from datetime import UTC, date, datetime

    from knowledge_base import store
    from knowledge_base.models import Turn
    from tthc.analytics import figures
    from tthc.backoffice import editing, labelling
    from tthc.backoffice.accounts import Role, SignInThrottle, create_user, sign_in

    upgrade_database(postgres_url)
    engine = make_engine(postgres_url)
    sessions = session_factory(engine)
    path = write_lines(
        tmp_path / "export.jsonl", [json.dumps(portal_record("9.000001", "Thủ tục một"))]
    )
    import_path(path, sessions)
    with sessions.begin() as session:
        create_user(session, "bientap", "mật khẩu đủ dài", Role.EDITOR)
        session.add_all(
            Turn(
                at=datetime(2026, 5, day, 3, tzinfo=UTC),
                conversation_id=f"zalo:{day}",
                channel="zalo",
                question="đăng ký tạm vắng ở đâu",
                outcome="not_found" if day % 2 else "answered",
                procedure_code=None if day % 2 else "9.000001",
                latency_ms=100 + day,
            )
            for day in range(1, 11)
        )
    with sessions() as session:
        user = sign_in(session, "bientap", "mật khẩu đủ dài", "127.0.0.1", SignInThrottle())
        assert user.username == "bientap"
        shown = figures(session, date(2026, 5, 1), date(2026, 5, 31))
        assert (shown.questions, shown.outcomes["answered"]) == (10, 5)
        (group,) = labelling.unanswered_groups(session, date(2026, 5, 1), date(2026, 5, 31))
        assert group.count == 5
        labelling.label(session, list(group.questions), "9.000001", "bientap")
        current = store.to_schema(store.get_procedure(session, "9.000001"))
        edited, problems = editing.from_form(
            current, {**editing.as_form(current), "name": "Thủ tục một (sửa)"}
        )
        assert not problems
        editing.save(session, edited, "bientap")
        session.commit()
        assert store.get_procedure(session, "9.000001").name == "Thủ tục một (sửa)"
        assert [v.version for v in editing.versions(session, "9.000001")] == [1]
        assert labelling.evaluation_file(session).count("9.000001") == 1
    engine.dispose()
