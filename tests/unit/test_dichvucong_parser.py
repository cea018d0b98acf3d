"""Parsing the national portal export: flattened tables cut back into rows, issues not errors.

The unit cases use small strings written for these tests in the portal's flattened shape; the
tests at the end run over the real crawl in ../shared/data and skip when it is absent.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from knowledge_base.importers.dichvucong import (
    fee_vnd,
    parse_channels,
    parse_documents,
    parse_legal_bases,
    parse_record,
    parse_result,
    parse_steps,
)
from knowledge_base.importers.errors import RecordError
from knowledge_base.schemas import ProcedureIn

pytestmark = pytest.mark.app

NATIONAL_FILE = (
    Path(__file__).parents[2].parent
    / "shared"
    / "data"
    / "procedures"
    / "dichvucong-national.jsonl"
)

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"


def record(**overrides: str) -> dict[str, str]:
    """A made-up procedure in the portal's export shape; fields can be replaced per test."""
    base = {
        "ma_thu_tuc": "9.100001",
        "detail_url": "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/test-9100001",
        "ten_thu_tuc": "Cấp thẻ đọc thư viện công cộng",
        "so_quyet_dinh": "123/QĐ-BVH",
        "cap_thuc_hien": "Cấp tỉnh, Cấp xã",
        "loai_thu_tuc": "TTHC được giao luật quy định chi tiết",
        "linh_vuc": "Thư viện",
        "doi_tuong_thuc_hien": "Công dân Việt Nam",
        "co_quan_co_tham_quyen": "Ủy ban nhân dân cấp tỉnh",
        "dia_chi_tiep_nhan": "",
        "co_quan_duoc_uy_quyen": "",
        "co_quan_phoi_hop": "",
        "thu_tuc_lien_quan": "Không có thông tin",
        "trinh_tu_thuc_hien": "Bước 1: Điền phiếu đăng ký.\nBước 2: Nhận thẻ tại quầy.",
        "cach_thuc_thuc_hien": CHANNEL_HEADER + "Trực tiếp3 Ngày làm việcMiễn phí",
        "thanh_phan_ho_so": "--" + DOC_HEADER + "Phiếu đăng ký làm thẻ1 bản chính",
        "can_cu_phap_ly": LEGAL_HEADER + "Luật Thư viện46/2019/QH14",
        "co_quan_thuc_hien": "Thư viện tỉnh",
        "yeu_cau_dieu_kien": "Không có thông tin",
        "ket_qua_xu_ly": "Thẻ thư việnMã: KQ.G99.000001Từ khóaKhông có thông tin"
        "Mô tảKhông có thông tin",
        "raw_text": "",
    }
    base.update(overrides)
    return base


def issue_pairs(issues: list[Any]) -> list[tuple[str, str]]:
    return [(issue.field, issue.reason) for issue in issues]


# --------------------------------------------------------------------------- whole record


def test_record_without_code_is_rejected() -> None:
    with pytest.raises(RecordError, match="ma_thu_tuc"):
        parse_record(record(ma_thu_tuc="  "))


def test_record_without_name_is_rejected() -> None:
    with pytest.raises(RecordError, match="ten_thu_tuc"):
        parse_record(record(ten_thu_tuc="Không có thông tin"))


def test_record_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(RecordError):
        parse_record(["9.100001", "Cấp thẻ"])  # type: ignore[arg-type]


def test_record_becomes_a_procedure_from_the_portal() -> None:
    procedure, issues = parse_record(record())
    assert isinstance(procedure, ProcedureIn)
    assert procedure.code == "9.100001"
    assert procedure.source == "dichvucong"
    assert procedure.portal_url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/test-9100001"
    assert issues == []


def test_scalar_fields_are_mapped_to_their_names() -> None:
    procedure, _ = parse_record(record(dia_chi_tiep_nhan="Số 1 đường Hoa Sữa"))
    assert procedure.field == "Thư viện"
    assert procedure.applicants == "Công dân Việt Nam"
    assert procedure.competent_authority == "Ủy ban nhân dân cấp tỉnh"
    assert procedure.implementing_agency == "Thư viện tỉnh"
    assert procedure.submission_address == "Số 1 đường Hoa Sữa"
    assert procedure.decision_number == "123/QĐ-BVH"
    assert procedure.procedure_type == "TTHC được giao luật quy định chi tiết"


