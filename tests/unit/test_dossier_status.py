"""Dossier tracking: receipt codes in citizens' messages, and where statuses come from."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions.dossier_status import (
    DossierStatus,
    LocalTableProvider,
    load_demo_records,
    load_provider,
    looks_like_a_code,
)
from knowledge_base.models import DossierRecord
from knowledge_base.seed import DEMO_DOSSIERS
from tthc.settings import Settings
from vntext.receipt_codes import find_receipt_code

DEMO_CODE = "000.00.04.H51-250221-0001"


class ProvinceTrackingProvider:
    """A province's own provider, loaded by name from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def lookup(self, receipt_code: str) -> DossierStatus | None:
        return DossierStatus(receipt_code=receipt_code, status="Đang xử lý")


def count_records(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count(DossierRecord.id))) or 0


# -- Receipt codes in messages -----------------------------------------------------------


def test_a_receipt_code_is_found_inside_a_sentence() -> None:
    text = f"cho em hỏi hồ sơ mã {DEMO_CODE} của em đã xong chưa ạ"
    assert find_receipt_code(text) == DEMO_CODE


def test_a_receipt_code_typed_in_lower_case_is_returned_in_upper_case() -> None:
    assert find_receipt_code("tra cứu hồ sơ 000.00.04.h51-250221-0001") == DEMO_CODE


def test_a_message_without_a_receipt_code_has_none() -> None:
    assert find_receipt_code("hồ sơ của tôi đến đâu rồi") is None


def test_a_truncated_code_looks_like_a_code_typed_wrong() -> None:
    assert looks_like_a_code("000.00.04.H51-2502") is True


def test_a_valid_receipt_code_is_not_a_code_typed_wrong() -> None:
    assert looks_like_a_code(f"mã hồ sơ {DEMO_CODE}") is False


def test_plain_words_do_not_look_like_a_code() -> None:
    assert looks_like_a_code("hồ sơ của tôi đến đâu rồi") is False


# -- The local table provider ------------------------------------------------------------


def test_the_local_table_finds_a_recorded_dossier(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.add(
            DossierRecord(
                receipt_code="000.00.09.H51-251020-0107",
                procedure_name="Đăng ký thành lập hộ kinh doanh",
                status="Cần bổ sung hồ sơ",
                received_at=datetime(2025, 10, 20),
                agency="UBND xã (Bộ phận Một cửa)",
            )
        )
    status = LocalTableProvider(sessions).lookup("000.00.09.h51-251020-0107")
    assert status is not None
    assert status.receipt_code == "000.00.09.H51-251020-0107"
    assert status.status == "Cần bổ sung hồ sơ"
    assert status.procedure_name == "Đăng ký thành lập hộ kinh doanh"
    assert status.received_at is not None
    assert status.received_at.date() == datetime(2025, 10, 20).date()
    assert status.agency == "UBND xã (Bộ phận Một cửa)"


def test_the_local_table_has_no_status_for_an_unknown_code(
    sessions: sessionmaker[Session],
) -> None:
    assert LocalTableProvider(sessions).lookup(DEMO_CODE) is None


# -- Demo records ------------------------------------------------------------------------


def test_the_demo_records_fill_an_empty_table(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        added = load_demo_records(session, DEMO_DOSSIERS)
    assert added == 3
    assert count_records(sessions) == 3
    status = LocalTableProvider(sessions).lookup(DEMO_CODE)
    assert status is not None
    assert status.status == "Đã có kết quả, mời công dân đến nhận"
    assert status.due_at is not None
    assert status.due_at.date() == datetime(2025, 2, 24).date()


def test_the_demo_records_are_not_loaded_twice(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        load_demo_records(session, DEMO_DOSSIERS)
    with sessions.begin() as session:
        added = load_demo_records(session, DEMO_DOSSIERS)
    assert added == 0
    assert count_records(sessions) == 3


# -- Choosing the provider ---------------------------------------------------------------


def test_the_local_setting_gives_the_local_table_provider(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    provider = load_provider("local", sessions, settings)
    assert isinstance(provider, LocalTableProvider)


def test_a_module_and_class_name_loads_the_provinces_provider(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        dossier_provider="tests.unit.test_dossier_status:ProvinceTrackingProvider",
    )
    provider = load_provider(settings.dossier_provider, sessions, settings)
    assert isinstance(provider, ProvinceTrackingProvider)
    assert provider.settings is settings
    assert provider.lookup(DEMO_CODE) == DossierStatus(DEMO_CODE, "Đang xử lý")


def test_a_provider_name_without_a_class_is_refused_clearly(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(ValueError) as error:
        load_provider("tinh_bac_ninh.tracking", sessions, settings)
    assert "'local' or 'package.module:ClassName'" in str(error.value)
    assert "tinh_bac_ninh.tracking" in str(error.value)


def test_dates_and_amounts_are_not_taken_for_a_mistyped_code() -> None:
    assert not looks_like_a_code("hồ sơ em nộp ngày 21.02.2025 giờ sao rồi")
    assert not looks_like_a_code("tôi đã nộp lệ phí 50.000 đồng, hồ sơ sao rồi")
