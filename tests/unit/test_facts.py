"""Facts read from the portal's text at import: fees as items, times with units, documents."""

from __future__ import annotations

from datetime import date

from knowledge_base.facts.deadlines import citizen_deadlines
from knowledge_base.facts.documents import stated_copies, strip_marker
from knowledge_base.facts.durations import recover_unit
from knowledge_base.facts.fees import COUNCIL, FeeKind, parse_fee
from knowledge_base.facts.named import named_passages
from knowledge_base.importers.structuring import structure
from knowledge_base.schemas import DossierDocument, ProcedureIn, SubmissionChannel

# -- Fees --------------------------------------------------------------------------------


def test_a_free_cell_with_amounts_in_its_note_is_read_as_those_amounts() -> None:
    fee = parse_fee(
        "Miễn phí (- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần. Phí sát hạch lý thuyết: "
        "60.000 đồng/lần)"
    )
    assert fee.kind is FeeKind.amounts
    assert [(i.amount_vnd, i.per) for i in fee.items] == [(135_000, "lần"), (60_000, "lần")]
    assert fee.items[0].case == "Lệ phí cấp giấy phép lái xe"


def test_a_free_cell_naming_a_circular_is_a_regulation_not_free() -> None:
    fee = parse_fee("Miễn phí (Thực hiện theo Thông tư số 244/2016/TT-BTC ngày 11/11/2016)")
    assert fee.kind is FeeKind.regulation
    assert fee.references == ["244/2016/TT-BTC"]


def test_a_fee_set_by_the_provincial_council_keeps_that_reference() -> None:
    fee = parse_fee("Miễn phí (Mức thu theo quy định của HĐND cấp tỉnh)")
    assert (fee.kind, fee.references) == (FeeKind.regulation, [COUNCIL])


def test_free_means_nothing_names_an_amount_or_a_rule() -> None:
    for cell in ("Miễn phí", "Miễn phí (Không)", "Miễn phí (không quy định)"):
        assert parse_fee(cell).kind is FeeKind.free


def test_the_cell_and_its_note_saying_the_same_amount_give_one_item() -> None:
    fee = parse_fee("70,000 VNĐ (70.000 đồng/Giấy chứng nhận.)")
    assert [(i.amount_vnd, i.per) for i in fee.items] == [(70_000, "giấy chứng nhận")]


def test_a_reduced_rate_keeps_its_period_and_not_the_circulars_date() -> None:
    fee = parse_fee(
        "800,000 Việt Nam Đồng (áp dụng mức phí 400.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến "
        "hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC ngày 30/6/2025)"
    )
    regular, reduced = fee.items
    assert (regular.amount_vnd, regular.valid_until) == (800_000, None)
    assert (reduced.amount_vnd, reduced.per) == (400_000, "hồ sơ")
    assert (reduced.valid_from, reduced.valid_until) == (date(2025, 7, 1), date(2026, 12, 31))
    assert reduced.case is None
    assert not reduced.applies_on(date(2027, 1, 1)) and reduced.applies_on(date(2026, 12, 2))


def test_a_free_period_is_a_zero_amount_for_that_period() -> None:
    fee = parse_fee(
        "200,000 VNĐ (Miễn phí từ ngày 07/4/2026 đến 30/6/2026 theo Thông tư 40/2026/TT-BTC)"
    )
    free = [item for item in fee.items if item.amount_vnd == 0]
    assert [(i.valid_from, i.valid_until) for i in free] == [(date(2026, 4, 7), date(2026, 6, 30))]


def test_a_reduction_by_a_share_is_kept_as_a_remark_with_its_period() -> None:
    fee = parse_fee(
        "140,000,000 Việt Nam Đồng ((Từ ngày 01/07/2025 đến hết ngày 31/12/2026, mức lệ phí "
        "bằng 50% mức phí nêu trên theo quy định tại Thông tư 64/2025/TT-BTC))"
    )
    (remark,) = fee.remarks
    assert "50%" in remark.text and "Thông tư" not in remark.text
    assert remark.valid_until == date(2026, 12, 31)


def test_millions_written_in_words_are_read() -> None:
    fee = parse_fee("2,000,000 Việt Nam Đồng (+ 02 triệu đồng/Giấy chứng nhận.)")
    assert [i.amount_vnd for i in fee.items] == [2_000_000]


def test_the_portals_thousands_bug_is_not_an_amount() -> None:
    assert parse_fee("100 VNĐ").kind is FeeKind.not_stated


# -- Times and documents -----------------------------------------------------------------


def test_a_lost_unit_is_recovered_only_from_the_records_own_text() -> None:
    steps = ["Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ, cơ quan cấp phép."]
    assert recover_unit(5, steps) == "Ngày làm việc"
    assert recover_unit(5, ["Nộp hồ sơ tại bộ phận một cửa."]) is None


