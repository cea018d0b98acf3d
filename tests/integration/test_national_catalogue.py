"""The real national catalogue: import, re-import, provincial mapping and retrieval quality.

Reads ../shared/data (skipped where absent). The floors below guard against regressions;
the measured figures are reported by `tthc kb eval` (see README).
"""

from __future__ import annotations

import pytest

from knowledge_base.retrieval.evaluation import evaluate, read_questions
from tests.conftest import CATALOGUE_FILE, DEVSET_FILE, NATIONAL_FILE, require_shared

pytestmark = [pytest.mark.app, pytest.mark.slow]


@pytest.fixture(scope="module")
def national(tmp_path_factory, encoder):  # type: ignore[no-untyped-def]
    """A deployment with the whole national catalogue imported and indexed."""
    from knowledge_base.importers.runner import import_path
    from tests.conftest import deployment_settings
    from tthc.services import build_services

    require_shared(NATIONAL_FILE)
    services = build_services(
        deployment_settings(tmp_path_factory.mktemp("national")), encoder=encoder
    )
    services.upgrade_database()
    report = import_path(NATIONAL_FILE, services.sessions)
    services.search.reindex()
    yield services.sessions, services.search, report
    services.close()


def test_every_national_record_is_imported(national) -> None:
    _, _, report = national
    assert (report.created, report.skipped) == (2642, 0)


def test_reimporting_the_national_file_changes_nothing(national) -> None:
    from knowledge_base.importers.runner import import_path

    sessions, _, _ = national
    again = import_path(NATIONAL_FILE, sessions)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2642)


def test_provincial_catalogue_codes_map_to_national_records(national) -> None:
    from knowledge_base import store
    from knowledge_base.importers.runner import import_path

    sessions, _, _ = national
    report = import_path(require_shared(CATALOGUE_FILE), sessions)
    assert report.skipped == 0
    assert report.mapped > 100
    with sessions() as session:
        mapped = store.get_procedure(session, "1.000894.000.00.00.H36")
        assert mapped is not None and mapped.code == "1.000894"


def test_development_set_retrieval_stays_above_its_floor(national) -> None:
    _, service, _ = national
    report = evaluate(
        read_questions(DEVSET_FILE),
        lambda q, k, mode: service.search(q, top=k, mode=mode),
        baselines=False,
    )
    assert report["hit@1"] >= 0.72
    assert report["hit@5"] >= 0.88
    assert report["by_style"]["no_diacritics"] >= 0.72
    assert report["abstain_oos"] >= 0.75
    assert report["false_abstain"] <= 0.1


# -- Answers over the real catalogue: every fact from its record ---------------------------


def test_every_answer_over_the_national_catalogue_passes_the_grounding_audit(national) -> None:
    from datetime import date

    from actions.grounding import audit
    from knowledge_base.store import active_procedures, to_schema
    from tests.unit.test_answers import profile

    sessions, _, _ = national
    with sessions() as session:
        procedures = [to_schema(row) for row in active_procedures(session)]
    report = audit(procedures, profile(), date(2026, 12, 2))
    assert report.procedures >= 2642  # with the provincial entries of their own
    assert report.as_dict()["counts"] == dict.fromkeys(report.CHECKS, 0), report.as_dict()["worst"]
    assert report.longest_first_documents <= 1200


def test_the_import_report_counts_each_normalisation(national) -> None:
    _, _, report = national
    done = report.normalisations
    assert done[("channels.fee", "'Miễn phí' cell whose note names amounts")] > 50
    assert done[("channels.fee", "'Miễn phí' cell whose note names a regulation")] > 300
    assert done[("channels.processing_time", "unit recovered from the record's text")] > 100
    assert done[("channels.processing_time", "number without a unit: not stated")] > 100
    assert done[("documents.copies", "zero counts dropped (not stated)")] > 1000
    assert {"field": "documents.name", "reason": "list marker removed"}.items() <= next(
        row for row in report.as_dict()["normalisations"] if row["field"] == "documents.name"
    ).items()


@pytest.fixture(scope="module")
def seed_then_national(tmp_path_factory, encoder):  # type: ignore[no-untyped-def]
    """The shipped seed knowledge base, then the national export's records of the same
    procedures imported over it (the rest of the export would only take time)."""
    import json

    import yaml

    from knowledge_base.importers.runner import import_path
    from knowledge_base.seed import SEED_PROCEDURES
    from knowledge_base.store import get_procedure, to_schema
    from tests.conftest import seed_deployment

    require_shared(NATIONAL_FILE)
    folder = tmp_path_factory.mktemp("seed-national")
    seed_codes = {
        procedure["code"]
        for procedure in yaml.safe_load(SEED_PROCEDURES.read_text(encoding="utf-8"))["procedures"]
    }
    export = folder / NATIONAL_FILE.name
    with NATIONAL_FILE.open(encoding="utf-8") as lines:
        export.write_text(
            "".join(
                line
                for line in lines
                if line.strip() and json.loads(line)["ma_thu_tuc"] in seed_codes
            ),
            encoding="utf-8",
        )
    services = seed_deployment(folder / "data", encoder)
    with services.sessions() as session:
        before = {code: to_schema(get_procedure(session, code)) for code in CURATED}
    report = import_path(export, services.sessions)
    yield services, before, report, export
    services.close()


CURATED = ("1.001193", "1.004222", "1.001612")
"""Seed records the national export also holds: birth, permanent residence, household business."""


def test_a_national_import_keeps_the_seed_records_as_written(seed_then_national) -> None:
    from knowledge_base.store import get_procedure, to_schema

    services, before, report, _ = seed_then_national
    assert report.kept_curated == 54
    assert report.updated == 0
    with services.sessions() as session:
        for code in CURATED:
            after = to_schema(get_procedure(session, code))
            assert after.model_dump(exclude={"updated_at"}) == before[code].model_dump(
                exclude={"updated_at"}
            )
            assert after.keywords and after.source == "seed"


def test_overwriting_curated_records_is_asked_for_and_keeps_their_keywords(
    seed_then_national,
) -> None:
    from knowledge_base.importers.runner import import_path
    from knowledge_base.store import get_procedure, to_schema

    services, before, _, export = seed_then_national
    report = import_path(export, services.sessions, overwrite_curated=True)
    assert report.updated >= len(CURATED)
    with services.sessions() as session:
        birth = to_schema(get_procedure(session, "1.001193"))
    assert birth.source == "dichvucong"
    assert birth.keywords == before["1.001193"].keywords
