"""Answers are written only from the record: missing facts are said to be missing."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest

from actions.answers import answer, facet_body
from actions.deployment import DeploymentProfile
from actions.facets import Facet
from knowledge_base.schemas import (
    DossierDocument,
    LegalBasis,
    ProcedureOut,
    SubmissionChannel,
)

HOTLINE = "18001096"
SERVICE_CENTRE = "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"


def profile(**changes: Any) -> DeploymentProfile:
    fields: dict[str, Any] = {
        "province": "Bắc Ninh",
        "portal_url": "https://dichvucong.bacninh.gov.vn",
        "national_portal_url": "https://dichvucong.gov.vn",
        "hotline": HOTLINE,
        "service_centre": SERVICE_CENTRE,
        "service_centre_hours": "giờ hành chính, từ thứ Hai đến thứ Sáu",
    }
    return DeploymentProfile(**{**fields, **changes})


def procedure(**changes: Any) -> ProcedureOut:
    fields: dict[str, Any] = {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "levels": ["Cấp xã"],
        "updated_at": datetime.now(timezone.utc),
        "version": 1,
    }
    return ProcedureOut(**{**fields, **changes})


def channel(name: str, fee: str | None = None, time: str | None = None) -> SubmissionChannel:
    return SubmissionChannel(channel=name, fee=fee, processing_time=time)


def full_procedure(**changes: Any) -> ProcedureOut:
    """A procedure with every facet filled in."""
    fields: dict[str, Any] = {
        "implementing_agency": "Ủy ban nhân dân cấp xã",
        "submission_address": "Bộ phận Một cửa UBND xã",
        "applicants": "Cha, mẹ hoặc người thân thích của trẻ",
        "conditions": "Trẻ sinh ra còn sống",
        "steps": ["Nộp tờ khai", "Nhận Giấy khai sinh"],
        "documents": [DossierDocument(name="Tờ khai đăng ký khai sinh", copies="1 bản chính")],
        "channels": [channel("Trực tiếp", "Miễn lệ phí", "Trong ngày")],
        "legal_bases": [LegalBasis(number="60/2014/QH13", title="Luật Hộ tịch")],
        "result": "Giấy khai sinh",
    }
    return procedure(**{**fields, **changes})


def digits_besides(text: str, *allowed: str) -> list[str]:
    for value in allowed:
        text = text.replace(value, "")
    return re.findall(r"\d", text)


# -- Missing information is said to be missing, never invented -------------------------


@pytest.mark.parametrize("facet", [Facet.fee, Facet.processing_time])
def test_a_procedure_without_channels_says_the_fact_is_missing(facet: Facet) -> None:
    text = answer(procedure(), facet, profile())
    assert "chưa có thông tin" in text
    assert HOTLINE in text


@pytest.mark.parametrize("facet", [Facet.fee, Facet.processing_time])
def test_a_missing_fee_or_time_contains_no_number_besides_code_and_hotline(facet: Facet) -> None:
    text = answer(procedure(), facet, profile())
    assert digits_besides(text, "1.001193", HOTLINE) == []


def test_a_channel_without_a_fee_does_not_count_as_a_fee() -> None:
    bare = procedure(channels=[channel("Trực tiếp", time="5 ngày làm việc")])
    assert facet_body(bare, Facet.fee, profile()) is None


# -- Documents ---------------------------------------------------------------------------


def test_documents_are_bullets_with_template_and_copies() -> None:
    documents = [
        DossierDocument(
            name="Tờ khai đăng ký khai sinh",
            template="Mẫu tờ khai theo Thông tư 04/2020/TT-BTP",
            copies="1 bản chính",
        ),
        DossierDocument(name="Giấy chứng sinh", copies="1 bản chính"),
    ]
    body = facet_body(procedure(documents=documents), Facet.documents, profile())
    assert body == (
        "Hồ sơ gồm:\n"
        "• Tờ khai đăng ký khai sinh (Mẫu tờ khai theo Thông tư 04/2020/TT-BTP; 1 bản chính)\n"
        "• Giấy chứng sinh (1 bản chính)"
    )


def test_a_document_without_template_or_copies_is_its_name_alone() -> None:
    documents = [DossierDocument(name="Giấy tờ tùy thân của người đi khai sinh")]
    body = facet_body(procedure(documents=documents), Facet.documents, profile())
    assert body == "Hồ sơ gồm:\n• Giấy tờ tùy thân của người đi khai sinh"


def test_grouped_documents_get_a_heading_per_case() -> None:
    documents = [
        DossierDocument(name="Tờ khai đăng ký kết hôn", copies="1 bản chính"),
        DossierDocument(
            name="Trích lục ghi chú ly hôn",
            copies="1 bản chính",
            group="Đã ly hôn ở nước ngoài",
        ),
        DossierDocument(name="Giấy xác nhận tình trạng hôn nhân", group="Cư trú ở nơi khác"),
    ]
    body = facet_body(procedure(documents=documents), Facet.documents, profile())
    assert body is not None
    assert body.split("\n\n") == [
        "Hồ sơ gồm:\n• Tờ khai đăng ký kết hôn (1 bản chính)",
        "Trường hợp Đã ly hôn ở nước ngoài:\n• Trích lục ghi chú ly hôn (1 bản chính)",
        "Trường hợp Cư trú ở nơi khác:\n• Giấy xác nhận tình trạng hôn nhân",
    ]


def test_a_procedure_without_documents_says_they_are_missing() -> None:
    text = answer(procedure(), Facet.documents, profile())
    assert "chưa có thông tin về thành phần hồ sơ" in text


# -- Fees and time limits per channel ----------------------------------------------------


def test_a_fee_identical_on_every_channel_is_said_once() -> None:
    channels = [
        channel("Trực tiếp", "Miễn lệ phí"),
        channel("Trực tuyến", "Miễn lệ phí"),
        channel("Dịch vụ bưu chính", "Miễn lệ phí"),
    ]
    body = facet_body(procedure(channels=channels), Facet.fee, profile())
    assert body == "Phí, lệ phí: Miễn lệ phí"


def test_different_fees_are_listed_per_channel() -> None:
    channels = [
        channel("Trực tiếp", "Lệ phí 30.000 đồng"),
        channel("Trực tuyến", "Lệ phí 15.000 đồng"),
    ]
    body = facet_body(procedure(channels=channels), Facet.fee, profile())
    assert body == (
        "Phí, lệ phí theo cách nộp:\n"
        "• Trực tiếp: Lệ phí 30.000 đồng\n"
        "• Trực tuyến: Lệ phí 15.000 đồng"
    )


def test_a_time_limit_identical_on_every_channel_is_said_once() -> None:
    channels = [
        channel("Trực tiếp", time="3 ngày làm việc"),
        channel("Trực tuyến", time="3 ngày làm việc"),
    ]
    body = facet_body(procedure(channels=channels), Facet.processing_time, profile())
    assert body == "Thời hạn giải quyết: 3 ngày làm việc"


def test_different_time_limits_are_listed_per_channel() -> None:
    channels = [
        channel("Trực tiếp", time="Trong ngày"),
        channel("Dịch vụ bưu chính", time="3 ngày làm việc"),
    ]
    body = facet_body(procedure(channels=channels), Facet.processing_time, profile())
    assert body == (
        "Thời hạn giải quyết theo cách nộp:\n"
        "• Trực tiếp: Trong ngày\n"
        "• Dịch vụ bưu chính: 3 ngày làm việc"
    )


# -- Every answer names the procedure and its source -------------------------------------


@pytest.mark.parametrize("facet", list(Facet))
def test_every_answer_names_the_procedure_and_its_code(facet: Facet) -> None:
    text = answer(full_procedure(), facet, profile())
    assert text.startswith("Thủ tục: Thủ tục đăng ký khai sinh (mã 1.001193)")


@pytest.mark.parametrize("facet", list(Facet))
def test_every_answer_links_the_procedure_page_when_there_is_one(facet: Facet) -> None:
    url = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1"
    text = answer(full_procedure(portal_url=url), facet, profile())
    assert text.endswith(f"Chi tiết trên Cổng dịch vụ công: {url}")


@pytest.mark.parametrize("facet", list(Facet))
def test_without_a_page_every_answer_points_to_the_national_portal_and_code(
    facet: Facet,
) -> None:
    text = answer(procedure(), facet, profile())
    assert text.endswith(
        "Chi tiết trên Cổng dịch vụ công quốc gia (https://dichvucong.gov.vn), "
        "tìm theo mã 1.001193."
    )


# -- Online submission -------------------------------------------------------------------


def test_a_procedure_with_an_online_channel_can_be_done_online() -> None:
    channels = [
        channel("Trực tiếp"),
        SubmissionChannel(
            channel="Trực tuyến",
            description="Khai tờ khai điện tử trên Cổng Dịch vụ công quốc gia hoặc VNeID.",
        ),
    ]
    body = facet_body(procedure(channels=channels), Facet.online_submission, profile())
    assert body is not None
    assert body.startswith("Thủ tục này nộp trực tuyến được")
    assert "https://dichvucong.bacninh.gov.vn" in body
    assert "Khai tờ khai điện tử trên Cổng Dịch vụ công quốc gia hoặc VNeID." in body


def test_a_procedure_without_an_online_channel_cannot_be_done_online() -> None:
    channels = [channel("Trực tiếp"), channel("Dịch vụ bưu chính"), channel("Trực tiếp")]
    body = facet_body(procedure(channels=channels), Facet.online_submission, profile())
    assert body is not None
    assert "chưa có cách nộp trực tuyến" in body
    assert "nộp trực tuyến được" not in body
    assert body.endswith("Anh/chị có thể nộp theo cách: Trực tiếp, Dịch vụ bưu chính.")


def test_a_procedure_without_channels_says_online_submission_is_missing() -> None:
    text = answer(procedure(), Facet.online_submission, profile())
    assert "chưa có thông tin về cách nộp trực tuyến" in text


# -- Where to submit ---------------------------------------------------------------------


def test_a_provincial_procedure_is_submitted_at_the_service_centre() -> None:
    provincial = procedure(
        code="1.001612",
        name="Cấp lại giấy phép lái xe",
        levels=["Cấp tỉnh"],
        implementing_agency="Sở Xây dựng",
        channels=[channel("Trực tiếp"), channel("Trực tuyến")],
    )
    centre = profile(service_centre_address="số 10 đường Phù Đổng Thiên Vương")
    body = facet_body(provincial, Facet.where_to_submit, centre)
    assert body is not None
    assert "Cơ quan thực hiện: Sở Xây dựng" in body
    assert "Cách nộp: Trực tiếp, Trực tuyến" in body
    assert f"Tại Bắc Ninh, hồ sơ cấp tỉnh nộp ở {centre.service_centre_line}." in body
    assert "số 10 đường Phù Đổng Thiên Vương" in body


def test_a_commune_procedure_names_the_citizens_commune() -> None:
    commune = full_procedure(levels=["Cấp xã"])
    body = facet_body(commune, Facet.where_to_submit, profile(), place="phường Kinh Bắc")
    assert body is not None
    assert "Anh/chị ở phường Kinh Bắc thì nộp tại cơ quan cấp xã của phường Kinh Bắc." in body
    assert SERVICE_CENTRE not in body
