"""The back-office beside the running assistant, in Chromium: a fee an editor saves is what
the chat widget answers next, without a restart, until it is rolled back; a question the
assistant could not answer reaches the editor, who labels it, and it is in the evaluation
file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import test_widget
from tests.browser.test_widget import ANSWER_TIMEOUT, ask, bot_messages
from tthc.backoffice.accounts import Role, create_user

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [pytest.mark.app, pytest.mark.slow]

PASSWORD = "mật khẩu của biên tập viên"
DEREGISTRATION = "1.003197"  # Xóa đăng ký thường trú: no fee in the seed
NEW_FEE = "Lệ phí 15.000 đồng/lần"


@pytest.fixture(scope="module")
def editor_account(live) -> str:  # type: ignore[no-untyped-def]
    with live.sessions.begin() as session:
        create_user(session, "bientap-live", PASSWORD, Role.EDITOR)
    return "bientap-live"


browser = test_widget.browser  # the same Chromium fixture


@pytest.fixture
def context(browser, live) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 860})
    yield context
    context.close()


def signed_in(context, live, username: str):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(live.app_url + "/admin/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    sync_api.expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()
    return page


def citizen(context, live):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(live.app_url + "/")
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    return page


def test_a_saved_fee_is_answered_in_the_chat_without_a_restart_then_rolled_back(
    context, live, editor_account: str
) -> None:  # type: ignore[no-untyped-def]
    admin = signed_in(context, live, editor_account)
    admin.goto(f"{live.app_url}/admin/procedures/{DEREGISTRATION}/edit")
    channels = admin.get_by_label("Cách thức thực hiện")
    rows = channels.input_value().splitlines()
    cells = [[*row.split(" | "), "", ""][:2] for row in rows]
    channels.fill("\n".join(f"{name} | {time} | {NEW_FEE}" for name, time in cells))
    admin.get_by_role("button", name="Lưu").click()
    sync_api.expect(admin.get_by_role("status")).to_contain_text("Đã lưu")

    chat = citizen(context, live)
    ask(chat, "xóa đăng ký thường trú có mất phí không")
    sync_api.expect(bot_messages(chat).last).to_contain_text("15.000 đồng", timeout=ANSWER_TIMEOUT)

    admin.goto(f"{live.app_url}/admin/procedures/{DEREGISTRATION}/versions")
    admin.get_by_role("button", name=re.compile("Khôi phục phiên bản")).first.click()
    sync_api.expect(admin.get_by_role("status")).to_contain_text("Đã khôi phục")
    ask(chat, "lệ phí bao nhiêu")
    sync_api.expect(bot_messages(chat).last).to_contain_text(
        f"mã {DEREGISTRATION}", timeout=ANSWER_TIMEOUT
    )
    sync_api.expect(bot_messages(chat).last).not_to_contain_text("15.000 đồng")


def test_an_unanswered_question_is_labelled_and_joins_the_evaluation_file(
    context, live, editor_account: str
) -> None:  # type: ignore[no-untyped-def]
    chat = citizen(context, live)
    question = "cho hỏi thủ tục xin cấp phép bắn pháo hoa đám cưới"
    ask(chat, question)
    sync_api.expect(bot_messages(chat).last).to_be_visible(timeout=ANSWER_TIMEOUT)

    admin = signed_in(context, live, editor_account)
    admin.goto(f"{live.app_url}/admin/unanswered")
    group = admin.locator("section.group-card", has_text="pháo hoa")
    sync_api.expect(group).to_be_visible(timeout=10_000)
    group.get_by_role("button", name="Ngoài phạm vi").click()
    sync_api.expect(admin.locator("section.group-card", has_text="pháo hoa")).to_have_count(0)

    admin.goto(f"{live.app_url}/admin/labels")
    with admin.expect_download() as download:
        admin.get_by_role("link", name=re.compile("Tải tệp đánh giá")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert {"question": question, "gold": [], "style": "labelled"} in lines
