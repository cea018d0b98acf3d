"""Personal data in citizens' messages is masked; what the assistant needs is kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vntext.personal_data import find, mask, without_masks

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests" / "data"


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("số cccd 001099012345 bị mất", "số cccd [số CCCD] bị mất"),
        ("cccd 040 095 001 122 sai tên", "cccd [số CCCD] sai tên"),
        ("gọi em 0912.345.678 nhé", "gọi em [số điện thoại] nhé"),
        ("sdt +84 903 123 456", "sdt [số điện thoại]"),
        ("email an.nguyen@gmail.com", "email [email]"),
        ("stk 0451000123456 vietcombank", "stk [số tài khoản] vietcombank"),
        ("mst 0312345678-001 chi nhánh", "mst [mã số thuế] chi nhánh"),
        ("mã bhxh 0123456789", "mã bhxh [mã số BHXH]"),
        ("xe biển 29A-123.45 bị phạt", "xe biển [biển số] bị phạt"),
        ("cmnd 125678901 còn dùng được không", "cmnd [số CMND] còn dùng được không"),
        ("hộ chiếu C1234567 hết hạn", "hộ chiếu [số hộ chiếu] hết hạn"),
        ("xe máy biển 59-X1 234.56 sang tên", "xe máy biển [biển số] sang tên"),
        ("gọi em qua số 84.912.603.485 nhé", "gọi em qua số [số điện thoại] nhé"),
    ],
)
def test_identifiers_are_masked_with_their_kind(message: str, masked: str) -> None:
    assert mask(message) == masked


@pytest.mark.parametrize(
    "message",
    [
        "hồ sơ 000.00.04.H51-250221-0001 của em đến đâu rồi",  # the look-up needs it
        "lệ phí thủ tục 1.000894 là 200.000 đồng phải không",
        "vốn điều lệ 84.000.000.000 đồng thì lập công ty gì",
        "em sinh ngày 05/06/2001, năm nay 25 tuổi",
        "thửa đất số 125 tờ bản đồ số 12",
        "tôi ở Hồ Chí Minh, muốn làm hộ chiếu",
        "tờ khai đăng ký thường trú lấy ở đâu",
    ],
)
def test_what_the_assistant_needs_and_names_no_one_is_kept(message: str) -> None:
    assert mask(message) == message


def test_a_name_after_the_words_that_introduce_it_is_masked() -> None:
    assert mask("con tôi tên là Lê Minh Khang sinh năm 2020") == (
        "con tôi tên là [họ tên] sinh năm 2020"
    )


def test_a_name_typed_without_diacritics_in_lower_case_is_masked() -> None:
    assert mask("toi ten la tran van hai muon hoi ve so do") == (
        "toi ten la [họ tên] muon hoi ve so do"
    )


def test_a_street_address_is_masked_but_not_the_ward_the_assistant_routes_by() -> None:
    assert mask("nhà em ở số 15 ngõ 42 phố Huế, phường Bạch Đằng") == (
        "nhà em ở [địa chỉ], phường Bạch Đằng"
    )


def test_a_long_message_is_masked_to_its_end() -> None:
    message = "tôi muốn hỏi " * 760 + "số cccd 001099012345, sđt 0912345678"
    masked = mask(message)
    assert "001099012345" not in masked and "0912345678" not in masked
    assert masked.endswith("số cccd [số CCCD], sđt [số điện thoại]")


def test_nothing_is_found_in_an_empty_message() -> None:
    assert find("") == [] and mask("") == ""


@pytest.mark.parametrize(
    "labelled",
    [
        "personal_data_dev.txt",
        "personal_data_heldout.txt",
        "personal_data_heldout2.txt",
        "personal_data_heldout3.txt",
    ],
)
def test_identifiers_are_found_in_the_labelled_messages_as_often_as_promised(
    labelled: str,
) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.personal_data import measure, read

    figures = measure(read(LABELLED / labelled))
    assert figures["identifier_recall"] >= 0.99, figures["missed"]
    assert figures["precision"] >= 0.95, figures["wrong"]


def test_a_contact_the_citizen_gives_is_read_as_if_not_typed() -> None:
    masked = mask("em tên Nguyễn Văn An, sđt 0912345678, email an@gmail.com, khai sinh cần gì")
    assert without_masks(masked) == "em tên , , , khai sinh cần gì"


def test_a_request_to_be_called_back_keeps_its_words() -> None:
    assert without_masks(mask("gọi lại cho tôi số 0912345678")) == "gọi lại cho tôi số"
