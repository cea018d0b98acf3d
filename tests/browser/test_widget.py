"""The chat widget in a real browser (Debian's Chromium driven by Playwright) on the demo
portal page, talking to the real assistant (see ``live``). Screenshots go to
test-artifacts/ for the CI run to keep; with ``WIDGET_SCREENSHOTS_DIR=docs/screenshots``
the phone screenshots the README shows are written there too."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge_base.models import AnswerFeedback

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BIRTH = "1.001193"
MARRIAGE = "1.000894"
ID_CARD_UNDER_14 = "1.014062"
RESIDENCE = "1.004222"
ANSWER_TIMEOUT = 60_000
PHONE = {"width": 375, "height": 740}
DOCS_SCREENSHOTS = os.environ.get("WIDGET_SCREENSHOTS_DIR")
SUGGESTED = [
    "Làm căn cước cho con cần giấy tờ gì?",
    "Lệ phí đăng ký kết hôn bao nhiêu?",
    "Cấp lại giấy phép lái xe mất bao lâu?",
    "Đăng ký hộ kinh doanh nộp ở đâu?",
    "Đăng ký thường trú cần những giấy tờ gì?",
]
# Emoji need a font many systems lack (they show as empty boxes): the widget draws icons.
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: apt-get install chromium (.ci/run does)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(live.app_url + "/")
    yield page
    context.close()


def answer_every_message_with(page, body: str) -> None:  # type: ignore[no-untyped-def]
    """The portal channel, forged: every message gets ``body`` (JSON lines) as its answer."""
    page.route(
        "**/webhooks/portal/webhook",
        lambda route: route.fulfill(
            status=200,
            headers={"Access-Control-Allow-Origin": "*"},
            content_type="application/x-ndjson",
            body=body,
        ),
    )


def ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Câu hỏi của anh/chị").fill(text)
    page.keyboard.press("Enter")


def bot_messages(page):  # type: ignore[no-untyped-def]
    """The bot's messages in the conversation (the greeting, always there, aside)."""
    return page.locator(".tthc-log .tthc-bot:not(.tthc-greeting)")


def screenshot(page, name: str, docs: bool = False) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    if docs and DOCS_SCREENSHOTS:
        Path(DOCS_SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(DOCS_SCREENSHOTS) / name))


@pytest.fixture
def phone(browser, live):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.goto(live.app_url + "/")
    yield page
    context.close()


def top_within_the_log(page, item) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``item``'s top is in the part of the log the citizen sees."""
    return page.evaluate(
        """item => {
            const log = document.querySelector('.tthc-log').getBoundingClientRect();
            const top = item.getBoundingClientRect().top;
            return top >= log.top && top < log.bottom;
        }""",
        item.element_handle(),
    )


def first_bubble_of_last_answer(page):  # type: ignore[no-untyped-def]
    """The first message the bot sent after the citizen's last one."""
    return page.locator(".tthc-log > .tthc-user").last.locator(
        "xpath=following-sibling::li[contains(@class, 'tthc-bot')][1]"
    )


def test_a_citizen_asks_without_diacritics_chooses_and_finds_it_after_reload(page) -> None:
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    dialog = page.get_by_role("dialog")
    sync_api.expect(dialog).to_contain_text("Bắc Ninh")

    ask(page, "lam giay khai sinh cho con can giay to gi")
    sync_api.expect(bot_messages(page).last).to_contain_text(f"mã {BIRTH}", timeout=ANSWER_TIMEOUT)
    # Answers keep their lists and links.
    assert bot_messages(page).last.locator("li").count() >= 1
    assert bot_messages(page).last.locator("a[href^='https://']").count() >= 1

    ask(page, "lam can cuoc can giay to gi")
    choices = page.locator("button.tthc-choice:enabled")
    sync_api.expect(choices.first).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert choices.count() >= 2
    choices.filter(has_text="14").first.click()
    sync_api.expect(bot_messages(page).last).to_contain_text(
        f"mã {ID_CARD_UNDER_14}", timeout=ANSWER_TIMEOUT
    )
    screenshot(page, "widget-demo-portal.png")

    page.reload()
    log = page.get_by_role("log")
    sync_api.expect(log).to_contain_text(f"mã {BIRTH}")
    sync_api.expect(log).to_contain_text(f"mã {ID_CARD_UNDER_14}")
    # The conversation goes on where it was: the follow-up is about the chosen card.
    ask(page, "mất bao lâu")
    sync_api.expect(bot_messages(page).last).to_contain_text(
        f"mã {ID_CARD_UNDER_14}", timeout=ANSWER_TIMEOUT
    )
    screenshot(page, "widget-after-reload.png")