def test_levels_are_split_on_commas() -> None:
    procedure, _ = parse_record(record(cap_thuc_hien="Cấp bộ, Cấp tỉnh, Cấp xã"))
    assert procedure.levels == ["Cấp bộ", "Cấp tỉnh", "Cấp xã"]


def test_no_information_placeholder_and_empty_become_none() -> None:
    procedure, _ = parse_record(record(yeu_cau_dieu_kien="Không có thông tin", linh_vuc=" "))
    assert procedure.conditions is None
    assert procedure.field is None
    assert procedure.related_procedures is None


def test_text_is_normalised_to_nfc_and_trimmed() -> None:
    decomposed = unicodedata.normalize("NFD", "  Cấp thẻ đọc thư viện  ")
    procedure, _ = parse_record(record(ten_thu_tuc=decomposed))
    assert procedure.name == "Cấp thẻ đọc thư viện"
    assert unicodedata.is_normalized("NFC", procedure.name)


def test_decomposed_table_still_splits() -> None:
    table = unicodedata.normalize("NFD", CHANNEL_HEADER + "Trực tuyến2 Ngày làm việcMiễn phí")
    channels, _ = parse_channels(table)
    assert [c.channel for c in channels] == ["Trực tuyến"]


def test_same_issue_is_reported_once_per_record() -> None:
    table = CHANNEL_HEADER + "Trực tuyến4Miễn phíTrực tiếp4Miễn phí"
    _, issues = parse_record(record(cach_thuc_thuc_hien=table))
    assert issue_pairs(issues) == [("channels.processing_time", "time limit has no unit")]


def test_field_that_is_not_text_is_reported_and_skipped() -> None:
    raw: dict[str, Any] = record()
    raw["linh_vuc"] = ["Thư viện"]
    procedure, issues = parse_record(raw)
    assert procedure.field is None
    assert issue_pairs(issues) == [("field", "value is not text")]


# --------------------------------------------------------------------------- channels


def test_channel_table_is_split_into_one_row_per_channel() -> None:
    table = (
        CHANNEL_HEADER + "Trực tuyến5 Ngày làm việcMiễn phí"
        "Dịch vụ bưu chính7 Ngày làm việcMiễn phí"
        "Trực tiếp5 Ngày làm việcMiễn phí"
    )
    channels, issues = parse_channels(table)
    assert [c.channel for c in channels] == ["Trực tuyến", "Dịch vụ bưu chính", "Trực tiếp"]
    assert [c.processing_days for c in channels] == [5, 7, 5]
    assert issues == []


@pytest.mark.parametrize(
    ("cell", "days", "unit"),
    [
        ("10 Ngày làm việc", 10, "Ngày làm việc"),
        ("15 Ngày", 15, "Ngày"),
        ("4 Giờ", 4, "Giờ"),
        ("2 Tháng", 2, "Tháng"),
        ("0,5 Ngày làm việc", 0.5, "Ngày làm việc"),
    ],
)
def test_processing_time_gives_number_and_unit(cell: str, days: float, unit: str) -> None:
    channels, _ = parse_channels(f"{CHANNEL_HEADER}Trực tiếp{cell}Miễn phí")
    assert channels[0].processing_time == cell
    assert channels[0].processing_days == days
    assert channels[0].time_unit == unit


def test_time_that_lost_its_unit_keeps_the_number_and_reports_it() -> None:
    channels, issues = parse_channels(CHANNEL_HEADER + "Trực tuyến1Miễn phí")
    assert channels[0].processing_days == 1
    assert channels[0].time_unit is None
    assert channels[0].fee_vnd == 0
    assert ("channels.processing_time", "time limit has no unit") in issues


