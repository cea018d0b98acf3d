"""A database from before a migration keeps working after it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, text

from actions.answers import facet_answer
from actions.facets import Facet
from knowledge_base import store
from knowledge_base.db import make_engine, session_factory, upgrade_database
from tests.unit.test_answers import profile

pytestmark = pytest.mark.app


def test_channels_stored_before_structured_fees_are_still_answered(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade_database(url, "0002")
    with create_engine(url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO procedures (id, code, name, levels, keywords, status, source, "
                "content_hash, version, updated_at) VALUES (1, '9.000001', 'Thủ tục cũ', '[]', "
                "'[]', 'active', 'dichvucong', 'x', 1, '2026-11-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO submission_channels (procedure_id, position, channel, "
                "processing_time, fee) VALUES (1, 0, 'Trực tiếp', '1', "
                "'Miễn phí (Lệ phí: 135.000 đồng/lần)')"
            )
        )
    upgrade_database(url)
    sessions = session_factory(make_engine(url))
    with sessions() as session:
        procedure = store.to_schema(store.get_procedure(session, "9.000001"))
    assert procedure.channels[0].fee_items == [] and procedure.channels[0].fee_kind is None
    fee = facet_answer(procedure, Facet.fee, profile(), date(2026, 12, 2))
    assert fee is not None and "135.000 đồng/lần" in fee.text
    time = facet_answer(procedure, Facet.processing_time, profile(), date(2026, 12, 2))
    assert time is not None and "không ghi rõ thời hạn" in time.text