def test_html_typed_by_a_citizen_is_shown_as_text(page) -> None:
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    ask(page, attack)
    sync_api.expect(page.locator(".tthc-user").last).to_have_text(re.compile(re.escape(attack)))
    sync_api.expect(bot_messages(page).last).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert page.locator(".tthc-log img, .tthc-log script").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_html_in_an_answer_is_shown_as_text_too(page) -> None:
    """Knowledge-base fields are text: even markup in one must not reach the page as HTML."""
    forged = [
        {
            "text": 'Hồ sơ gồm:\n• <img src=x onerror="window.__pwned=3"> tờ khai\n'
            "• Xem javascript:window.__pwned=4 và https://dichvucong.gov.vn/tthc?a=1&b=<b>"
        },
        {"text": "Chọn thủ tục:", "buttons": [{"title": "<b>Đậm</b>", "payload": "/greet"}]},
    ]
    body = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in forged)
    answer_every_message_with(page, body)
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    ask(page, "hồ sơ gồm gì")
    sync_api.expect(page.get_by_role("button", name="<b>Đậm</b>")).to_be_visible()
    log = page.locator(".tthc-log")
    assert log.locator("img, b, script").count() == 0
    assert page.evaluate("window.__pwned") is None
    links = log.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert links == ["https://dichvucong.gov.vn/tthc?a=1&b="]  # a link stops at markup
    sync_api.expect(log.locator(".tthc-bot li").first).to_contain_text(
        '<img src=x onerror="window.__pwned=3">'
    )


def test_feedback_on_an_earlier_answer_is_recorded_for_that_answer(page, live) -> None:
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    ask(page, "lệ phí đăng ký khai sinh bao nhiêu")
    sync_api.expect(bot_messages(page).last).to_contain_text(f"mã {BIRTH}", timeout=ANSWER_TIMEOUT)
    ask(page, "còn đăng ký kết hôn thì lệ phí bao nhiêu")
    sync_api.expect(bot_messages(page).last).to_contain_text(
        f"mã {MARRIAGE}", timeout=ANSWER_TIMEOUT
    )
    sender = page.evaluate(
        "Object.keys(localStorage).map(k => JSON.parse(localStorage[k]).sender)[0]"
    )
    birth_answer = bot_messages(page).filter(has_text=f"mã {BIRTH}")
    birth_answer.get_by_role("button", name="Hữu ích", exact=True).click()
    sync_api.expect(bot_messages(page).last).to_contain_text("Cảm ơn", timeout=ANSWER_TIMEOUT)
    sync_api.expect(birth_answer).to_contain_text("đã đánh giá")
    with live.sessions() as session:
        rows = session.scalars(
            select(AnswerFeedback).where(
                AnswerFeedback.conversation_id == f"portal:{sender.split('.')[0]}"
            )
        ).all()
    assert [(row.procedure_code, row.helpful) for row in rows] == [(BIRTH, True)]
    # Rating did not change the topic: a follow-up is still about marriage.
    ask(page, "mất bao lâu")
    sync_api.expect(bot_messages(page).last).to_contain_text(
        f"mã {MARRIAGE}", timeout=ANSWER_TIMEOUT
    )


def test_a_dropped_connection_is_announced_and_the_message_still_answered(page) -> None:
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    page.context.set_offline(True)
    ask(page, "đăng ký khai sinh nộp ở đâu")
    status = page.get_by_role("status")
    sync_api.expect(status).to_contain_text("Đang thử kết nối lại", timeout=10_000)
    page.context.set_offline(False)
    sync_api.expect(bot_messages(page).last).to_contain_text(f"mã {BIRTH}", timeout=ANSWER_TIMEOUT)
    sync_api.expect(status).to_contain_text("Đã kết nối lại")
    assert bot_messages(page).filter(has_text=f"mã {BIRTH}").count() == 1