def test_time_without_unit_running_into_the_amount_is_split() -> None:
    channels, _ = parse_channels(CHANNEL_HEADER + "Trực tiếp160,000 Việt Nam Đồng")
    assert channels[0].processing_days == 1
    assert channels[0].fee == "60,000 Việt Nam Đồng"
    assert channels[0].fee_vnd == 60_000


def test_time_written_in_words_is_kept_as_text() -> None:
    table = (
        CHANNEL_HEADER + "Trực tuyếnTheo lịch hẹn của cơ quanMiễn phíQua cổng"
        "Trực tiếpTheo lịch hẹn của cơ quanMiễn phíTại quầy"
    )
    channels, issues = parse_channels(table)
    assert [c.channel for c in channels] == ["Trực tuyến", "Trực tiếp"]
    assert channels[1].processing_time == "Theo lịch hẹn của cơ quan"
    assert channels[1].processing_days is None
    assert channels[1].description == "Tại quầy"
    assert ("channels.processing_time", "time limit is not a number") in issues


def test_unknown_time_cell_gives_no_time() -> None:
    channels, issues = parse_channels(CHANNEL_HEADER + "Trực tiếpKhông có thông tinMiễn phí")
    assert channels[0].processing_time is None
    assert channels[0].processing_days is None
    assert issues == []


def test_fee_and_its_bracketed_note_are_kept_together() -> None:
    table = CHANNEL_HEADER + "Trực tiếp3 Ngày12,000 VNĐ(12.000 đồng mỗi bản)Nộp tại quầy số 2"
    channels, _ = parse_channels(table)
    assert channels[0].fee == "12,000 VNĐ (12.000 đồng mỗi bản)"
    assert channels[0].description == "Nộp tại quầy số 2"


@pytest.mark.parametrize(
    ("head", "note", "expected"),
    [
        ("10,000 Việt Nam Đồng", None, 10_000),
        ("1,500,000 VNĐ", None, 1_500_000),
        ("300,000 VNĐ", "300.000 đồng lần đầu; 150.000 đồng khi cấp lại", 150_000),
        ("Miễn phí", "Mức thu 5.000 đồng do tỉnh quyết định", 0),
        ("Không", None, 0),
        ("2,000,000 VNĐ", "giảm còn 1,5 triệu đồng đến hết năm", 1_500_000),
        (None, None, None),
    ],
)
def test_fee_vnd_is_the_smallest_amount(head: str | None, note: str | None, expected: int) -> None:
    assert fee_vnd(head, note)[0] == expected


def test_fee_below_one_thousand_dong_is_taken_from_the_note() -> None:
    channels, issues = parse_channels(CHANNEL_HEADER + "Trực tuyến2 Ngày35 VNĐ(35.000 đ/hồ sơ)")
    assert channels[0].fee_vnd == 35_000
    assert ("channels.fee_vnd", "amount below 1,000 VNĐ ignored") in issues


def test_fee_in_dollars_has_no_vnd_amount() -> None:
    channels, issues = parse_channels(CHANNEL_HEADER + "Trực tiếp5 Ngày làm việc20 USD(mỗi lần)")
    assert channels[0].fee == "20 USD (mỗi lần)"
    assert channels[0].fee_vnd is None
    assert ("channels.fee_vnd", "fee only in a foreign currency") in issues


def test_unknown_fee_is_none() -> None:
    channels, issues = parse_channels(CHANNEL_HEADER + "Trực tiếp3 NgàyKhông có thông tin")
    assert channels[0].fee is None
    assert channels[0].fee_vnd is None
    assert issues == []


def test_labelled_fee_is_recognised() -> None:
    channels, _ = parse_channels(CHANNEL_HEADER + "Trực tiếp2 NgàyLệ phí : 25.000 ĐồngTại quầy")
    assert channels[0].fee_vnd == 25_000
    assert channels[0].description == "Tại quầy"


