"""What the Zalo channel sends: split long answers, buttons Zalo can show."""

from __future__ import annotations

import asyncio

import pytest

from connectors.zalo.api import ZaloClient
from connectors.zalo.channel import OfferedButtons, ZaloOutput, zalo_buttons
from connectors.zalo.tokens import Tokens, TokenStore
from tests.fakes.zalo_api import FakeZaloApi

pytestmark = pytest.mark.engine

USER = "2468458835296117922"
CHOICE = '/choose_procedure{"procedure_code": "1.001"}'


def output_for(zalo: FakeZaloApi, tmp_path, buttons: OfferedButtons) -> ZaloOutput:  # type: ignore[no-untyped-def]
    store = TokenStore(tmp_path / "tokens.json", Tokens("access-0", "refresh-0"))
    client = ZaloClient(zalo.app_id, zalo.app_secret, store, zalo.url, zalo.url)
    return ZaloOutput(client, {"user_id": USER}, f"zalo:{USER}", buttons)


def run(output: ZaloOutput, message: dict) -> None:
    async def go() -> None:
        try:
            await output.send_response(f"zalo:{USER}", message)
        finally:
            await output.client.close()

    asyncio.run(go())


def test_an_answer_over_2000_characters_is_sent_as_several_messages(zalo, tmp_path) -> None:
    items = [
        f"• Giấy tờ số {i}: bản sao có chứng thực hoặc bản chính để đối chiếu." for i in range(60)
    ]
    answer = "Hồ sơ gồm:\n" + "\n".join(items)
    run(output_for(zalo, tmp_path, OfferedButtons()), {"text": answer})
    texts = [s["message"]["text"] for s in zalo.sends(USER)]
    assert len(texts) >= 2
    assert all(len(text) <= 2000 for text in texts)
    # Split between list items, never inside one, and nothing lost.
    assert all(line in items or line == "Hồ sơ gồm:" for t in texts for line in t.splitlines())
    assert "\n".join(texts) == answer


def test_clarification_buttons_become_a_zalo_button_template(zalo, tmp_path) -> None:
    buttons = [
        {"title": "Đăng ký thường trú (cấp xã)", "payload": CHOICE},
        {"title": "Cổng dịch vụ công", "payload": "https://dichvucong.gov.vn"},
        {"title": "Gọi tổng đài", "payload": "tel:18001096"},
    ]
    run(
        output_for(zalo, tmp_path, OfferedButtons()),
        {"text": "Anh/chị hỏi thủ tục nào?", "buttons": buttons},
    )
    [sent] = zalo.sends(USER)
    assert sent["message"]["text"] == "Anh/chị hỏi thủ tục nào?"
    assert sent["message"]["attachment"] == {
        "type": "template",
        "payload": {
            "template_type": "button",
            "buttons": [
                {
                    "title": "Đăng ký thường trú (cấp xã)",
                    "type": "oa.query.show",
                    "payload": "Đăng ký thường trú (cấp xã)",
                },
                {
                    "title": "Cổng dịch vụ công",
                    "type": "oa.open.url",
                    "payload": {"url": "https://dichvucong.gov.vn"},
                },
                {
                    "title": "Gọi tổng đài",
                    "type": "oa.open.phone",
                    "payload": {"phone_code": "18001096"},
                },
            ],
        },
    }


def test_a_clicked_button_title_maps_back_to_its_payload(zalo, tmp_path) -> None:
    offered = OfferedButtons()
    run(
        output_for(zalo, tmp_path, offered),
        {"text": "Chọn giúp tôi", "buttons": [{"title": "Cấp đổi căn cước", "payload": CHOICE}]},
    )
    assert offered.resolve(f"zalo:{USER}", "Cấp đổi căn cước") == CHOICE
    assert offered.resolve(f"zalo:{USER}", "lệ phí bao nhiêu") == "lệ phí bao nhiêu"
    assert offered.resolve("zalo:someone-else", "Cấp đổi căn cước") == "Cấp đổi căn cước"


def test_buttons_are_forgotten_once_a_later_message_offers_none(zalo, tmp_path) -> None:
    offered = OfferedButtons()
    output = output_for(zalo, tmp_path, offered)
    offered.remember(f"zalo:{USER}", {"Cấp đổi căn cước": CHOICE})
    run(output, {"text": "Thủ tục: Cấp đổi thẻ căn cước (mã 1.014061)"})
    assert offered.resolve(f"zalo:{USER}", "Cấp đổi căn cước") == "Cấp đổi căn cước"


def test_zalo_shows_at_most_five_buttons_with_short_titles() -> None:
    many = [{"title": f"Thủ tục {i} " + "rất dài " * 30, "payload": f"/x{i}"} for i in range(8)]
    converted, queries = zalo_buttons(many)
    assert len(converted) == 5
    assert all(len(button["title"]) <= 100 for button in converted)
    assert len(queries) == 5