def test_a_long_kept_transcript_still_shows_each_new_answer_from_its_start(page) -> None:
    old = [
        {"from": "user" if i % 2 == 0 else "bot", "text": f"tin nhắn cũ số {i}", "buttons": []}
        for i in range(200)
    ]
    page.evaluate(
        """entries => {
            const server = document.querySelector('script[data-server]').dataset.server;
            localStorage.setItem('tthc-widget:v1:' + server, JSON.stringify(
                {sender: 'a1b2c3d4e5f60718293a', entries, open: true, outbox: []}));
        }""",
        old,
    )
    page.reload()
    ask(page, "lệ phí đăng ký khai sinh bao nhiêu")
    entries = page.locator(".tthc-log > li:not(.tthc-greeting)")
    sync_api.expect(entries.last).to_contain_text(f"mã {BIRTH}", timeout=ANSWER_TIMEOUT)
    sync_api.expect(entries.last).to_contain_text("Câu trả lời có hữu ích không?")
    assert entries.count() == 200  # the transcript kept is still the last 200 messages
    sync_api.expect(entries.nth(197)).to_contain_text("tin nhắn cũ số 199")
    # The answer is read from its first message, not scrolled past to its end.
    assert top_within_the_log(page, first_bubble_of_last_answer(page))


def test_keyboard_users_open_type_and_close(page) -> None:
    launcher = page.get_by_role("button", name="Hỏi trợ lý ảo")
    launcher.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "tthc-input"
    page.keyboard.type("xin chào")
    page.keyboard.press("Enter")
    sync_api.expect(bot_messages(page).last).to_contain_text("Bắc Ninh", timeout=ANSWER_TIMEOUT)
    page.keyboard.press("Escape")
    sync_api.expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "Hỏi trợ lý ảo"


def test_on_a_phone_the_chat_fills_the_screen(browser, live) -> None:
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(live.app_url + "/")
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    ask(page, "lam ho chieu het bao nhieu tien")
    sync_api.expect(bot_messages(page).last).to_be_visible(timeout=ANSWER_TIMEOUT)
    box = page.get_by_role("dialog").bounding_box()
    assert box and box["width"] <= 375 and box["x"] >= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "widget-phone.png")
    context.close()


def test_the_chat_opens_with_a_greeting_and_suggested_questions(phone) -> None:
    phone.get_by_role("button", name="Hỏi trợ lý ảo").click()
    greeting = phone.locator(".tthc-log > li").first
    sync_api.expect(greeting).to_contain_text("Xin chào anh/chị")
    sync_api.expect(greeting).to_contain_text("Bắc Ninh")
    assert top_within_the_log(phone, greeting)  # read from its first line
    chips = phone.get_by_role("group", name="Câu hỏi gợi ý").get_by_role("button")
    sync_api.expect(chips).to_have_count(len(SUGGESTED))
    assert chips.all_inner_texts() == SUGGESTED
    sync_api.expect(phone.get_by_role("dialog")).to_contain_text("chỉ để tham khảo")
    screenshot(phone, "widget-greeting-375.png", docs=True)


def test_the_greeting_and_suggestions_show_while_rasa_is_starting(page) -> None:
    page.route("**/webhooks/portal/", lambda route: route.abort("connectionrefused"))
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("Trợ lý đang khởi động")
    chips = page.get_by_role("group", name="Câu hỏi gợi ý").get_by_role("button")
    sync_api.expect(chips).to_have_count(len(SUGGESTED))


def test_a_question_sent_while_rasa_is_starting_is_answered_when_it_is_ready(page) -> None:
    posted: list[str] = []
    page.on(
        "request",
        lambda request: posted.append(request.url) if request.method == "POST" else None,
    )
    page.route("**/webhooks/portal/", lambda route: route.abort("connectionrefused"))
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    ask(page, "lệ phí đăng ký khai sinh bao nhiêu")
    status = page.get_by_role("status")
    sync_api.expect(status).to_contain_text("sẽ được gửi ngay khi trợ lý sẵn sàng")
    page.wait_for_timeout(2500)  # a poll or two: still starting, nothing sent
    assert posted == []
    page.unroute("**/webhooks/portal/")  # Rasa has loaded its model
    sync_api.expect(bot_messages(page).last).to_contain_text(f"mã {BIRTH}", timeout=ANSWER_TIMEOUT)
    assert bot_messages(page).filter(has_text=f"mã {BIRTH}").count() == 1
    assert "khởi động" not in page.locator(".tthc-status").text_content()


