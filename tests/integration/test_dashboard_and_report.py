"""The dashboard and the yearly report, over turns of a known year."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from knowledge_base.models import Turn
from tests.conftest import back_office_as
from tthc.backoffice.accounts import Role
from tthc.settings import get_settings

pytestmark = [pytest.mark.app, pytest.mark.slow]

MARRIAGE = "1.000894"
BIRTH = "1.001193"
# 2025 in Vietnam: 40 answered (30 marriage, 10 birth), 10 not found, 6 rated good, 2 bad.
YEAR = 2025


def year_of_turns() -> list[Turn]:
    start = datetime(YEAR, 3, 1, 2, 0, tzinfo=UTC)
    plan = (
        [("answered", MARRIAGE, "zalo")] * 30
        + [("answered", BIRTH, "portal")] * 10
        + [("not_found", None, "portal")] * 10
        + [("rated_good", MARRIAGE, "zalo")] * 6
        + [("rated_bad", BIRTH, "portal")] * 2
    )
    return [
        Turn(
            at=start + timedelta(days=i * 5),
            conversation_id=f"{channel}:{i}",
            channel=channel,
            question="giá vàng hôm nay" if outcome == "not_found" else "lệ phí bao nhiêu",
            procedure_code=code,
            outcome=outcome,
            latency_ms=100 + i,
        )
        for i, (outcome, code, channel) in enumerate(plan)
    ]


@pytest.fixture(scope="module")
def deployment(seeded_deployment):  # type: ignore[no-untyped-def]
    with seeded_deployment.sessions.begin() as session:
        session.add_all(year_of_turns())
    return seeded_deployment


@pytest.fixture
def analyst(deployment):  # type: ignore[no-untyped-def]
    with back_office_as(deployment, "phantich", Role.ANALYST) as client:
        yield client


def test_the_dashboard_draws_its_charts_and_figures(analyst: TestClient) -> None:
    page = analyst.get(
        "/admin/dashboard", params={"start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}
    )
    assert page.status_code == 200
    assert page.text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "<strong>50</strong> câu hỏi" in page.text
    assert "<strong>80,0%</strong> trả lời được ngay" in page.text
    assert "<strong>75,0%</strong> đánh giá hữu ích" in page.text
    assert "giá vàng hôm nay" in page.text  # the top unanswered question


def test_a_range_over_a_year_is_refused(analyst: TestClient) -> None:
    assert (
        analyst.get(
            "/admin/dashboard", params={"start": "2024-01-01", "end": "2025-12-31"}
        ).status_code
        == 400
    )


def test_the_yearly_report_downloads_and_opens_as_a_spreadsheet(analyst: TestClient) -> None:
    response = analyst.get(f"/admin/reports/{YEAR}.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=4, values_only=True)}
    assert summary["Số câu hỏi trợ lý đã tiếp nhận"] == "50"
    assert summary["Tỷ lệ trả lời được ngay"] == "80,0%"
    assert summary["Tỷ lệ đánh giá hữu ích"] == "75,0% trên 8 lượt đánh giá"
    procedures = list(book["Thủ tục hỏi nhiều"].iter_rows(min_row=2, values_only=True))
    assert procedures[0][0] == MARRIAGE and procedures[0][2] == 30
    months = [row[0] for row in book["Theo tháng"].iter_rows(min_row=2, values_only=True)]
    assert months == sorted(months) and months[0] == f"{YEAR}-03"


def test_the_yearly_report_downloads_as_a_pdf(analyst: TestClient) -> None:
    response = analyst.get(f"/admin/reports/{YEAR}.pdf")
    if response.status_code == 503:
        pytest.skip(response.json()["detail"])
    assert response.content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", response.content)) >= 1


def test_the_report_command_writes_the_spreadsheet(deployment, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tthc.cli import app

    monkeypatch.setenv("TTHC_DATA_DIR", str(deployment.settings.data_dir))
    get_settings.cache_clear()
    out = tmp_path / "bao-cao.xlsx"
    try:
        result = CliRunner().invoke(app, ["report", "--year", str(YEAR), "--out", str(out)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "50 câu hỏi" in result.output
    assert load_workbook(out)["Tổng hợp"]["A1"].value.endswith(str(YEAR))


def test_a_question_written_as_a_formula_stays_text_in_the_spreadsheet(deployment) -> None:  # type: ignore[no-untyped-def]
    from tthc.backoffice import yearly_report

    with deployment.sessions() as session:
        session.add(
            Turn(
                at=datetime(YEAR, 2, 2, 2, 0, tzinfo=UTC),
                conversation_id="portal:formula-2",
                channel="portal",
                question="=1+1 cho hỏi",
                outcome="not_found",
            )
        )
        report = yearly_report.build(session, YEAR, "Bắc Ninh")
        session.rollback()
    book = load_workbook(io.BytesIO(yearly_report.to_xlsx(report)))
    cells = [c for row in book["Chưa trả lời được"].iter_rows(min_row=2) for c in row[:1]]
    formula = next(c for c in cells if str(c.value).startswith("=1+1"))
    assert formula.data_type == "s"