def test_channel_words_inside_a_description_do_not_start_a_row() -> None:
    table = (
        CHANNEL_HEADER + "Trực tuyến4 Ngày làm việcMiễn phíNộp qua cổng. Trực tiếp: "
        "mang bản gốc đến Trực tiếp nhận.Trực tiếp4 Ngày làm việcMiễn phí"
    )
    channels, _ = parse_channels(table)
    assert [c.channel for c in channels] == ["Trực tuyến", "Trực tiếp"]
    assert channels[0].description == "Nộp qua cổng. Trực tiếp: mang bản gốc đến Trực tiếp nhận."


def test_description_with_digits_and_units_stays_whole() -> None:
    table = CHANNEL_HEADER + "Trực tiếp20 NgàyMiễn phí20 ngày, hoặc 30 Ngày nếu cần xác minh"
    channels, _ = parse_channels(table)
    assert len(channels) == 1
    assert channels[0].description == "20 ngày, hoặc 30 Ngày nếu cần xác minh"


def test_unclosed_fee_note_ends_at_the_last_bracket() -> None:
    table = CHANNEL_HEADER + "Trực tiếp3 Ngày50,000 VNĐ(mức thu (xem phụ lục)Nộp tại quầy"
    channels, issues = parse_channels(table)
    assert channels[0].fee == "50,000 VNĐ (mức thu (xem phụ lục)"
    assert channels[0].description == "Nộp tại quầy"
    assert ("channels.fee", "unbalanced parenthesis in fee note") in issues


def test_empty_channel_table_gives_no_channels_and_no_issue() -> None:
    assert parse_channels(CHANNEL_HEADER) == ([], [])


# --------------------------------------------------------------------------- documents


def test_documents_are_split_on_copies_cells() -> None:
    text = (
        "--" + DOC_HEADER + "Đơn đề nghị cấp thẻ1 bản chính"
        "Ảnh chân dung 3x4 cm2 bản chính"
        "Giấy tờ tùy thân0 bản chính,1 bản sao"
    )
    documents, issues = parse_documents(text)
    assert [d.name for d in documents] == [
        "Đơn đề nghị cấp thẻ",
        "Ảnh chân dung 3x4 cm",
        "Giấy tờ tùy thân",
    ]
    assert [d.copies for d in documents] == ["1 bản chính", "2 bản chính", "0 bản chính, 1 bản sao"]
    assert documents[0].group is None
    assert issues == []


def test_copies_written_as_counts_per_kind_are_recognised() -> None:
    text = DOC_HEADER + "Đơn đề nghịBản chính: 1 - Bản sao: 0Sổ hộ khẩuBản chính: 0 - Bản sao: 1"
    documents, _ = parse_documents(text)
    assert [(d.name, d.copies) for d in documents] == [
        ("Đơn đề nghị", "Bản chính: 1 - Bản sao: 0"),
        ("Sổ hộ khẩu", "Bản chính: 0 - Bản sao: 1"),
    ]


def test_template_file_name_is_cut_from_the_document_name() -> None:
    text = DOC_HEADER + "Tờ khai đăng ký theo Mẫu số 02;Mau02-dangky.docx1 bản chính"
    documents, _ = parse_documents(text)
    assert documents[0].name == "Tờ khai đăng ký theo Mẫu số 02"
    assert documents[0].template == "Mau02-dangky.docx"


def test_template_glued_without_punctuation_is_found() -> None:
    text = DOC_HEADER + "Bản kê khai tài sản của hộ gia đìnhMẫu BK01.doc1 bản chính"
    documents, _ = parse_documents(text)
    assert documents[0].name == "Bản kê khai tài sản của hộ gia đình"
    assert documents[0].template == "Mẫu BK01.doc"


def test_template_search_skips_document_numbers_in_the_name() -> None:
    text = DOC_HEADER + "Đơn theo mẫu tại Thông tư số 07/2030/TT-BVH.Mẫu số 3.docx1 bản chính"
    documents, _ = parse_documents(text)
    assert documents[0].template == "Mẫu số 3.docx"


