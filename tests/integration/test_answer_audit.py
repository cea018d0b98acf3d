"""The grounding audit over the shipped seed knowledge base (the national file: see
test_national_catalogue.py)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

pytestmark = pytest.mark.app


def test_every_answer_over_the_seed_knowledge_base_is_grounded(seeded_deployment) -> None:
    from actions.grounding import audit
    from knowledge_base.store import active_procedures, to_schema
    from tests.unit.test_answers import TODAY

    with seeded_deployment.sessions() as session:
        procedures = [to_schema(row) for row in active_procedures(session)]
    report = audit(procedures, seeded_deployment.profile, TODAY)
    assert report.procedures == 54
    assert report.clean, report.as_dict()["worst"]


def test_the_audit_command_prints_its_counts_and_passes(seeded_deployment, monkeypatch) -> None:
    from tthc.cli import app

    monkeypatch.setenv("TTHC_DATA_DIR", str(seeded_deployment.settings.data_dir))
    monkeypatch.setenv("TTHC_EMBEDDING_MODEL", str(seeded_deployment.settings.embedding_model))
    result = CliRunner().invoke(app, ["kb", "audit-answers", "--json", "--today", "2026-12-02"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)["counts"]
    assert counts["amount not in the record"] == 0
    assert set(counts) >= {"time without a unit", "first documents message over 1,200 characters"}