def test_a_number_used_with_two_units_recovers_neither() -> None:
    assert recover_unit(3, ["3 ngày với hồ sơ giấy, 3 giờ với hồ sơ điện tử"]) is None


def test_list_markers_and_blank_copy_counts_are_removed() -> None:
    assert strip_marker("- Giấy chứng sinh") == "Giấy chứng sinh"
    assert strip_marker("+ Tờ khai") == "Tờ khai"
    assert stated_copies("0 bản chính") is None
    assert stated_copies("0 bản chính, 1 bản sao") == "1 bản sao"
    assert stated_copies("Bản chính: 2 - Bản sao: 0") == "2 bản chính"


def test_the_tables_own_rows_are_not_documents() -> None:
    from knowledge_base.facts.documents import is_boilerplate

    assert is_boilerplate("Số lượng hồ sơ: 01 (một) bộ.")
    assert not is_boilerplate("Số lượng hồ sơ đề nghị cấp phép kèm bản vẽ thiết kế")


def test_structuring_a_record_counts_what_it_changed() -> None:
    record = ProcedureIn(
        code="1.000001",
        name="Thủ tục thử",
        steps=["Bước 1: Trong 03 ngày làm việc, cơ quan trả kết quả."],
        channels=[
            SubmissionChannel(
                channel="Trực tiếp", processing_time="3", fee="Miễn phí (50.000 đồng)"
            )
        ],
        documents=[DossierDocument(name="- Đơn đề nghị", copies="0 bản chính")],
    )
    structured, done = structure(record)
    channel = structured.channels[0]
    assert (channel.processing_time, channel.time_unit) == ("3", "Ngày làm việc")
    assert channel.fee_kind is FeeKind.amounts
    assert structured.documents[0].name == "Đơn đề nghị" and structured.documents[0].copies is None
    assert set(done) == {
        ("channels.fee", "'Miễn phí' cell whose note names amounts"),
        ("channels.processing_time", "unit recovered from the record's text"),
        ("documents.name", "list marker removed"),
        ("documents.copies", "zero counts dropped (not stated)"),
    }


def test_each_rate_takes_the_period_written_beside_it() -> None:
    fee = parse_fee("50.000 đồng đến 31/12/2025, từ 01/01/2026 là 100.000 đồng")
    old, new = fee.items
    assert (old.amount_vnd, old.valid_from, old.valid_until) == (50_000, None, date(2025, 12, 31))
    assert (new.amount_vnd, new.valid_from, new.valid_until) == (100_000, date(2026, 1, 1), None)


def test_a_bracket_holding_a_reduced_rate_gives_its_period_to_that_rate() -> None:
    fee = parse_fee(
        "70.000 đồng/thẻ (từ 01/7/2025 đến hết 31/12/2026 thu 50%, tức 35.000 đồng/thẻ)"
    )
    regular, reduced = fee.items
    assert (regular.amount_vnd, regular.valid_until) == (70_000, None)
    assert (reduced.amount_vnd, reduced.valid_until) == (35_000, date(2026, 12, 31))


def test_whom_a_rate_is_for_may_follow_it() -> None:
    fee = parse_fee("1.000.000 đồng/hồ sơ đối với tổ chức; 500.000 đồng/hồ sơ đối với cá nhân")
    assert [(i.amount_vnd, i.per, i.case) for i in fee.items] == [
        (1_000_000, "hồ sơ", "đối với tổ chức"),
        (500_000, "hồ sơ", "đối với cá nhân"),
    ]


def test_a_period_in_the_note_belongs_to_the_cells_amount() -> None:
    (item,) = parse_fee("135.000 đồng (áp dụng đến hết ngày 31/12/2025)").items
    assert item.valid_until == date(2025, 12, 31)


def test_what_is_neither_an_amount_a_rule_nor_free_is_unclear() -> None:
    assert parse_fee("Miễn phí (Cho một loại hình: 8.000.000/lần)").kind is FeeKind.unclear
    assert parse_fee("10 USD (/lần)").kind is FeeKind.unclear
    assert parse_fee("Miễn phí (do Ủy ban nhân dân cấp tỉnh quy định.)").kind is FeeKind.regulation
    assert parse_fee("0 Đồng").kind is FeeKind.free


def test_a_date_or_a_frequency_is_not_a_time_limit() -> None:
    assert recover_unit(1, ["Ban hành ngày 01 tháng 8 năm 2026"]) is None
    assert recover_unit(1, ["Kiểm tra định kỳ (01 năm một lần)"]) is None
    assert recover_unit(3, ["không quá 03 ngày làm việc"]) == "Ngày làm việc"


def test_a_waiver_period_is_not_the_regular_rates_end() -> None:
    fee = parse_fee(
        "250,000 VNĐ (Miễn kể từ ngày 07/4/2026 đến 30/6/2026 theo Thông tư 40/2026/TT-BTC)"
    )
    regular, waiver = fee.items
    assert (regular.amount_vnd, regular.valid_until) == (250_000, None)
    assert (waiver.amount_vnd, waiver.valid_until) == (0, date(2026, 6, 30))


