"""The shared normaliser: runs in both environments, with the standard library only."""

import subprocess
import sys
import unicodedata

import pytest

from vntext.normalization import fold_diacritics, has_diacritics, normalize


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hoá đơn", "hóa đơn"),
        ("thuỷ sản", "thủy sản"),
        ("Hoà Bình", "Hòa Bình"),
        ("sức khoẻ", "sức khỏe"),
        ("ngoài giờ", "ngoài giờ"),
        ("quá hạn", "quá hạn"),
        ("giấy tờ gì", "giấy tờ gì"),
        ("thuyền viên", "thuyền viên"),
    ],
)
def test_tone_marks_are_placed_one_way(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


def test_decomposed_unicode_is_composed() -> None:
    decomposed = "Đăng ký kết hôn".encode().decode()
    assert normalize(unicodedata.normalize("NFD", decomposed)) == "Đăng ký kết hôn"


def test_whitespace_is_collapsed() -> None:
    assert normalize("  làm   căn cước\n\tcần gì ") == "làm căn cước cần gì"


def test_folding_removes_every_vietnamese_mark() -> None:
    assert fold_diacritics("Đăng ký khai sinh cho con") == "Dang ky khai sinh cho con"


def test_text_typed_without_diacritics_is_recognised() -> None:
    assert not has_diacritics("lam giay khai sinh can gi")
    assert has_diacritics("làm giấy khai sinh")


def test_shared_code_imports_nothing_heavy() -> None:
    probe = (
        "import sys, vntext.normalization; "
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        .stdout.strip()
        .split(",")
    )
    assert not loaded & {"torch", "numpy", "sqlalchemy", "rasa", "underthesea", "pydantic"}
