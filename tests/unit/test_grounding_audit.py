"""The grounding audit catches answers that say what their record does not."""

from __future__ import annotations

from actions.grounding import audit
from knowledge_base.facts.fees import FeeItem, FeeKind
from knowledge_base.schemas import SubmissionChannel
from tests.unit.test_answers import TODAY, procedure, profile


def checked(**changes):  # type: ignore[no-untyped-def]
    return audit([procedure(**changes)], profile(), TODAY)


def test_a_faithful_record_passes() -> None:
    channel = SubmissionChannel(
        channel="Trực tiếp", fee="50.000 đồng/lần", processing_time="5 ngày làm việc"
    )
    assert checked(channels=[channel]).clean


def test_an_amount_the_record_does_not_write_is_caught() -> None:
    wrong = SubmissionChannel(
        channel="Trực tiếp",
        fee="50.000 đồng/lần",
        fee_kind=FeeKind.amounts,
        fee_items=[FeeItem(amount_vnd=500_000, per="lần")],
    )
    assert checked(channels=[wrong]).counts["amount not in the record"] >= 1


def test_a_priced_record_called_free_is_caught() -> None:
    wrong = SubmissionChannel(
        channel="Trực tiếp", fee="Miễn phí (Lệ phí: 135.000 đồng/lần)", fee_kind=FeeKind.free
    )
    report = checked(channels=[wrong])
    assert report.counts["called free although the record names an amount or a fee regulation"]
    assert report.counts["fee answer without the record's amount"] == 1


def test_a_time_whose_number_has_no_unit_is_caught() -> None:
    odd = SubmissionChannel(channel="Trực tiếp", processing_time="5 hôm sau khi nhận")
    assert checked(channels=[odd]).counts["time without a unit"] == 1


def test_a_time_the_record_states_without_a_unit_is_said_to_be_missing() -> None:
    bare = SubmissionChannel(channel="Trực tiếp", processing_time="1")
    report = checked(channels=[bare])
    assert report.clean
    assert report.counts["noted: time stated as not stated"] == 1


def test_a_long_first_documents_message_is_caught() -> None:
    from knowledge_base.schemas import DossierDocument

    many = [DossierDocument(name="Giấy tờ " + "rất dài " * 200) for _ in range(3)]
    report = checked(documents=many)
    assert report.counts["first documents message over 1,200 characters"] == 0
    assert report.longest_first_documents <= 1200


def test_a_unit_taken_from_a_date_is_caught() -> None:
    misread = SubmissionChannel(channel="Trực tiếp", processing_time="1", time_unit="Tháng")
    report = checked(channels=[misread], steps=["Quyết định ban hành ngày 01 tháng 8 năm 2026."])
    assert report.counts["duration not in the record"] >= 1


def test_a_period_the_record_does_not_write_is_caught() -> None:
    from datetime import date

    wrong = SubmissionChannel(
        channel="Trực tiếp",
        fee="50.000 đồng (áp dụng đến hết ngày 31/12/2026)",
        fee_kind=FeeKind.amounts,
        fee_items=[FeeItem(amount_vnd=50_000, valid_until=date(2027, 12, 31))],
    )
    assert checked(channels=[wrong]).counts["date not in the record"] >= 1


KHAI_TU = (
    "Trong thời hạn 15 ngày kể từ ngày có người chết thì vợ, chồng hoặc con có trách nhiệm "
    "đi đăng ký khai tử."
)


def test_a_deadline_quoted_from_the_record_passes() -> None:
    report = checked(conditions=KHAI_TU)
    assert report.clean
    assert report.counts["deadline quote not in the record"] == 0


def test_a_deadline_the_record_does_not_write_is_caught(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from actions import answers

    monkeypatch.setattr(
        answers, "citizen_deadlines", lambda texts: ["Trong thời hạn 30 ngày kể từ ngày chết"]
    )
    report = checked(conditions=KHAI_TU)
    assert report.counts["deadline quote not in the record"] == 1
