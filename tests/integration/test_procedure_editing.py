"""Editing a procedure in the back-office: the chat answers the saved fact at once, the
preview shows it before saving, versions roll back, retiring hides it, and every change is
in the audit log."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from knowledge_base import store
from knowledge_base.importers.runner import import_path
from knowledge_base.seed import SEED_PROCEDURES
from tests.conftest import back_office_as, form_token
from tests.integration.test_action_webhook import action_call, rasa_client, texts
from tthc.backoffice.accounts import Role
from tthc.backoffice.editing import as_form

pytestmark = [pytest.mark.app, pytest.mark.slow]

MARRIAGE = "1.000894"
NEW_FEE = "Lệ phí 30.000 đồng/lần"


@pytest.fixture(scope="module")
def deployment(seeded_deployment):  # type: ignore[no-untyped-def]
    return seeded_deployment


@pytest.fixture
def editor(deployment):  # type: ignore[no-untyped-def]
    with back_office_as(deployment, "bientap", Role.EDITOR) as client:
        yield client


def current_form(deployment) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with deployment.sessions() as session:
        return as_form(store.to_schema(store.get_procedure(session, MARRIAGE)))


def with_fee(form: dict[str, str], fee: str) -> dict[str, str]:
    """Every channel of the form with ``fee``."""
    rows = []
    for line in form["channels"].splitlines():
        cells = [*line.split(" | "), "", "", "", ""][:4]
        cells[2] = fee
        rows.append(" | ".join(cells).rstrip(" |"))
    return {**form, "channels": "\n".join(rows)}


def post_form(client: TestClient, form: dict[str, str], intent: str, version: str = "") -> Any:
    """The form as the edit page posts it, with the version that page was opened at."""
    page = client.get(f"/admin/procedures/{MARRIAGE}/edit").text
    data = {
        **form,
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "version": version or re.search(r'name="version" value="(\d+)"', page).group(1),
        "intent": intent,
    }
    return client.post(f"/admin/procedures/{MARRIAGE}/edit", data=data)


def without_source(answer: str) -> str:
    return "\n".join(line for line in answer.splitlines() if not line.startswith("Nguồn:"))


def asked_fee(deployment) -> str:  # type: ignore[no-untyped-def]
    with rasa_client(deployment) as rasa:
        call = action_call(
            "action_answer_procedure", "đăng ký kết hôn hết bao nhiêu tiền", "ask_fee"
        )
        return texts(rasa.post("/webhook", json=call).json())


def test_the_preview_shows_the_new_fee_without_saving_it(editor: TestClient, deployment) -> None:  # type: ignore[no-untyped-def]
    before = current_form(deployment)
    page = post_form(editor, with_fee(before, NEW_FEE), "preview")
    assert page.status_code == 200
    assert "Xem trước câu trả lời của trợ lý" in page.text and "30.000 đồng" in page.text
    assert current_form(deployment) == before


def test_a_saved_fee_is_answered_in_the_chat_at_once_and_rolled_back(
    editor: TestClient, deployment
) -> None:  # type: ignore[no-untyped-def]
    old_answer = asked_fee(deployment)
    assert "30.000 đồng" not in old_answer
    started = time.perf_counter()
    saved = post_form(editor, with_fee(current_form(deployment), NEW_FEE), "save")
    assert saved.status_code == 303 and "saved=" in saved.headers["location"]
    new_answer = asked_fee(deployment)
    print(f"save to answer: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert "30.000 đồng" in new_answer

    versions = editor.get(f"/admin/procedures/{MARRIAGE}/versions").text
    assert "+channels:" in versions and NEW_FEE in versions
    version_id = re.search(r"/versions/(\d+)/restore", versions).group(1)
    restored = editor.post(
        f"/admin/procedures/{MARRIAGE}/versions/{version_id}/restore",
        data={"csrf_token": form_token(editor, "/admin")},
    )
    assert restored.status_code == 303
    # The same fee again; the source now names the province, whose record it has become.
    assert without_source(asked_fee(deployment)) == without_source(old_answer)


def test_a_form_with_a_broken_line_is_refused_and_nothing_is_saved(
    editor: TestClient, deployment
) -> None:  # type: ignore[no-untyped-def]
    before = current_form(deployment)
    broken = {**before, "documents": before["documents"] + "\n | mẫu 01 | 1 bản"}
    page = post_form(editor, broken, "save")
    assert page.status_code == 400
    assert "thiếu tên giấy tờ" in page.text
    assert current_form(deployment) == before


def test_a_retired_procedure_is_no_longer_answered_until_restored(
    editor: TestClient, deployment
) -> None:  # type: ignore[no-untyped-def]
    token = form_token(editor, "/admin")
    editor.post(
        f"/admin/procedures/{MARRIAGE}/status", data={"csrf_token": token, "status": "retired"}
    )
    assert "Đã ngừng áp dụng" in editor.get(f"/admin/procedures/{MARRIAGE}").text
    assert f"(mã {MARRIAGE})" not in asked_fee(deployment)
    editor.post(
        f"/admin/procedures/{MARRIAGE}/status", data={"csrf_token": token, "status": "active"}
    )
    assert f"(mã {MARRIAGE})" in asked_fee(deployment)


def test_every_change_is_in_the_audit_log_with_who_made_it(editor: TestClient) -> None:
    page = editor.get("/admin/audit").text
    assert "bientap" in page and MARRIAGE in page
    assert "Ngừng áp dụng" in page and "Áp dụng lại" in page


def test_an_edited_record_survives_the_next_import(editor: TestClient, deployment) -> None:  # type: ignore[no-untyped-def]
    post_form(editor, with_fee(current_form(deployment), NEW_FEE), "save")
    report = import_path(SEED_PROCEDURES, deployment.sessions)
    assert report.kept_curated >= 1
    assert "30.000 đồng" in asked_fee(deployment)


def test_procedures_are_filtered_by_level_and_source(editor: TestClient) -> None:
    page = editor.get("/admin/procedures", params={"level": "Cấp bộ"}).text
    assert "3.000346" in page and MARRIAGE not in page
    manual = editor.get("/admin/procedures", params={"source": "manual"}).text
    assert MARRIAGE in manual


def test_a_save_over_a_newer_version_is_refused_and_keeps_the_editors_text(
    editor: TestClient, deployment
) -> None:  # type: ignore[no-untyped-def]
    before = current_form(deployment)
    stale = post_form(editor, with_fee(before, "Lệ phí 99.000 đồng"), "save", version="1")
    assert stale.status_code == 409
    assert "vừa được người khác lưu" in stale.text and "99.000 đồng" in stale.text
    assert current_form(deployment) == before


def test_an_unchanged_line_keeps_its_item_whole(deployment) -> None:  # type: ignore[no-untyped-def]
    from tthc.backoffice.editing import from_form

    with deployment.sessions() as session:
        current = store.to_schema(store.get_procedure(session, MARRIAGE))
    edited, problems = from_form(current, as_form(current))
    assert not problems
    assert edited.channels == current.channels and edited.documents == current.documents
    assert edited.steps == current.steps