# -- the citizen's deadlines ------------------------------------------------------------


def test_a_deadline_from_an_event_the_citizen_knows_is_quoted_as_written() -> None:
    note = (
        "Trong thời hạn 15 ngày kể từ ngày có người chết thì vợ, chồng hoặc con, cha, mẹ "
        "hoặc người thân thích khác của người chết có trách nhiệm đi đăng ký khai tử."
    )
    assert citizen_deadlines([note]) == [note.rstrip(".")]


def test_the_agencys_time_from_a_complete_dossier_is_not_the_citizens_deadline() -> None:
    steps = [
        "Trong thời hạn 03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ, Công an cấp xã "
        "cấp giấy xác nhận.",
        "Trong thời hạn 03 ngày làm việc, kể từ ngày thẩm định, Cảng vụ hàng không cấp giấy "
        "chứng nhận.",
        "Văn bản chấp thuận có hiệu lực trong thời hạn 12 tháng kể từ ngày ký.",
        "Cục Đăng kiểm Việt Nam cấp Giấy chứng nhận trong thời hạn 02 ngày làm việc kể từ "
        "ngày có kết quả đánh giá.",
        "Trong thời hạn 05 ngày kể từ ngày kết thúc kiểm tra thì sở Y tế cấp giấy phép.",
    ]
    assert citizen_deadlines(steps) == []


def test_deadlines_before_an_event_count_too() -> None:
    conditions = (
        "Việc thông báo lưu trú được thực hiện trước 23 giờ của ngày bắt đầu lưu trú; trường "
        "hợp người đến lưu trú sau 23 giờ thì thông báo trước 08 giờ ngày hôm sau."
    )
    assert citizen_deadlines([conditions]) == [
        "Việc thông báo lưu trú được thực hiện trước 23 giờ của ngày bắt đầu lưu trú",
        "trường hợp người đến lưu trú sau 23 giờ thì thông báo trước 08 giờ ngày hôm sau",
    ]


def test_a_long_sentence_is_cut_around_its_deadline() -> None:
    sentence = (
        "Trường hợp hộ kinh doanh tạm ngừng kinh doanh, hộ kinh doanh gửi thông báo " + "x " * 150
    ) + "chậm nhất là 03 ngày làm việc trước ngày tạm ngừng kinh doanh."
    (quoted,) = citizen_deadlines([sentence])
    assert quoted.startswith("…") and len(quoted) <= 300
    assert quoted.strip("…") in sentence
    assert "chậm nhất là 03 ngày làm việc trước ngày tạm ngừng kinh doanh" in quoted


DOCUMENT_NAMES = [
    "Tờ khai theo mẫu",
    "Văn bản ủy quyền theo quy định của pháp luật trong trường hợp ủy quyền",
    "Hộ chiếu/Thẻ căn cước công dân hoặc giấy tờ tùy thân khác",
    "Bản sao giấy tờ chứng minh nơi cư trú",
]


def test_a_question_naming_a_document_finds_it() -> None:
    question = "nhờ mẹ đi xin hộ đc ko, có phải làm giấy ủy quyền công chứng ko"
    assert named_passages(DOCUMENT_NAMES, question) == [1]


def test_a_document_named_without_diacritics_is_found() -> None:
    question = "nho me di xin thi co can giay uy quyen khong"
    assert named_passages(DOCUMENT_NAMES, question) == [1]


def test_a_document_named_with_diacritics_is_told_from_asking_words() -> None:
    question = "đi xin có cần mang thẻ căn cước công dân ko"
    assert named_passages(DOCUMENT_NAMES, question) == [2]


def test_a_question_for_the_whole_list_names_no_document() -> None:
    question = "chồng em đi làm ở nước ngoài, làm hộ chiếu cho con cần giấy tờ tùy thân gì"
    assert named_passages(DOCUMENT_NAMES, question) == []


def test_the_procedures_own_name_names_no_step() -> None:
    steps = ["Bước 1: Nộp hồ sơ gia hạn tạm trú", "Bước 2: Nộp lệ phí gia hạn tạm trú"]
    question = "gia hạn tạm trú có cần đi cả nhà không"
    assert named_passages(steps, question, procedure_name="Gia hạn tạm trú") == []


def test_words_of_asking_how_name_no_step() -> None:
    steps = ["Bước 1: Nộp hồ sơ tại bộ phận một cửa", "Trình tự thực hiện tại cuộc họp"]
    assert named_passages(steps, "trinh tu thuc hien the nao") == []
    assert named_passages(steps, "thủ tục làm như thế nào vậy ạ") == []


def test_asking_for_documents_in_general_names_none() -> None:
    assert named_passages(DOCUMENT_NAMES, "cần giấy tờ gì, bản sao hay bản chính") == []
