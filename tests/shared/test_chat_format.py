"""Answers fit chat: at most 2,000 characters a message, split where the text breaks."""

from __future__ import annotations

from vntext.chat_format import MAX_MESSAGE_CHARS, split_message


def test_a_short_answer_is_one_message() -> None:
    assert split_message("Lệ phí: 50.000 đồng") == ["Lệ phí: 50.000 đồng"]


def test_a_long_list_is_split_between_items_and_loses_nothing() -> None:
    items = [f"• Giấy tờ số {i}: bản sao có chứng thực giấy tờ tùy thân" for i in range(80)]
    text = "Hồ sơ gồm:\n" + "\n".join(items)
    messages = split_message(text)
    assert len(messages) > 1
    assert all(len(m) <= MAX_MESSAGE_CHARS for m in messages)
    assert all(line in items or line == "Hồ sơ gồm:" for m in messages for line in m.split("\n"))
    assert "\n".join(messages) == text


def test_a_long_paragraph_is_split_between_sentences() -> None:
    text = " ".join(f"Câu thứ {i} mô tả một bước của thủ tục." for i in range(120))
    messages = split_message(text)
    assert all(len(m) <= MAX_MESSAGE_CHARS for m in messages)
    assert all(m.endswith(".") for m in messages)
    assert " ".join(messages) == text


def test_text_without_any_boundary_is_still_cut_to_the_limit() -> None:
    messages = split_message("x" * 4500)
    assert [len(m) for m in messages] == [2000, 2000, 500]


def test_empty_text_gives_no_message() -> None:
    assert split_message("  ") == []