def test_several_template_files_are_listed() -> None:
    text = DOC_HEADER + "Hồ sơ thiết kếMẫu A.docxMẫu B.pdf1 bản chính"
    documents, _ = parse_documents(text)
    assert documents[0].template == "Mẫu A.docx; Mẫu B.pdf"


def test_text_before_each_table_names_the_group() -> None:
    text = (
        "* Trường hợp cấp lần đầu:" + DOC_HEADER + "Đơn đề nghị1 bản chính"
        "* Trường hợp cấp lại:" + DOC_HEADER + "Đơn đề nghị cấp lại1 bản chính"
    )
    documents, _ = parse_documents(text)
    assert [(d.name, d.group) for d in documents] == [
        ("Đơn đề nghị", "Trường hợp cấp lần đầu"),
        ("Đơn đề nghị cấp lại", "Trường hợp cấp lại"),
    ]


def test_count_inside_a_sentence_is_not_a_copies_cell() -> None:
    text = DOC_HEADER + "Hợp đồng thuê nhà: 01 bản chính; kèm biên lai1 bản chính"
    documents, _ = parse_documents(text)
    assert len(documents) == 1
    assert documents[0].name == "Hợp đồng thuê nhà: 01 bản chính; kèm biên lai"


def test_last_document_without_copies_is_kept_and_reported() -> None:
    documents, issues = parse_documents(DOC_HEADER + "Đơn đề nghị1 bản chínhBản đồ vị trí")
    assert [d.name for d in documents] == ["Đơn đề nghị", "Bản đồ vị trí"]
    assert documents[1].copies is None
    assert ("documents.copies", "last document has no copies cell") in issues


def test_document_text_without_a_table_reports_an_issue() -> None:
    documents, issues = parse_documents("Người nộp mang theo giấy tờ tùy thân.")
    assert documents == []
    assert issues == [("documents", "no document table found")]


# --------------------------------------------------------------------------- legal bases


def test_each_title_is_paired_with_the_number_after_it() -> None:
    text = (
        LEGAL_HEADER + "Luật Thư viện46/2019/QH14"
        "Quy định chi tiết một số điều của Luật Thư viện93/2020/NĐ-CP"
        "Hướng dẫn về thẻ thư viện05/2021/TT-BVHTTDL"
    )
    bases, issues = parse_legal_bases(text)
    assert [(b.title, b.number) for b in bases] == [
        ("Luật Thư viện", "46/2019/QH14"),
        ("Quy định chi tiết một số điều của Luật Thư viện", "93/2020/NĐ-CP"),
        ("Hướng dẫn về thẻ thư viện", "05/2021/TT-BVHTTDL"),
    ]
    assert issues == []


def test_title_that_ends_with_its_own_number_is_not_split() -> None:
    text = LEGAL_HEADER + "Luật 12/2030/QH1612/2030/QH16Nghị định 40/2031/NĐ-CP40/2031/NĐ-CP"
    bases, _ = parse_legal_bases(text)
    assert [(b.title, b.number) for b in bases] == [
        ("Luật 12/2030/QH16", "12/2030/QH16"),
        ("Nghị định 40/2031/NĐ-CP", "40/2031/NĐ-CP"),
    ]


def test_issuer_gives_back_the_letter_of_the_next_title() -> None:
    bases, _ = parse_legal_bases(LEGAL_HEADER + "Về lệ phí thư viện11/2030/TT-BTCQuy định mẫu thẻ")
    assert bases[0].number == "11/2030/TT-BTC"
    assert bases[1].title == "Quy định mẫu thẻ"
    assert bases[1].number is None


def test_number_glued_to_its_date_stays_in_the_title() -> None:
    text = LEGAL_HEADER + "Thông tư số 08/2030/TT-BCAngày 01/7/2030 về thẻ căn cước08/2030/TT-BCA"
    bases, _ = parse_legal_bases(text)
    assert len(bases) == 1
    assert bases[0].number == "08/2030/TT-BCA"


def test_year_glued_to_the_number_goes_back_to_the_title() -> None:
    bases, _ = parse_legal_bases(LEGAL_HEADER + "Luật Thư viện năm 201946/2019/QH14")
    assert bases[0].title == "Luật Thư viện năm 2019"
    assert bases[0].number == "46/2019/QH14"