def test_a_suggested_question_is_sent_as_the_citizens_message_and_answered(phone) -> None:
    phone.get_by_role("button", name="Hỏi trợ lý ảo").click()
    phone.get_by_role("button", name="Lệ phí đăng ký kết hôn bao nhiêu?").click()
    sync_api.expect(phone.locator(".tthc-user").last).to_have_text(
        re.compile("Lệ phí đăng ký kết hôn bao nhiêu\\?")
    )
    answer = bot_messages(phone).last
    sync_api.expect(answer).to_contain_text(f"mã {MARRIAGE}", timeout=ANSWER_TIMEOUT)
    sync_api.expect(answer).to_contain_text("Câu trả lời có hữu ích không?")
    answer.get_by_role("button", name="Hữu ích", exact=True).scroll_into_view_if_needed()
    screenshot(phone, "widget-answer-375.png", docs=True)


def test_rating_buttons_are_words_and_drawn_icons_not_emoji(page) -> None:
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    ask(page, "lệ phí đăng ký kết hôn bao nhiêu")
    answer = bot_messages(page).last
    sync_api.expect(answer).to_contain_text(f"mã {MARRIAGE}", timeout=ANSWER_TIMEOUT)
    rating = answer.get_by_role("group", name="Câu trả lời có hữu ích không?")
    good = rating.get_by_role("button", name="Hữu ích", exact=True)
    bad = rating.get_by_role("button", name="Chưa hữu ích", exact=True)
    sync_api.expect(good).to_be_visible()
    sync_api.expect(bad).to_be_visible()
    assert good.locator("svg").count() == 1 and bad.locator("svg").count() == 1
    assert not EMOJI.search(rating.inner_text())


def test_a_long_answer_is_shown_from_its_start(phone) -> None:
    phone.get_by_role("button", name="Hỏi trợ lý ảo").click()
    phone.get_by_role("button", name="Đăng ký thường trú cần những giấy tờ gì?").click()
    last = bot_messages(phone).last
    sync_api.expect(last).to_contain_text("Câu trả lời có hữu ích không?", timeout=ANSWER_TIMEOUT)
    first = first_bubble_of_last_answer(phone)
    sync_api.expect(first).to_contain_text(f"mã {RESIDENCE}")
    log = phone.locator(".tthc-log")
    answer_height = phone.evaluate(
        """first => {
            const items = [...document.querySelectorAll('.tthc-log > li')];
            const end = items[items.length - 1].getBoundingClientRect().bottom;
            return end - first.getBoundingClientRect().top;
        }""",
        first.element_handle(),
    )
    assert answer_height > log.bounding_box()["height"], "the answer fits: not a long one"
    assert top_within_the_log(phone, first)
    sync_api.expect(first.locator(".tthc-text p").first).to_be_in_viewport()


def test_a_long_web_address_is_shown_as_its_site(page) -> None:
    address = (
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1"
    )
    body = json.dumps({"text": f"Chi tiết trên Cổng dịch vụ công: {address}"}) + "\n"
    answer_every_message_with(page, body)
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    ask(page, "xem chi tiết ở đâu")
    link = bot_messages(page).last.get_by_role("link")
    sync_api.expect(link).to_have_attribute("href", address)
    sync_api.expect(link).to_have_text(re.compile("^dichvucong.gov.vn"))
    assert address not in bot_messages(page).last.inner_text()


def test_deleting_the_conversation_clears_it_once_the_server_has(page, live) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    ask(page, "đăng ký khai sinh mất bao lâu")
    sync_api.expect(bot_messages(page).last).to_contain_text(f"mã {BIRTH}", timeout=ANSWER_TIMEOUT)
    sender = page.evaluate(
        "Object.keys(localStorage).map(k => JSON.parse(localStorage[k]).sender)[0]"
    )
    page.get_by_role("button", name="Xóa cuộc trò chuyện").click()
    sync_api.expect(page.get_by_role("status")).to_contain_text("Đã xóa cuộc trò chuyện")
    assert bot_messages(page).count() == 0
    assert (
        page.evaluate("Object.keys(localStorage).map(k => JSON.parse(localStorage[k]).sender)[0]")
        is None
    )
    import sqlite3

    with sqlite3.connect(live.settings.data_dir / "trackers.sqlite3") as db:
        rows = db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ?", (f"portal:{sender.split('.')[0]}",)
        ).fetchone()[0]
    assert rows == 0


def test_the_widget_says_what_is_kept_of_what_citizens_type(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Hỏi trợ lý ảo").click()
    note = page.locator(".tthc-note")
    sync_api.expect(note).to_contain_text("được che đi trước khi lưu")
    sync_api.expect(note).to_contain_text("được lưu 90 ngày kể từ tin nhắn cuối")
