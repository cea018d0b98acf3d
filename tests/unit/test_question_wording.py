"""Follow-ups ("mất bao lâu?") are told apart from questions that name a procedure."""

from __future__ import annotations

import pytest

from actions.question_wording import names_no_procedure, search_query


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