def test_number_without_year_is_recognised() -> None:
    bases, _ = parse_legal_bases(LEGAL_HEADER + "Quyết định công bố thủ tục77/QĐ-BVH")
    assert (bases[0].title, bases[0].number) == ("Quyết định công bố thủ tục", "77/QĐ-BVH")


def test_title_without_number_is_kept_and_reported() -> None:
    bases, issues = parse_legal_bases(LEGAL_HEADER + "Quy chế nội bộ của thư viện")
    assert [(b.title, b.number) for b in bases] == [("Quy chế nội bộ của thư viện", None)]
    assert issues == [("legal_bases", "document without a recognisable number")]


def test_no_legal_basis_gives_an_empty_list() -> None:
    assert parse_legal_bases("Không có thông tin") == ([], [])


# --------------------------------------------------------------------------- steps, result


def test_steps_are_split_on_buoc_markers() -> None:
    text = "Bước 1: Nộp hồ sơ.\nChi tiết nộp.\nBước 2: Thẩm định. Bước 3: Trả kết quả."
    assert parse_steps(text) == [
        "Bước 1: Nộp hồ sơ.\nChi tiết nộp.",
        "Bước 2: Thẩm định.",
        "Bước 3: Trả kết quả.",
    ]


def test_steps_keep_their_bullet_prefix() -> None:
    text = "- Bước 1. Nộp đơn\n- Bước 2. Nhận thẻ"
    assert parse_steps(text) == ["- Bước 1. Nộp đơn", "- Bước 2. Nhận thẻ"]


def test_step_mentioned_inside_a_sentence_does_not_split() -> None:
    text = "Bước 1: Nộp đơn như tại Bước 2 của thủ tục khác.\nBước 2: Nhận thẻ."
    assert parse_steps(text) == [
        "Bước 1: Nộp đơn như tại Bước 2 của thủ tục khác.",
        "Bước 2: Nhận thẻ.",
    ]


def test_steps_are_split_on_lettered_markers() -> None:
    text = "a) Nộp hồ sơ tại quầy;\nb) Cán bộ kiểm tra;\nc) Trả kết quả."
    assert parse_steps(text) == ["a) Nộp hồ sơ tại quầy;", "b) Cán bộ kiểm tra;", "c) Trả kết quả."]


def test_steps_fall_back_to_paragraphs() -> None:
    text = "- Người dân nộp đơn.\n- Thư viện cấp thẻ trong ngày."
    assert parse_steps(text) == ["- Người dân nộp đơn.", "- Thư viện cấp thẻ trong ngày."]


def test_result_drops_codes_and_page_boilerplate() -> None:
    text = (
        "Thẻ thư việnMã: KQ.G99.000001Văn bản từ chốiMã: KQ.G99.000002Từ khóa"
        "Không có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phố"
        "Bộ ngành-- Chọn Bộ ngành --Nộp hồ sơ"
    )
    assert parse_result(text) == "Thẻ thư viện\nVăn bản từ chối"


def test_result_keeps_a_real_description() -> None:
    text = "Thẻ thư việnMã: KQ.G99.000001Từ khóaKhông có thông tinMô tảThẻ có giá trị 5 năm."
    assert parse_result(text) == "Thẻ thư viện\nThẻ có giá trị 5 năm."


def test_result_without_boilerplate_is_kept() -> None:
    assert parse_result("Giấy chứng nhận") == "Giấy chứng nhận"
    assert parse_result("") is None


# --------------------------------------------------------------------------- the real export


@pytest.fixture(scope="module")
def national_records() -> list[dict[str, Any]]:
    if not NATIONAL_FILE.exists():
        pytest.skip(f"{NATIONAL_FILE} is absent: this test reads the real data in ../shared/data")
    with NATIONAL_FILE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def parsed_national(national_records: list[dict[str, Any]]) -> dict[str, Any]:
    parsed = {raw["ma_thu_tuc"]: (raw, *parse_record(raw)) for raw in national_records}
    return {"records": parsed}


