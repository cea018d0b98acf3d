"""Which kinds of question a message asks: the intent's, or several from its words."""

from __future__ import annotations

import pytest

from actions.facets import Facet, asked_facets
from vntext.normalization import fold_diacritics


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("làm online thì mất phí bao nhiêu", Facet.online_submission, [Facet.fee]),
        ("nộp online thì bao lâu có kết quả", Facet.online_submission, [Facet.processing_time]),
        (
            "làm ở đâu, mấy ngày thì có",
            Facet.general,
            [Facet.where_to_submit, Facet.processing_time],
        ),
        ("có mất tiền không, bao lâu", Facet.processing_time, [Facet.fee, Facet.processing_time]),
        ("phi bao nhieu, may ngay xong", Facet.fee, [Facet.fee, Facet.processing_time]),
        (
            "cần giấy tờ gì và nộp ở đâu ạ",
            Facet.documents,
            [Facet.documents, Facet.where_to_submit],
        ),
    ],
)
def test_a_message_gets_every_facet_it_asks(
    text: str, intent: Facet, expected: list[Facet]
) -> None:
    assert asked_facets(text, intent) == expected


def test_online_alone_is_a_question_about_submitting_online() -> None:
    assert asked_facets("thủ tục này nộp online được không", Facet.online_submission) == [
        Facet.online_submission
    ]


def test_without_cue_words_the_intent_decides() -> None:
    assert asked_facets("còn cái kia thì sao", Facet.fee) == [Facet.fee]
    assert asked_facets("làm hộ chiếu", Facet.general) == [Facet.general]


@pytest.mark.parametrize(
    "text",
    [
        "nhờ mẹ đi xin hộ đc ko, có phải làm giấy ủy quyền công chứng ko",
        "nho nguoi nha nop thay duoc khong",
        "nhờ người nhà đi nộp thì có cần văn bản uỷ quyền không",
        "minh nho em gai di lay ho thi giay uy quyen co phai chung thuc ko",
    ],
)
def test_sending_someone_else_asks_what_they_must_bring(text: str) -> None:
    assert asked_facets(text, Facet.general) == [Facet.documents]


@pytest.mark.parametrize(
    "text",
    [
        "làm thay đổi địa chỉ trên giấy phép thì sao",
        "xác nhận chữ ký trên giấy ủy quyền ở đâu",
        "Ra xã chứng thực chữ ký trên giấy ủy quyền thì lệ phí bao nhiêu?",
    ],
)
def test_changing_something_or_a_proxy_as_the_subject_is_no_documents_question(text: str) -> None:
    assert Facet.documents not in asked_facets(text, Facet.general)


def test_a_shopfront_is_not_coming_in_person() -> None:
    assert asked_facets("nhà có mặt tiền thì có phải xin phép không", Facet.general) == [
        Facet.general
    ]


def test_who_must_come_in_person_is_a_question_about_the_steps() -> None:
    question = "lúc ký nhận giấy chứng nhận thì có cần cả hai đứa cùng có mặt không"
    assert asked_facets(question, Facet.result) == [Facet.steps]


def test_money_typed_without_diacritics_is_not_coming_in_person() -> None:
    assert asked_facets("co mat tien khong", Facet.fee) == [Facet.fee]


def test_submitting_the_file_is_not_sending_someone_else() -> None:
    question = "gio muon rut bhxh mot lan thi nop ho so o dau, bao lau thi nhan duoc tien"
    assert asked_facets(question, Facet.general) == [Facet.where_to_submit, Facet.processing_time]


def test_papers_received_are_the_result_not_the_documents() -> None:
    question = "ngoai tien ra thi duoc nhan giay to gi nua khong"
    assert asked_facets(question, Facet.documents) == [Facet.result]


def test_a_vehicle_is_not_money() -> None:
    assert asked_facets("đăng ký phương tiện cần những gì", Facet.documents) == [Facet.documents]


DEADLINE_QUESTIONS = [
    "lo đám xong cũng mất cả tuần, đi làm trễ vậy có sao không, hạn là bao lâu",
    "quy định phải báo trong bao lâu",
    "gia đình phải làm thủ tục xóa đăng ký thường trú cho em trong thời hạn bao lâu",
    "hkd phải đk thay đổi địa chỉ trong vòng bn ngày ạ",
    "người bán có phải làm gì trước ko, hạn bao lâu",
    "phải báo trước mấy giờ?",
    "khách đến ở nhờ thì phải báo trước mấy giờ",
    "tạm ngừng kinh doanh phải gửi thông báo trước bao lâu",
    "chậm nhất là bao lâu phải đi khai tử",
    "bao lâu thì phải đăng ký khai tử",
    "hạn nộp là bao lâu",
    "thời hạn phải khai tử là bao lâu",
]
AGENCY_TIME_QUESTIONS = [
    "nộp hồ sơ xong bao lâu thì có kết quả",
    "Trong bao lâu thì được cấp Giấy chứng nhận?",
    "thời hạn giải quyết là bao lâu",
    "nộp xong phải chờ trong bao lâu",
    "phải nộp trong mấy ngày thì có kết quả",
]


@pytest.mark.parametrize("text", DEADLINE_QUESTIONS)
def test_when_the_citizen_must_act_is_a_deadline_question(text: str) -> None:
    assert asked_facets(text, Facet.processing_time) == [Facet.deadline]


@pytest.mark.parametrize("text", DEADLINE_QUESTIONS)
def test_a_deadline_question_typed_without_diacritics_is_one_too(text: str) -> None:
    assert asked_facets(fold_diacritics(text), Facet.processing_time) == [Facet.deadline]


@pytest.mark.parametrize("text", AGENCY_TIME_QUESTIONS)
def test_how_long_the_agency_takes_is_still_the_processing_time(text: str) -> None:
    assert asked_facets(text, Facet.processing_time) == [Facet.processing_time]


@pytest.mark.parametrize(
    "text", ["dang ky tre em vao bhyt can giay to gi", "dang ky tre so sinh o dau"]
)
def test_a_child_typed_without_diacritics_is_not_lateness(text: str) -> None:
    assert Facet.deadline not in asked_facets(text, Facet.documents)


def test_without_diacritics_waiting_and_changing_are_one_word_and_no_exception() -> None:
    # "đợi" and "đổi" are both "doi": here the deadline to change the address is asked.
    assert asked_facets("hkd phai doi dia chi trong vong bn ngay", None) == [Facet.deadline]
