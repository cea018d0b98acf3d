"""Answers are written only from the record: missing facts are said to be missing."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

import pytest

from actions.answers import answer as compose
from actions.answers import facet_answer, short_name
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
        "source": "dichvucong",
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


TODAY = date(2026, 12, 2)


def answer(
    procedure: ProcedureOut, facet: Facet | list[Facet], profile: DeploymentProfile, **kw: Any
) -> str:
    facets = facet if isinstance(facet, list) else [facet]
    return compose(procedure, facets, profile, today=TODAY, **kw).text


def facet_text(
    procedure: ProcedureOut, facet: Facet, profile: DeploymentProfile, **kw: Any
) -> str | None:
    part = facet_answer(procedure, facet, profile, TODAY, **kw)
    return part.text if part else None


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
    assert facet_text(bare, Facet.fee, profile()) is None


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
    body = facet_text(procedure(documents=documents), Facet.documents, profile())
    assert body == (
        "Hồ sơ gồm:\n"
        "• Tờ khai đăng ký khai sinh (Mẫu tờ khai theo Thông tư 04/2020/TT-BTP; 1 bản chính)\n"
        "• Giấy chứng sinh (1 bản chính)"
    )


def test_a_document_without_template_or_copies_is_its_name_alone() -> None:
    documents = [DossierDocument(name="Giấy tờ tùy thân của người đi khai sinh")]
    body = facet_text(procedure(documents=documents), Facet.documents, profile())
    assert body == "Hồ sơ gồm:\n• Giấy tờ tùy thân của người đi khai sinh"


def test_what_everyone_brings_comes_first_and_the_cases_wait_behind_a_button() -> None:
    documents = [
        DossierDocument(
            name="Trích lục ghi chú ly hôn", copies="1 bản chính", group="Đã ly hôn ở nước ngoài"
        ),
        DossierDocument(name="Tờ khai đăng ký kết hôn", copies="1 bản chính"),
        DossierDocument(name="Giấy xác nhận tình trạng hôn nhân", group="Cư trú ở nơi khác"),
    ]
    first = facet_answer(procedure(documents=documents), Facet.documents, profile(), TODAY)
    assert first is not None and first.more
    assert first.text.startswith("Hồ sơ gồm:\n• Tờ khai đăng ký kết hôn (1 bản chính)")
    assert "Trích lục ghi chú ly hôn" not in first.text
    assert "• Đã ly hôn ở nước ngoài\n• Cư trú ở nơi khác" in first.text


def test_the_full_documents_list_names_each_case() -> None:
    documents = [
        DossierDocument(name="Tờ khai đăng ký kết hôn", copies="1 bản chính"),
        DossierDocument(name="Trích lục ghi chú ly hôn", group="Đã ly hôn ở nước ngoài"),
        DossierDocument(name="Văn bản ủy quyền", group="Trường hợp ủy quyền"),
    ]
    full = facet_text(procedure(documents=documents), Facet.documents, profile(), full=True)
    assert full is not None
    assert full.split("\n\n") == [
        "Hồ sơ gồm:\n• Tờ khai đăng ký kết hôn (1 bản chính)",
        "Trường hợp đã ly hôn ở nước ngoài:\n• Trích lục ghi chú ly hôn",
        "Trường hợp ủy quyền:\n• Văn bản ủy quyền",
    ]


def test_a_case_written_as_a_document_row_is_not_shown_first() -> None:
    documents = [
        DossierDocument(
            name="Trường hợp trẻ em bị bỏ rơi thì phải có biên bản", copies="1 bản chính"
        ),
        DossierDocument(name="Giấy chứng sinh", copies="1 bản chính"),
    ]
    first = facet_text(procedure(documents=documents), Facet.documents, profile())
    assert first is not None
    assert first.startswith("Hồ sơ gồm:\n• Giấy chứng sinh (1 bản chính)")
    assert "bỏ rơi" not in first


def test_the_first_documents_message_fits_one_screen() -> None:
    documents = [
        DossierDocument(
            name=f"Giấy tờ số {n} " + "kèm theo giải thích dài " * 8, copies="1 bản chính"
        )
        for n in range(1, 30)
    ]
    first = facet_answer(procedure(documents=documents), Facet.documents, profile(), TODAY)
    assert first is not None and first.more
    assert len(first.text) <= 1200
    assert first.text.count("• ") <= 8


PROXY = (
    "Văn bản ủy quyền theo quy định của pháp luật trong trường hợp ủy quyền. Trường hợp người "
    "được ủy quyền là cha, mẹ, con của người ủy quyền thì văn bản ủy quyền không phải chứng thực"
)


def asked_about_the_proxy(documents: list[DossierDocument]) -> str | None:
    """The documents answer to a citizen asking whether the proxy letter must be notarised."""
    return facet_text(
        procedure(documents=documents),
        Facet.documents,
        profile(),
        question="nhờ mẹ đi xin hộ có phải làm giấy ủy quyền công chứng ko",
    )


def test_a_document_the_citizen_asks_about_comes_first_and_whole() -> None:
    documents = [
        DossierDocument(name="Tờ khai theo mẫu", copies="1 bản chính"),
        DossierDocument(name=PROXY, copies="1 bản chính"),
    ]
    first = asked_about_the_proxy(documents)
    assert first is not None
    assert first == (
        f"Về giấy tờ anh/chị hỏi:\n• {PROXY} (1 bản chính)\n\n"
        "Ngoài các giấy tờ trên, hồ sơ còn gồm:\n• Tờ khai theo mẫu (1 bản chính)"
    )


def test_a_quoted_document_under_the_portals_title_is_not_listed_again() -> None:
    documents = [
        DossierDocument(name="Tờ khai theo mẫu", group="Giấy tờ phải nộp:"),
        DossierDocument(name=PROXY, group="Giấy tờ phải nộp:"),
        DossierDocument(name="Trường hợp người nước ngoài: hộ chiếu", group="Trường hợp khác"),
    ]
    first = asked_about_the_proxy(documents)
    assert first is not None
    assert first.count("Văn bản ủy quyền") == 1
    assert "Ngoài các giấy tờ trên, hồ sơ còn gồm:\nGiấy tờ phải nộp:\n• Tờ khai" in first
    assert "(1 mục)" in first  # the case's document, not the quoted one, is still to see


def test_a_general_documents_question_gets_the_list_alone() -> None:
    documents = [DossierDocument(name="Tờ khai theo mẫu"), DossierDocument(name=PROXY)]
    first = facet_text(
        procedure(documents=documents), Facet.documents, profile(), question="cần giấy tờ gì ạ"
    )
    assert first is not None and first.startswith("Hồ sơ gồm:")


def test_the_step_the_citizen_asks_about_comes_first() -> None:
    steps = [
        "Bước 1: Nộp hồ sơ tại Ủy ban nhân dân cấp xã",
        "Bước 2: Hai bên nam, nữ phải có mặt khi đăng ký kết hôn; ký vào Sổ đăng ký kết hôn",
    ]
    body = facet_text(
        full_procedure(steps=steps),
        Facet.steps,
        profile(),
        question="lúc ký thì có cần cả hai đứa cùng có mặt không",
    )
    assert body == (
        "Về điều anh/chị hỏi, theo trình tự thực hiện:\n"
        "• Bước 2: Hai bên nam, nữ phải có mặt khi đăng ký kết hôn\n\n"
        f"Các bước thực hiện:\n1. {steps[0]}\n2. {steps[1]}"
    )


def test_a_procedure_without_documents_says_they_are_missing() -> None:
    text = answer(procedure(), Facet.documents, profile())
    assert "chưa có thông tin về thành phần hồ sơ" in text


# -- Fees and time limits per channel ----------------------------------------------------


def test_a_fee_identical_on_every_channel_is_said_once() -> None:
    channels = [channel(name, "20.000 đồng/lần") for name in ("Trực tiếp", "Trực tuyến")]
    assert facet_text(procedure(channels=channels), Facet.fee, profile()) == (
        "Phí, lệ phí: 20.000 đồng/lần"
    )


def test_different_fees_are_said_in_one_line_with_their_channels() -> None:
    channels = [
        channel("Trực tiếp", "20,000 Việt Nam Đồng"),
        channel("Trực tuyến", "10,000 Việt Nam Đồng"),
        channel("Dịch vụ bưu chính", "20,000 Việt Nam Đồng"),
    ]
    assert facet_text(procedure(channels=channels), Facet.fee, profile()) == (
        "Phí, lệ phí: 20.000 đồng khi nộp trực tiếp hoặc qua bưu chính; "
        "10.000 đồng khi nộp trực tuyến."
    )


def test_a_free_cell_whose_note_names_amounts_states_the_amounts() -> None:
    fee = "Miễn phí (Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)"
    text = facet_text(procedure(channels=[channel("Trực tiếp", fee)]), Facet.fee, profile())
    assert text == "Phí, lệ phí: Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần"


def test_a_free_cell_whose_note_names_a_circular_is_not_called_free() -> None:
    fee = "Miễn phí (Thực hiện theo Thông tư số 244/2016/TT-BTC ngày 11/11/2016 của Bộ Tài chính.)"
    text = facet_text(procedure(channels=[channel("Trực tiếp", fee)]), Facet.fee, profile())
    assert text is not None
    assert "Thông tư 244/2016/TT-BTC" in text
    assert "không ghi số tiền" in text
    assert "không thu" not in text


def test_a_fee_set_by_the_provincial_council_says_so() -> None:
    fee = "Miễn phí (Mức thu theo quy định của Hội đồng nhân dân cấp tỉnh)"
    text = facet_text(procedure(channels=[channel("Trực tiếp", fee)]), Facet.fee, profile())
    assert text is not None and "do Hội đồng nhân dân cấp tỉnh quy định" in text


def test_free_is_said_only_when_nothing_names_an_amount_or_a_rule() -> None:
    text = facet_text(
        procedure(channels=[channel("Trực tiếp", "Miễn phí (Không)")]), Facet.fee, profile()
    )
    assert text == "Phí, lệ phí: miễn phí, không thu phí hay lệ phí"


def test_a_fee_that_cannot_be_read_is_quoted_as_written() -> None:
    fee = "10 USD (/lần)"
    text = facet_text(procedure(channels=[channel("Trực tiếp", fee)]), Facet.fee, profile())
    assert text is not None
    assert "“10 USD (/lần)”" in text and "không thu" not in text


def test_a_fee_some_channels_lack_is_said_with_its_channels() -> None:
    channels = [channel("Trực tiếp", "50.000 đồng"), channel("Trực tuyến")]
    text = facet_text(procedure(channels=channels), Facet.fee, profile())
    assert text == "Phí, lệ phí: 50.000 đồng khi nộp trực tiếp."


def test_a_rate_that_starts_later_says_from_when() -> None:
    fee = "50.000 đồng đến hết ngày 31/12/2026, từ ngày 01/01/2027 là 100.000 đồng"
    text = facet_text(procedure(channels=[channel("Trực tiếp", fee)]), Facet.fee, profile())
    assert text is not None
    assert "50.000 đồng (áp dụng đến hết ngày 31/12/2026)" in text
    assert "100.000 đồng (áp dụng từ ngày 01/01/2027)" in text


def test_a_unit_found_in_the_records_text_is_said_with_where_it_came_from() -> None:
    recovered = SubmissionChannel(
        channel="Trực tiếp", processing_time="5", time_unit="Ngày làm việc"
    )
    text = facet_text(procedure(channels=[recovered]), Facet.processing_time, profile())
    assert text is not None and text.startswith("Thời hạn giải quyết: 5 ngày làm việc (đơn vị theo")


def test_the_source_is_the_province_for_its_own_records() -> None:
    own = full_procedure(source="manual")
    assert answer(own, Facet.fee, profile()).endswith(
        "Nguồn: cơ sở dữ liệu thủ tục của tỉnh Bắc Ninh (mã 1.001193)."
    )


def test_an_expired_rate_is_dropped_and_a_current_one_keeps_its_end_date() -> None:
    fee = (
        "Miễn phí (Lệ phí: 135.000 đồng/lần; nộp trực tuyến: 115.000 đồng/lần "
        "từ ngày 01/12/2023 đến hết ngày 31/12/2025; 25.000 đồng/tem áp dụng đến hết "
        "ngày 31/12/2026)"
    )
    text = facet_text(procedure(channels=[channel("Trực tuyến", fee)]), Facet.fee, profile())
    assert text is not None
    assert "135.000 đồng/lần" in text
    assert "115.000" not in text
    assert "25.000 đồng/tem (áp dụng đến hết ngày 31/12/2026)" in text


def test_amounts_are_written_with_dots_and_dong() -> None:
    text = facet_text(
        procedure(channels=[channel("Trực tiếp", "1,500,000 VNĐ")]), Facet.fee, profile()
    )
    assert text == "Phí, lệ phí: 1.500.000 đồng"


def test_a_time_limit_identical_on_every_channel_is_said_once() -> None:
    channels = [
        channel("Trực tiếp", time="3 ngày làm việc"),
        channel("Trực tuyến", time="3 ngày làm việc"),
    ]
    assert facet_text(procedure(channels=channels), Facet.processing_time, profile()) == (
        "Thời hạn giải quyết: 3 ngày làm việc"
    )


def test_different_time_limits_are_said_with_their_channels() -> None:
    channels = [
        channel("Trực tiếp", time="Trong ngày"),
        channel("Dịch vụ bưu chính", time="3 ngày làm việc"),
    ]
    assert facet_text(procedure(channels=channels), Facet.processing_time, profile()) == (
        "Thời hạn giải quyết: Trong ngày khi nộp trực tiếp; 3 ngày làm việc khi nộp qua bưu chính."
    )


def test_a_time_without_its_unit_is_said_to_be_not_stated() -> None:
    text = facet_text(
        procedure(channels=[channel("Trực tiếp", time="1")]), Facet.processing_time, profile()
    )
    assert text is not None
    assert "không ghi rõ thời hạn" in text
    assert digits_besides(text) == []


# -- Several facets in one message -------------------------------------------------------


def test_a_message_asking_fee_and_time_gets_both_one_to_a_message() -> None:
    channels = [channel("Trực tiếp", "50.000 đồng", "5 ngày làm việc")]
    both = compose(
        procedure(channels=channels), [Facet.fee, Facet.processing_time], profile(), TODAY
    )
    first, second = both.messages
    assert first == "Thủ tục đăng ký khai sinh (mã 1.001193)\n\nPhí, lệ phí: 50.000 đồng"
    assert second.startswith("Thời hạn giải quyết: 5 ngày làm việc")
    assert second.endswith("(mã 1.001193).")


# -- Every answer names the procedure and its source -------------------------------------


@pytest.mark.parametrize("facet", list(Facet))
def test_every_answer_names_the_procedure_and_its_code(facet: Facet) -> None:
    text = answer(full_procedure(), facet, profile())
    assert text.startswith("Thủ tục đăng ký khai sinh (mã 1.001193)")


@pytest.mark.parametrize("facet", list(Facet))
def test_every_answer_ends_with_its_source(facet: Facet) -> None:
    text = answer(full_procedure(), facet, profile())
    assert text.endswith("Nguồn: Cổng Dịch vụ công quốc gia (mã 1.001193).")


def test_a_second_answer_on_the_same_procedure_uses_its_short_name() -> None:
    long = full_procedure(name="Cấp lại thẻ căn cước (thực hiện tại cấp xã)", code="1.014064")
    assert answer(long, Facet.fee, profile(), first_mention=False).startswith(
        "Cấp lại thẻ căn cước (mã 1.014064)"
    )
    assert short_name("Đăng ký hộ kinh doanh thực hiện tại cấp xã") == "Đăng ký hộ kinh doanh"


def test_answers_carry_no_raw_links() -> None:
    url = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1"
    for facet in Facet:
        assert "http" not in answer(full_procedure(portal_url=url), facet, profile())


# -- Online submission -------------------------------------------------------------------


def test_a_procedure_with_an_online_channel_can_be_done_online() -> None:
    channels = [
        channel("Trực tiếp"),
        SubmissionChannel(
            channel="Trực tuyến",
            description="Khai tờ khai điện tử trên Cổng Dịch vụ công quốc gia hoặc VNeID.",
        ),
    ]
    body = facet_text(procedure(channels=channels), Facet.online_submission, profile())
    assert body is not None
    assert body.startswith("Thủ tục này nộp trực tuyến được")
    assert "https://dichvucong.bacninh.gov.vn" in body
    assert "Khai tờ khai điện tử trên Cổng Dịch vụ công quốc gia hoặc VNeID." in body


def test_a_procedure_without_an_online_channel_cannot_be_done_online() -> None:
    channels = [channel("Trực tiếp"), channel("Dịch vụ bưu chính"), channel("Trực tiếp")]
    body = facet_text(procedure(channels=channels), Facet.online_submission, profile())
    assert body is not None
    assert "chưa có cách nộp trực tuyến" in body
    assert "nộp trực tuyến được" not in body
    assert body.endswith("Anh/chị có thể nộp theo cách: trực tiếp, qua bưu chính.")


def test_a_procedure_without_channels_says_online_submission_is_missing() -> None:
    text = answer(procedure(), Facet.online_submission, profile())
    assert "chưa có thông tin về cách nộp trực tuyến" in text


def online_in_working_days(days: int, description: str) -> SubmissionChannel:
    """An online channel whose time cell says ``days`` working days."""
    return SubmissionChannel(
        channel="Trực tuyến",
        processing_time=f"{days} Ngày làm việc",
        processing_days=days,
        time_unit="Ngày làm việc",
        description=description,
    )


def test_other_times_in_a_channels_description_are_quoted_under_the_cell() -> None:
    description = (
        "- Nhận hồ sơ từ đơn vị sử dụng lao động: Tối đa 06 ngày làm việc.\n"
        "- Nhận hồ sơ từ người lao động: Tối đa 03 ngày làm việc.\nKhông thu phí"
    )
    online = online_in_working_days(6, description)
    body = facet_text(procedure(channels=[online]), Facet.processing_time, profile())
    assert body == (
        "Thời hạn giải quyết: 6 ngày làm việc\n"
        "Chi tiết theo mô tả trên Cổng Dịch vụ công:\n"
        "• Nhận hồ sơ từ đơn vị sử dụng lao động: Tối đa 06 ngày làm việc\n"
        "• Nhận hồ sơ từ người lao động: Tối đa 03 ngày làm việc"
    )


def test_months_in_a_description_differ_from_as_many_days_in_the_cell() -> None:
    online = online_in_working_days(3, "Trường hợp phải xác minh: không quá 03 tháng")
    body = facet_text(procedure(channels=[online]), Facet.processing_time, profile())
    assert body is not None and body.endswith("• Trường hợp phải xác minh: không quá 03 tháng")


def test_a_description_that_repeats_the_cell_or_gives_dates_adds_nothing() -> None:
    description = "Trong thời hạn 05 ngày làm việc. Thông tư ban hành ngày 14 tháng 11 năm 2016"
    online = online_in_working_days(5, description)
    body = facet_text(procedure(channels=[online]), Facet.processing_time, profile())
    assert body == "Thời hạn giải quyết: 5 ngày làm việc"


def test_how_long_the_result_is_valid_is_not_quoted_as_a_time() -> None:
    description = "Trả kết quả trong 05 ngày làm việc. Giấy phép có thời hạn 05 năm kể từ ngày cấp"
    online = online_in_working_days(5, description)
    body = facet_text(procedure(channels=[online]), Facet.processing_time, profile())
    assert body == "Thời hạn giải quyết: 5 ngày làm việc"


def test_a_time_in_a_sentence_that_also_names_a_validity_is_still_quoted() -> None:
    description = "Trong thời hạn 10 ngày kể từ ngày quyết định có hiệu lực, cơ quan trả kết quả"
    online = online_in_working_days(5, description)
    body = facet_text(procedure(channels=[online]), Facet.processing_time, profile())
    assert body is not None and body.endswith(f"• {description}")


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
    body = facet_text(provincial, Facet.where_to_submit, centre)
    assert body is not None
    assert "Cơ quan thực hiện: Sở Xây dựng" in body
    assert "Cách nộp: trực tiếp, trực tuyến" in body
    assert f"Tại Bắc Ninh, hồ sơ cấp tỉnh nộp ở {centre.service_centre_line}." in body
    assert "số 10 đường Phù Đổng Thiên Vương" in body


def test_a_commune_procedure_names_the_citizens_commune() -> None:
    commune = full_procedure(levels=["Cấp xã"])
    body = facet_text(commune, Facet.where_to_submit, profile(), place="phường Kinh Bắc")
    assert body is not None
    assert "Anh/chị ở phường Kinh Bắc thì nộp tại cơ quan cấp xã của phường Kinh Bắc." in body
    assert SERVICE_CENTRE not in body


def test_where_the_steps_send_the_citizen_is_quoted_not_where_the_agency_sends_it() -> None:
    steps = [
        "- Bước 1:\n+ Công dân đến Công an cấp xã trong cả nước không phụ thuộc vào nơi cư trú "
        "đề nghị cấp đổi thẻ. Cán bộ kiểm tra thông tin. Hệ thống tự động chuyển đề nghị của "
        "công dân đến cơ quan quản lý căn cước",
        "- Bước 2: Nhận kết quả",
    ]
    body = facet_text(full_procedure(steps=steps), Facet.where_to_submit, profile())
    assert body is not None
    assert body.endswith(
        "Theo trình tự thực hiện: Công dân đến Công an cấp xã trong cả nước không phụ thuộc "
        "vào nơi cư trú đề nghị cấp đổi thẻ"
    )


def test_two_sentences_of_the_steps_may_say_where_to_submit() -> None:
    steps = [
        "Cá nhân lập hồ sơ gửi trực tiếp tại Công an cấp xã hoặc Phòng Cảnh sát giao thông",
        "Bước 2: Nộp lệ phí tại quầy thu",
        "Bước 3: Công an cấp xã chuyển hồ sơ đến Phòng Cảnh sát giao thông",
        "Người dân cũng có thể nộp hồ sơ qua Cổng Dịch vụ công",
    ]
    body = facet_text(full_procedure(steps=steps), Facet.where_to_submit, profile())
    assert body is not None
    assert f"Theo trình tự thực hiện:\n• {steps[0]}\n• {steps[3]}" in body


# -- The citizen's deadline -------------------------------------------------------------


def test_a_deadline_question_is_answered_with_the_records_deadline_not_the_processing_time() -> (
    None
):
    death = full_procedure(
        name="Thủ tục đăng ký khai tử",
        documents=[
            DossierDocument(name="Tờ khai đăng ký khai tử"),
            DossierDocument(
                name="- Trong thời hạn 15 ngày kể từ ngày có người chết thì vợ, chồng hoặc "
                "con có trách nhiệm đi đăng ký khai tử."
            ),
        ],
        channels=[channel("Trực tiếp", "Miễn lệ phí", "03 Ngày làm việc")],
    )
    text = facet_text(death, Facet.deadline, profile())
    assert text is not None
    assert "Trong thời hạn 15 ngày kể từ ngày có người chết" in text
    assert "03 Ngày làm việc" not in text


def test_without_a_stated_deadline_the_conditions_are_given_and_said_to_be_so() -> None:
    text = facet_text(full_procedure(), Facet.deadline, profile())
    assert text is not None
    assert "không thấy thông tin thủ tục ghi thời hạn" in text
    assert "Trẻ sinh ra còn sống" in text


def test_without_a_deadline_or_conditions_the_deadline_is_said_to_be_missing() -> None:
    text = answer(procedure(), Facet.deadline, profile())
    assert "chưa có thông tin về thời hạn phải thực hiện" in text
    assert HOTLINE in text
