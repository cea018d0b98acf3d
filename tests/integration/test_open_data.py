"""Open data: the knowledge base as JSON and CSV, and monthly statistics without personal
data, over the seed knowledge base."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from knowledge_base.models import Turn
from tthc.api.main import create_app

pytestmark = [pytest.mark.app, pytest.mark.slow]

MARRIAGE = "1.000894"
BIRTH = "1.001193"


@pytest.fixture(scope="module")
def client(seeded_deployment):  # type: ignore[no-untyped-def]
    with seeded_deployment.sessions.begin() as session:
        asked = [(MARRIAGE, "answered")] * 6 + [(BIRTH, "answered")] * 2 + [(None, "not_found")] * 3
        for i, (code, outcome) in enumerate(asked):
            session.add(
                Turn(
                    at=datetime(2026, 3, 10 + i % 5, 3, 0, tzinfo=UTC),
                    conversation_id=f"zalo:{9000 + i}",
                    channel="zalo",
                    question=f"em tên [họ tên], sđt [số điện thoại], hỏi lần {i}",
                    intent="ask_documents",
                    procedure_code=code,
                    outcome=outcome,
                    latency_ms=120,
                )
            )
    with TestClient(create_app(seeded_deployment)) as client:
        yield client


def test_the_knowledge_base_is_published_with_its_licence_and_date(client: TestClient) -> None:
    body = client.get("/api/open-data/procedures.json").json()
    assert body["licence"] == "CC BY 4.0"
    assert datetime.fromisoformat(body["updated_at"])
    assert body["count"] == len(body["procedures"]) == 54
    marriage = next(p for p in body["procedures"] if p["code"] == MARRIAGE)
    assert marriage["documents"] and marriage["channels"] and marriage["legal_bases"]


def test_the_csv_opens_in_a_spreadsheet_with_one_row_per_procedure(client: TestClient) -> None:
    response = client.get("/api/open-data/procedures.csv")
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    header_and_rows = list(csv.reader(io.StringIO(text.split("\n", 1)[1])))
    assert header_and_rows[0][:3] == ["code", "provincial_codes", "name"]
    assert len(header_and_rows) - 1 == 54
    assert "CC BY 4.0" in text.splitlines()[0]


def test_monthly_statistics_count_without_any_conversation_or_question(client: TestClient) -> None:
    body = client.get("/api/open-data/statistics.json", params={"year": 2026}).json()
    (march,) = body["months"]
    assert (march["month"], march["questions"], march["answered"], march["not_answered"]) == (
        "2026-03",
        11,
        8,
        3,
    )
    assert march["by_channel"] == {"zalo": 11}
    assert "zalo:9000" not in str(body) and "hỏi lần" not in str(body)


def test_a_procedure_asked_about_rarely_is_not_named(client: TestClient) -> None:
    (march,) = client.get("/api/open-data/statistics.json", params={"year": 2026}).json()["months"]
    assert [p["code"] for p in march["top_procedures"]] == [MARRIAGE]  # BIRTH: only twice
