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
