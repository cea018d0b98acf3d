"""Follow-ups ("mất bao lâu?") are told apart from questions that name a procedure."""

from __future__ import annotations

import pytest

from actions.question_wording import (
    asks_for_a_person,
    asks_the_same_of_another,
    names_no_procedure,
    search_query,
)


@pytest.mark.parametrize(
    "message",
    [
        "mất bao lâu?",
        "còn lệ phí?",
        "nộp ở đâu ạ",
        "hồ sơ gồm những gì",
        "can giay to gi a",
        "có nộp online được không",
        "thế còn các bước thì sao",
        "nhận kết quả ở đâu",
        "ket qua tra khi nao",
    ],
)
def test_question_words_alone_are_a_follow_up(message: str) -> None:
    assert names_no_procedure(message)


@pytest.mark.parametrize(
    "message",
    [
        "làm căn cước mất bao lâu?",
        "lam ho chieu o dau",
        "thế còn hộ chiếu thì sao",
        "cho em hỏi thủ tục làm sổ đỏ thế nào ạ",
        "đăng ký kết hôn cần giấy tờ gì",
        # Bare "ket hon" is also "kết"+"hơn": still a procedure.
        "dang ky ket hon can giay to gi",
    ],
)
def test_a_procedure_named_in_the_message_is_noticed(message: str) -> None:
    assert not names_no_procedure(message)


def test_question_phrases_are_left_out_of_the_search() -> None:
    # "mất" alone means "lost" and would find "cấp lại ... bị mất".
    assert search_query("làm căn cước mất bao lâu?") == "làm căn cước"
    assert search_query("lam can cuoc mat bao lau") == "lam can cuoc"


def test_what_happened_to_a_document_stays_in_the_search() -> None:
    assert search_query("gplx bị mất") == "gplx bị mất"
    assert search_query("bằng lái hết hạn rồi") == "bằng lái hết hạn"


@pytest.mark.parametrize(
    "message",
    ["còn tạm trú thì sao?", "thế còn khai tử?", "con ho chieu thi sao", "hộ chiếu thì thế nào"],
)
def test_asking_the_same_of_another_procedure_is_recognised(message: str) -> None:
    assert asks_the_same_of_another(message)


def test_a_new_question_is_not_taken_for_the_same_of_another() -> None:
    assert not asks_the_same_of_another("đăng ký tạm trú cần giấy tờ gì")


@pytest.mark.parametrize(
    "message",
    [
        "cho tôi gặp cán bộ",
        "so hotline la bao nhieu",
        "toi k muon noi voi bot",
        "để lại số điện thoại để cán bộ gọi lại",
        "đường dây nóng là số mấy",
    ],
)
def test_a_message_naming_a_person_or_a_way_to_reach_one_asks_for_a_person(message: str) -> None:
    assert asks_for_a_person(message)


@pytest.mark.parametrize(
    "message",
    [
        "nhà tôi tranh chấp ranh giới với hàng xóm, muốn nhờ xã hòa giải thì nộp đơn ở đâu",
        "lan dau xuong tau lam thuyen vien, dang ky so thuyen vien het bao nhieu tien",
        "mua xe máy cũ thì sang tên ở đâu",
    ],
)
def test_a_story_about_a_procedure_does_not_ask_for_a_person(message: str) -> None:
    assert not asks_for_a_person(message)
