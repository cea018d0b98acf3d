"""The deployment profile: the province the assistant speaks for, checked at start."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from actions.deployment import DeploymentProfile, load_profile

SHIPPED_PROFILE = Path(__file__).resolve().parents[2] / "tthc" / "deployment.yml"

PROFILE_WITHOUT_HOTLINE = """\
province: Lâm Đồng
portal_url: https://dichvucong.lamdong.gov.vn
service_centre: Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng
"""


def centre(address: str = "", hours: str = "") -> DeploymentProfile:
    return DeploymentProfile(
        province="Bắc Ninh",
        portal_url="https://dichvucong.bacninh.gov.vn",
        hotline="18001096",
        service_centre="Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        service_centre_address=address,
        service_centre_hours=hours,
    )


def test_the_shipped_profile_speaks_for_bac_ninh() -> None:
    assert load_profile(SHIPPED_PROFILE).province == "Bắc Ninh"


def test_the_shipped_profile_has_a_hotline() -> None:
    assert load_profile(SHIPPED_PROFILE).hotline.strip() != ""


def test_a_profile_without_a_hotline_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deployment.yml"
    path.write_text(PROFILE_WITHOUT_HOTLINE, encoding="utf-8")
    with pytest.raises(ValidationError, match="hotline"):
        load_profile(path)


def test_an_empty_hotline_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deployment.yml"
    path.write_text(PROFILE_WITHOUT_HOTLINE + 'hotline: ""\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="hotline"):
        load_profile(path)


def test_the_service_centre_alone_when_address_and_hours_are_unconfirmed() -> None:
    assert centre().service_centre_line == "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"


def test_the_service_centre_line_includes_the_address_when_set() -> None:
    line = centre(address="số 10 đường Phù Đổng Thiên Vương").service_centre_line
    assert line == (
        "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh, địa chỉ số 10 đường Phù Đổng Thiên Vương"
    )


def test_the_service_centre_line_includes_the_hours_when_set() -> None:
    line = centre(hours="giờ hành chính, từ thứ Hai đến thứ Sáu").service_centre_line
    assert line == (
        "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh, "
        "làm việc giờ hành chính, từ thứ Hai đến thứ Sáu"
    )


def test_the_service_centre_line_gives_address_before_hours() -> None:
    line = centre(
        address="số 10 đường Phù Đổng Thiên Vương", hours="sáng thứ Bảy"
    ).service_centre_line
    assert line == (
        "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh, "
        "địa chỉ số 10 đường Phù Đổng Thiên Vương, làm việc sáng thứ Bảy"
    )


def profile_with_questions(questions: list[str]) -> DeploymentProfile:
    return DeploymentProfile(
        province="Bắc Ninh",
        portal_url="https://dichvucong.bacninh.gov.vn",
        hotline="18001096",
        service_centre="Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        suggested_questions=questions,
    )


SUGGESTIONS = [
    "Làm căn cước cho con cần giấy tờ gì?",
    "Lệ phí đăng ký kết hôn bao nhiêu?",
    "Cấp lại giấy phép lái xe mất bao lâu?",
    "Đăng ký hộ kinh doanh nộp ở đâu?",
    "Đăng ký thường trú cần những giấy tờ gì?",
    "Đăng ký khai sinh có làm trực tuyến được không?",
]


def test_the_shipped_profile_suggests_four_to_six_questions() -> None:
    assert 4 <= len(load_profile(SHIPPED_PROFILE).suggested_questions) <= 6


def test_a_profile_without_suggestions_gets_four_default_ones(tmp_path: Path) -> None:
    path = tmp_path / "deployment.yml"
    path.write_text(PROFILE_WITHOUT_HOTLINE + 'hotline: "02633822222"\n', encoding="utf-8")
    assert len(load_profile(path).suggested_questions) == 4


def test_the_shipped_suggestions_are_questions() -> None:
    assert all(q.endswith("?") for q in load_profile(SHIPPED_PROFILE).suggested_questions)


def test_fewer_than_four_suggestions_are_refused() -> None:
    with pytest.raises(ValidationError, match="suggested_questions"):
        profile_with_questions(SUGGESTIONS[:3])


def test_more_than_six_suggestions_are_refused() -> None:
    with pytest.raises(ValidationError, match="suggested_questions"):
        profile_with_questions([*SUGGESTIONS, "Xin giấy phép xây dựng nhà ở cần gì?"])


def test_an_empty_suggestion_is_refused() -> None:
    with pytest.raises(ValidationError, match="empty"):
        profile_with_questions([*SUGGESTIONS[:4], "   "])


def test_a_repeated_suggestion_is_refused() -> None:
    with pytest.raises(ValidationError, match="repeated"):
        profile_with_questions([*SUGGESTIONS[:4], SUGGESTIONS[0]])


def test_a_suggestion_is_kept_on_one_line() -> None:
    profile = profile_with_questions([*SUGGESTIONS[:3], "Đăng ký  thường trú\ncần gì? "])
    assert profile.suggested_questions[3] == "Đăng ký thường trú cần gì?"
