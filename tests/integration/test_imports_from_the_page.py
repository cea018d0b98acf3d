"""Imports from the back-office: an uploaded file is imported in the background, its
progress and report are shown, hand-edited records are kept, and bad files are refused."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from knowledge_base import store
from tests.conftest import back_office_as, form_token
from tthc.backoffice.accounts import Role

pytestmark = [pytest.mark.app, pytest.mark.slow]

MARRIAGE = "1.000894"
NEW_CODE = "9.990001"


def new_procedure(code: str, name: str) -> dict:
    return {
        "code": code,
        "name": name,
        "levels": ["Cấp xã"],
        "field": "Hộ tịch",
        "channels": [
            {"channel": "Trực tiếp", "processing_time": "3 ngày làm việc", "fee": "Miễn phí"}
        ],
        "documents": [{"name": "Tờ khai theo mẫu", "copies": "1 bản chính"}],
        "source": "catalogue",
    }


@pytest.fixture
def editor(seeded_deployment):  # type: ignore[no-untyped-def]
    with back_office_as(seeded_deployment, "nhapdulieu", Role.EDITOR) as client:
        yield client


def upload(client: TestClient, name: str, content: bytes, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/imports",
        data={"csrf_token": form_token(client, "/admin/imports"), **fields},
        files={"file": (name, content)},
    )


def finished(client: TestClient, location: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        page = client.get(location).text
        if "Đang nhập" not in page or time.monotonic() > deadline:
            return page
        assert 'http-equiv="refresh"' in page  # the page follows the progress by itself
        time.sleep(0.2)


def test_an_uploaded_file_is_imported_with_its_report(
    editor: TestClient, seeded_deployment
) -> None:  # type: ignore[no-untyped-def]
    lines = [
        json.dumps(new_procedure(NEW_CODE, "Đăng ký giám hộ thử nghiệm"), ensure_ascii=False),
        "{not json",
        json.dumps({**new_procedure(MARRIAGE, "Tên sai sẽ không ghi đè"), "source": "catalogue"}),
    ]
    response = upload(editor, "danh-muc.jsonl", "\n".join(lines).encode())
    assert response.status_code == 303
    page = finished(editor, response.headers["location"])
    assert "Đã nhập xong" in page
    figures = dict(re.findall(r"<strong>(\d+)</strong> ([^<]+)</li>", page))
    assert figures["1"].strip() in {
        "thủ tục mới",
        "thủ tục đã sửa tay được giữ nguyên",
        "dòng bị bỏ qua",
    }
    assert "Dòng bị bỏ qua" in page and "<td>2</td>" in page
    with seeded_deployment.sessions() as session:
        assert store.get_procedure(session, NEW_CODE).name == "Đăng ký giám hộ thử nghiệm"
        assert store.get_procedure(session, MARRIAGE).name != "Tên sai sẽ không ghi đè"


def test_a_file_of_another_kind_is_refused_with_the_reason(editor: TestClient) -> None:
    response = upload(editor, "bao-cao.pdf", b"%PDF-1.4")
    assert response.status_code == 400
    assert "Chỉ nhận tệp .jsonl" in response.text


def test_an_empty_file_is_refused(editor: TestClient) -> None:
    assert upload(editor, "rong.jsonl", b"").status_code == 400


def test_an_import_told_to_overwrite_a_hand_kept_record_keeps_a_version_to_go_back_to(
    editor: TestClient,
) -> None:
    line = json.dumps(
        new_procedure(MARRIAGE, "Đăng ký kết hôn (theo danh mục mới)"), ensure_ascii=False
    )
    response = upload(editor, "ghi-de.jsonl", line.encode(), overwrite_curated="true")
    assert "Đã nhập xong" in finished(editor, response.headers["location"])
    versions = editor.get(f"/admin/procedures/{MARRIAGE}/versions").text
    assert "thay bởi import" in versions
    assert "Khôi phục phiên bản" in versions