@pytest.mark.slow
def test_every_real_record_parses(
    national_records: list[dict[str, Any]], parsed_national: dict[str, Any]
) -> None:
    assert len(national_records) == 2642
    assert len(parsed_national["records"]) == 2642


@pytest.mark.slow
def test_real_channel_tables_yield_channels(parsed_national: dict[str, Any]) -> None:
    with_table = [
        procedure
        for raw, procedure, _ in parsed_national["records"].values()
        if raw["cach_thuc_thuc_hien"].strip() not in {"", CHANNEL_HEADER}
    ]
    with_channels = [p for p in with_table if p.channels]
    assert len(with_channels) >= 0.95 * len(with_table)


@pytest.mark.slow
def test_real_channels_mostly_have_a_time_and_a_known_fee(parsed_national: dict[str, Any]) -> None:
    channels = [c for _, p, _ in parsed_national["records"].values() for c in p.channels]
    assert sum(c.processing_days is not None for c in channels) >= 0.9 * len(channels)
    assert sum(c.fee_vnd is not None for c in channels) >= 0.75 * len(channels)


@pytest.mark.slow
def test_real_document_tables_yield_documents(parsed_national: dict[str, Any]) -> None:
    with_table = [
        procedure
        for raw, procedure, _ in parsed_national["records"].values()
        if DOC_HEADER in raw["thanh_phan_ho_so"]
    ]
    assert sum(bool(p.documents) for p in with_table) >= 0.98 * len(with_table)
    documents = [d for p in with_table for d in p.documents]
    assert sum(d.copies is not None for d in documents) >= 0.97 * len(documents)


@pytest.mark.slow
def test_real_legal_tables_yield_numbered_bases(parsed_national: dict[str, Any]) -> None:
    with_table = [
        procedure
        for raw, procedure, _ in parsed_national["records"].values()
        if raw["can_cu_phap_ly"].startswith(LEGAL_HEADER)
    ]
    numbered = [p for p in with_table if any(b.number for b in p.legal_bases)]
    assert len(numbered) >= 0.95 * len(with_table)


@pytest.mark.slow
def test_real_steps_and_results_are_found(parsed_national: dict[str, Any]) -> None:
    procedures = [p for _, p, _ in parsed_national["records"].values()]
    assert sum(bool(p.steps) for p in procedures) >= 0.99 * len(procedures)
    assert sum(p.result is not None for p in procedures) >= 0.99 * len(procedures)
    assert not any(p.result and "Chọn cơ quan thực hiện" in p.result for p in procedures)


@pytest.mark.slow
def test_real_issue_reasons_are_few_and_stable(parsed_national: dict[str, Any]) -> None:
    reasons = {
        (issue.field, issue.reason)
        for _, _, issues in parsed_national["records"].values()
        for issue in issues
    }
    assert 0 < len(reasons) <= 30


@pytest.mark.slow
def test_real_record_with_a_fee_parses_its_amount(parsed_national: dict[str, Any]) -> None:
    # 1.004002 charges 70,000 VNĐ per certificate on every channel, within 2 working days.
    _, procedure, _ = parsed_national["records"]["1.004002"]
    assert procedure.code == "1.004002"
    assert {c.channel for c in procedure.channels} == {
        "Trực tuyến",
        "Dịch vụ bưu chính",
        "Trực tiếp",
    }
    assert {c.fee_vnd for c in procedure.channels} == {70_000}
    assert {(c.processing_days, c.time_unit) for c in procedure.channels} == {(2, "Ngày làm việc")}


@pytest.mark.slow
def test_real_record_keeps_its_legal_numbers(parsed_national: dict[str, Any]) -> None:
    _, procedure, _ = parsed_national["records"]["1.000178"]
    assert [b.number for b in procedure.legal_bases] == [
        "68/2013/TT-BCA",
        "02/2011/QH13",
        "11/2015/TT-BCA",
        "05/2012/NĐ-CP",
    ]
