"""The back-office in a real browser (Debian's Chromium driven by Playwright), served by the
app over the seed knowledge base: signing in, roles, and the civil servants' look-up.
Screenshots go to test-artifacts/; with ``BACKOFFICE_SCREENSHOTS_DIR=docs/screenshots`` the
ones the README shows are written there too."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from openpyxl import load_workbook

from knowledge_base import store
from knowledge_base.models import Turn
from tests.browser import test_widget
from tthc.api.main import create_app
from tthc.backoffice.accounts import Role, create_user

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [pytest.mark.app, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOCS_SCREENSHOTS = os.environ.get("BACKOFFICE_SCREENSHOTS_DIR")
PASSWORD = "mật khẩu của phòng một cửa"
MARRIAGE = "1.000894"
ID_CARD_RENEWAL = "1.014064"
ID_CARD_FROM_14 = "1.014061"
ID_CARD_UNDER_14 = "1.014062"
RENEWAL_AT_PROVINCE = "9.914064"
FREE_PROCEDURE = "1.003197"  # Xóa đăng ký thường trú: no fee in the seed
NEW_FEE = "Lệ phí 15.000 đồng/lần"


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if DOCS_SCREENSHOTS:
        page.screenshot(path=str(Path(DOCS_SCREENSHOTS) / f"{name}.png"), full_page=False)


@pytest.fixture(scope="module")
def app_url(seeded_deployment) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with seeded_deployment.sessions.begin() as session:
        create_user(session, "motcua", PASSWORD, Role.OFFICER, "Nguyễn Thị Hạnh")
        create_user(session, "phantich", PASSWORD, Role.ANALYST, "Lê Minh Quân")
        create_user(session, "doan-mo", PASSWORD, Role.OFFICER)
        create_user(session, "bientap", PASSWORD, Role.EDITOR, "Trần Văn Biên")
        renewal = store.to_schema(store.get_procedure(session, ID_CARD_RENEWAL))
        store.upsert(
            session,
            renewal.model_copy(update={"code": RENEWAL_AT_PROVINCE, "levels": ["Cấp tỉnh"]}),
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(seeded_deployment), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


browser = test_widget.browser  # the same Chromium fixture


@pytest.fixture
def page(browser, app_url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(app_url + "/admin")
    yield page
    context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_civil_servant_signs_in_and_sees_the_look_up(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "motcua")
    sync_api.expect(page.get_by_role("heading", name="Xin chào, Nguyễn Thị Hạnh")).to_be_visible()
    sync_api.expect(page.get_by_role("link", name="Tra cứu thủ tục").first).to_be_visible()


def test_a_wrong_password_is_told_and_keeps_the_page(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "motcua", "không phải mật khẩu")
    sync_api.expect(page.get_by_role("alert")).to_have_text(
        "Tên đăng nhập hoặc mật khẩu không đúng."
    )
    sync_api.expect(page.get_by_label("Tên đăng nhập")).to_have_value("motcua")


def test_guessing_passwords_is_stopped(page) -> None:  # type: ignore[no-untyped-def]
    for attempt in range(5):
        sign_in(page, "doan-mo", f"đoán lần {attempt}")
    sign_in(page, "doan-mo")
    sync_api.expect(page.get_by_role("alert")).to_contain_text("Đăng nhập sai quá nhiều lần")


def test_an_analyst_is_refused_the_look_up(page, app_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "phantich")
    page.goto(app_url + "/admin/lookup")
    sync_api.expect(page.get_by_role("heading", name="Không có quyền truy cập")).to_be_visible()


def test_look_up_by_code_opens_the_record(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "motcua")
    page.get_by_role("link", name="Tra cứu thủ tục").first.click()
    sync_api.expect(page.get_by_label("Mã thủ tục")).to_be_focused()
    page.keyboard.type(MARRIAGE)  # the search box has the focus: no mouse at the counter
    page.keyboard.press("Enter")
    sync_api.expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký kết hôn")
    sync_api.expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()
    screenshot(page, "admin-procedure")


def test_look_up_by_words_then_compare_the_chosen_procedures(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "motcua")
    page.get_by_role("link", name="Tra cứu thủ tục").first.click()
    page.get_by_label("Mã thủ tục").fill("lam can cuoc cho con")
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("table.hits tbody tr").first).to_be_visible()
    screenshot(page, "admin-lookup")
    page.get_by_label(f"So sánh {ID_CARD_UNDER_14}").check()
    page.get_by_label(f"So sánh {ID_CARD_FROM_14}").check()
    page.get_by_role("button", name="So sánh các thủ tục đã chọn").click()
    sync_api.expect(page.locator(".compare article")).to_have_count(2)
    sync_api.expect(page.locator(".compare")).to_contain_text("dưới 14 tuổi")
    screenshot(page, "admin-compare")


def test_the_record_offers_its_variants_at_other_levels(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "motcua")
    page.get_by_role("link", name="Tra cứu thủ tục").first.click()
    page.get_by_label("Mã thủ tục").fill(ID_CARD_RENEWAL)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="So sánh cạnh nhau").click()
    sync_api.expect(page.locator(".compare article")).to_have_count(2)
    sync_api.expect(page.locator(".compare")).to_contain_text("Cấp tỉnh")


def test_the_checklist_prints_on_one_page(page, app_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "motcua")
    page.goto(f"{app_url}/admin/procedures/{MARRIAGE}/checklist")
    sync_api.expect(page.get_by_role("heading", name="Phiếu hướng dẫn hồ sơ")).to_be_visible()
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="In phiếu").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    assert page.get_by_role("button", name="In phiếu").is_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    screenshot(page, "admin-checklist")


def test_an_editor_previews_saves_and_rolls_back_a_fee(page, app_url: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "bientap")
    page.goto(f"{app_url}/admin/procedures/{FREE_PROCEDURE}/edit")
    channels = page.get_by_label("Cách thức thực hiện")
    rows = channels.input_value().splitlines()
    channels.fill("\n".join(f"{row.split(' | ')[0]} | 5 ngày làm việc | {NEW_FEE}" for row in rows))
    page.get_by_role("button", name="Xem trước câu trả lời").click()
    sync_api.expect(page.locator(".preview")).to_contain_text("15.000 đồng")
    screenshot(page, "admin-editor")
    page.get_by_role("button", name="Lưu").click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("Đã lưu")
    page.get_by_role("link", name="Các phiên bản").click()
    sync_api.expect(page.locator("pre.diff").first).to_contain_text(NEW_FEE)
    page.get_by_role("button", name=re.compile("Khôi phục phiên bản")).first.click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("Đã khôi phục")
    sync_api.expect(page.locator("table").first).not_to_contain_text(NEW_FEE)


def test_an_upload_is_imported_with_its_progress_and_report(
    page, app_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    catalogue = tmp_path / "bo-sung.jsonl"
    catalogue.write_text(
        json.dumps(
            {
                "code": "9.990777",
                "name": "Thủ tục bổ sung để thử nhập",
                "levels": ["Cấp xã"],
                "channels": [{"channel": "Trực tiếp", "processing_time": "3 ngày làm việc"}],
                "source": "catalogue",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    sign_in(page, "bientap")
    page.goto(f"{app_url}/admin/imports")
    page.get_by_label(re.compile("^Tệp")).set_input_files(str(catalogue))
    page.get_by_role("button", name="Nhập").click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("Đã nhập xong", timeout=60_000)
    sync_api.expect(page.locator(".figures")).to_contain_text("1 thủ tục mới")


def test_the_dashboard_draws_its_charts_and_the_report_opens(
    page, app_url: str, seeded_deployment, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    with seeded_deployment.sessions.begin() as session:
        for day in range(20):
            for i, (outcome, code) in enumerate(
                [("answered", MARRIAGE)] * 3 + [("not_found", None)]
            ):
                session.add(
                    Turn(
                        at=now - timedelta(days=day, minutes=i),
                        conversation_id=f"portal:dashboard-{day}",
                        channel="zalo" if i % 2 else "portal",
                        question="giá vàng hôm nay" if code is None else "lệ phí kết hôn",
                        procedure_code=code,
                        outcome=outcome,
                        latency_ms=150 + i,
                    )
                )
    sign_in(page, "phantich")
    page.goto(f"{app_url}/admin/dashboard")
    sync_api.expect(page.locator("svg.chart")).to_have_count(3)
    assert page.locator("svg.chart rect").count() > 20
    screenshot(page, "admin-dashboard")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải báo cáo (Excel)").click()
    saved = tmp_path / "bao-cao.xlsx"
    download.value.save_as(saved)
    summary = load_workbook(saved)["Tổng hợp"]
    assert summary["A1"].value.startswith("Báo cáo kết quả ứng dụng trợ lý ảo")
