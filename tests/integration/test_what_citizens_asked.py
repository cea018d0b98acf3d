"""What citizens asked, in the back-office: turns by filter with their transcripts,
unanswered questions grouped and labelled, the evaluation file and its figures."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from knowledge_base.models import Turn
from tests.conftest import back_office_as, form_token
from tthc.backoffice.accounts import Role

pytestmark = [pytest.mark.app, pytest.mark.slow]

TODAY = datetime.now(UTC).replace(microsecond=0)
MARRIAGE = "1.000894"
RESIDENCE = "1.004222"
SENDER = "portal:Zq3v8rT0aPcX2mLk9wYbN4sD"
UNANSWERED = [
    "cách đăng ký tạm vắng cho con đi học xa",
    "đăng ký tạm vắng cho con đi học ở đâu",
    "dang ky tam vang cho con di hoc xa",
    "giá vàng hôm nay bao nhiêu",
]


def turn(question: str, outcome: str, code: str | None = None, **fields: Any) -> Turn:
    return Turn(
        at=fields.pop("at", TODAY - timedelta(hours=2)),
        conversation_id=fields.pop("conversation_id", "zalo:1234567890"),
        channel=fields.pop("channel", "zalo"),
        question=question,
        intent="ask_procedure",
        procedure_code=code,
        outcome=outcome,
        latency_ms=140,
    )


@pytest.fixture(scope="module")
def deployment(seeded_deployment):  # type: ignore[no-untyped-def]
    with seeded_deployment.sessions.begin() as session:
        session.add(
            turn(
                "lệ phí đăng ký kết hôn",
                "answered",
                MARRIAGE,
                conversation_id=SENDER,
                channel="portal",
            )
        )
        session.add_all(turn(q, "not_found") for q in UNANSWERED)
        session.add(turn("thủ tục cũ tháng trước", "not_found", at=TODAY - timedelta(days=60)))
    trackers = seeded_deployment.settings.data_dir / "trackers.sqlite3"
    with sqlite3.connect(trackers) as db:  # as Rasa 3.6's SQL tracker store writes it
        db.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
            "type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"
        )
        for kind, text in (
            ("user", "lệ phí đăng ký kết hôn"),
            ("bot", "Đăng ký kết hôn: miễn lệ phí."),
        ):
            db.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                (SENDER, kind, TODAY.timestamp(), json.dumps({"event": kind, "text": text})),
            )
    return seeded_deployment


@pytest.fixture
def editor(deployment):  # type: ignore[no-untyped-def]
    with back_office_as(deployment, "bientap", Role.EDITOR) as client:
        yield client


def label(client: TestClient, questions: list[str], **choice: str) -> Any:
    return client.post(
        "/admin/unanswered/label",
        data={"csrf_token": form_token(client, "/admin"), "question": questions, **choice},
    )


def test_turns_are_listed_and_filtered_by_outcome(editor: TestClient) -> None:
    page = editor.get("/admin/conversations", params={"outcome": "answered"}).text
    assert "lệ phí đăng ký kết hôn" in page
    assert "giá vàng hôm nay" not in page


def test_a_conversation_shows_its_transcript(editor: TestClient) -> None:
    page = editor.get(f"/admin/conversations/{SENDER}").text
    assert "Đăng ký kết hôn: miễn lệ phí." in page and "Người dân" in page


def test_similar_unanswered_questions_are_one_group(editor: TestClient) -> None:
    page = editor.get("/admin/unanswered").text
    groups = re.findall(r'<section class="group-card">(.*?)</section>', page, re.S)
    tam_vang = [g for g in groups if "tạm vắng" in g or "tam vang" in g]
    assert len(tam_vang) == 1
    assert all(q in tam_vang[0] for q in UNANSWERED[:3])
    assert "thủ tục cũ tháng trước" not in page  # outside the last 30 days


def test_a_labelled_group_leaves_the_list_and_joins_the_evaluation_file(editor: TestClient) -> None:
    assert label(editor, UNANSWERED[:3], procedure_code=RESIDENCE).status_code == 303
    assert label(editor, UNANSWERED[3:], out_of_scope="true").status_code == 303
    assert "tạm vắng" not in editor.get("/admin/unanswered").text
    lines = [
        json.loads(line) for line in editor.get("/admin/labels/evaluation.jsonl").text.splitlines()
    ]
    assert {line["question"]: line["gold"] for line in lines} == {
        **{q: [RESIDENCE] for q in UNANSWERED[:3]},
        UNANSWERED[3]: [],
    }


def test_a_label_with_an_unknown_code_is_refused_with_the_reason(editor: TestClient) -> None:
    refused = label(editor, ["một câu hỏi khác"], procedure_code="9.999999")
    assert "error=unknown_code" in refused.headers["location"]
    assert "một câu hỏi khác" not in editor.get("/admin/labels/evaluation.jsonl").text


def test_the_search_is_measured_on_the_labelled_questions(editor: TestClient) -> None:
    label(editor, ["lam giay khai sinh cho be"], procedure_code="1.001193")
    assert (
        editor.post(
            "/admin/labels/evaluate", data={"csrf_token": form_token(editor, "/admin")}
        ).status_code
        == 303
    )
    page = editor.get("/admin/labels").text
    row = re.search(r"<tbody>\s*<tr><td>[^<]+</td><td>(\d+)</td><td>([^<]+)</td>", page)
    assert int(row.group(1)) >= 1
    assert row.group(2).endswith("%")


def test_a_civil_servant_sees_unanswered_questions_without_the_label_form(deployment) -> None:  # type: ignore[no-untyped-def]
    with back_office_as(deployment, "motcua", Role.OFFICER) as client:
        page = client.get("/admin/unanswered").text
    assert "Câu hỏi chưa trả lời được" in page
    assert "Gán thủ tục" not in page


def test_a_label_can_add_the_citizens_phrase_to_the_word_lists(editor: TestClient) -> None:
    question = "làm giấy xác nhận độc thân để cưới ở đâu"
    response = label(editor, [question], procedure_code="1.004873", phrase="giấy xác nhận độc thân")
    assert response.status_code == 303 and "error" not in response.headers["location"]
    page = editor.get("/admin/word-lists").text
    assert re.search(
        r"<td>giấy xác nhận độc thân</td><td>Thủ tục cấp Giấy xác nhận tình trạng hôn nhân</td>",
        page,
    )


@pytest.mark.parametrize("path", ["/admin/conversations", "/admin/unanswered"])
def test_dates_out_of_any_report_are_a_bad_request(editor: TestClient, path: str) -> None:
    assert editor.get(path, params={"start": "0001-01-01"}).status_code == 400
    assert editor.get(path, params={"start": "2026-05-02", "end": "2026-05-01"}).status_code == 400
