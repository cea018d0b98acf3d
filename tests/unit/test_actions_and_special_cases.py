"""Telling variants of one procedure apart: what is done to the object, and for whom."""

from __future__ import annotations

import pytest

from knowledge_base.retrieval.actions import FIRST_TIME, agreement, performed
from knowledge_base.retrieval.lexicon import load_lexicon
from knowledge_base.retrieval.phrases import PhraseTagger

pytestmark = pytest.mark.app


@pytest.fixture(scope="module")
def actions() -> PhraseTagger:
    return PhraseTagger(load_lexicon().actions)


@pytest.fixture(scope="module")
def special_cases() -> PhraseTagger:
    return PhraseTagger(load_lexicon().special_cases)


def test_a_procedure_name_says_its_action(actions: PhraseTagger) -> None:
    assert performed(actions, "Cấp lại giấy phép lái xe") == {"cấp lại"}
    assert performed(actions, "Đổi giấy phép lái xe") == {"đổi"}
    assert performed(actions, "Giải thể doanh nghiệp") == {"giải thể"}


def test_a_name_without_an_action_is_a_first_time_procedure(actions: PhraseTagger) -> None:
    assert performed(actions, "Thủ tục đăng ký kết hôn") == {FIRST_TIME}


def test_cases_listed_late_in_a_name_are_not_its_action(actions: PhraseTagger) -> None:
    name = (
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất "
        "trong các trường hợp chuyển đổi, chuyển nhượng, cho thuê"
    )
    assert "chuyển đổi" not in performed(actions, name)


def test_everyday_words_name_the_action(actions: PhraseTagger) -> None:
    assert actions.tags("bằng lái ô tô sắp hết hạn thì đổi ở đâu") >= {"đổi"}
    assert actions.tags("the bhyt bi mat thi lam sao") == {"cấp lại"}
    assert actions.tags("quán nhà tôi muốn nghỉ bán 3 tháng") == {"tạm ngừng"}


def test_the_longest_phrase_wins(actions: PhraseTagger) -> None:
    assert actions.tags("đăng ký thay đổi người đại diện") == {"thay đổi"}


def test_matching_ignores_diacritics(actions: PhraseTagger) -> None:
    assert actions.tags("giai the cong ty") == actions.tags("giải thể công ty")


def test_a_question_asking_an_action_prefers_procedures_doing_it() -> None:
    asked = frozenset({"đổi", "gia hạn"})
    assert agreement(asked, frozenset({"đổi"})) == 1
    assert agreement(asked, frozenset({"cấp lại"})) == -1


def test_a_question_naming_no_action_prefers_the_first_time_procedure() -> None:
    assert agreement(frozenset(), frozenset({FIRST_TIME})) == 0
    assert agreement(frozenset(), frozenset({"dừng"})) == -1


def test_a_foreign_element_is_a_special_case(special_cases: PhraseTagger) -> None:
    assert special_cases.tags("Thủ tục đăng ký kết hôn có yếu tố nước ngoài") == {"nước ngoài"}
    assert special_cases.tags("lay vo nguoi Han Quoc thi dang ky o dau") == {"nước ngoài"}
    assert special_cases.tags("cưới vợ cần giấy tờ gì") == frozenset()


def test_a_malformed_action_line_is_reported(word_list_folder) -> None:
    actions = word_list_folder / "actions.tsv"
    actions.write_text("cấp lại\tcấp lại\nhết hạn đổi\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actions\.tsv:2"):
        load_lexicon(word_list_folder)
