"""Importing files: format detection, bad input named by file and line, idempotent upsert."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge_base import models, store
from knowledge_base.importers import runner
from knowledge_base.importers.runner import BatchFailed, ImportFormatError, import_path

pytestmark = pytest.mark.app


def portal_record(code: str, name: str, fee: str = "50.000 Đồng") -> dict[str, str]:
    """A record in the national portal's export shape, written for the tests."""
    return {
        "ma_thu_tuc": code,
        "detail_url": f"https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{code}",
        "ten_thu_tuc": name,
        "so_quyet_dinh": "",
        "cap_thuc_hien": "Cấp xã",
        "loai_thu_tuc": "TTHC được luật giao quy định chi tiết",
        "linh_vuc": "Hộ tịch",
        "doi_tuong_thuc_hien": "Công dân Việt Nam",
        "co_quan_co_tham_quyen": "Ủy ban nhân dân cấp xã",
        "dia_chi_tiep_nhan": "",
        "co_quan_duoc_uy_quyen": "",
        "co_quan_phoi_hop": "",
        "thu_tuc_lien_quan": "Không có thông tin",
        "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả.",
        "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tả"
        f"Trực tiếp5 Ngày làm việcLệ phí : {fee}Nộp tại bộ phận một cửa",
        "thanh_phan_ho_so": "Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai theo mẫu1 bản chính",
        "can_cu_phap_ly": "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13",
        "co_quan_thuc_hien": "Ủy ban nhân dân cấp xã",
        "yeu_cau_dieu_kien": "Không có thông tin",
        "ket_qua_xu_ly": "Giấy xác nhận",
        "raw_text": "",
    }


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    with path.open("wb") as handle:
        for line in lines:
            handle.write(line if isinstance(line, bytes) else line.encode("utf-8"))
            handle.write(b"\n")
    return path


def count(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(models.Procedure))


def test_national_export_is_recognised_and_stored(tmp_path, sessions) -> None:
    path = write_lines(
        tmp_path / "export.jsonl",
        [json.dumps(portal_record("9.000001", "Đăng ký khai sinh thử nghiệm"))],
    )
    report = import_path(path, sessions)
    assert (report.format, report.created) == ("dichvucong", 1)
    with sessions() as session:
        stored = store.to_schema(store.get_procedure(session, "9.000001"))
    assert stored.name == "Đăng ký khai sinh thử nghiệm"
    assert stored.channels[0].channel == "Trực tiếp"


def test_reimporting_the_same_file_changes_nothing(tmp_path, sessions) -> None:
    path = write_lines(
        tmp_path / "export.jsonl",
        [json.dumps(portal_record(f"9.00000{i}", f"Thủ tục số {i}")) for i in range(5)],
    )
    import_path(path, sessions)
    again = import_path(path, sessions)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert count(sessions) == 5


def test_a_changed_record_is_updated_in_place_with_a_new_version(tmp_path, sessions) -> None:
    first = write_lines(tmp_path / "a.jsonl", [json.dumps(portal_record("9.000001", "Thủ tục"))])
    second = write_lines(
        tmp_path / "b.jsonl", [json.dumps(portal_record("9.000001", "Thủ tục", fee="80.000 Đồng"))]
    )
    import_path(first, sessions)
    report = import_path(second, sessions)
    assert report.updated == 1
    with sessions() as session:
        row = store.get_procedure(session, "9.000001")
        assert row.version == 2
        assert row.channels[0].fee_vnd == 80_000
    assert count(sessions) == 1


def test_truncated_line_is_skipped_and_named_by_file_and_line(tmp_path, sessions) -> None:
    good = json.dumps(portal_record("9.000001", "Thủ tục một"))
    path = write_lines(
        tmp_path / "export.jsonl",
        [
            good,
            good.replace("9.000001", "9.000002")[:120],
            json.dumps(portal_record("9.000003", "Ba")),
        ],
    )
    report = import_path(path, sessions)
    assert report.created == 2
    assert [r.line for r in report.rejected] == [2]
    assert "export.jsonl:2" in report.rejected[0].reason
    assert "JSON" in report.rejected[0].reason


def test_line_in_a_wrong_encoding_is_reported(tmp_path, sessions) -> None:
    latin = json.dumps(portal_record("9.000002", "Khai sinh"), ensure_ascii=False)
    path = write_lines(
        tmp_path / "export.jsonl",
        [json.dumps(portal_record("9.000001", "Một")), latin.encode("utf-16")],
    )
    report = import_path(path, sessions)
    assert report.created == 1
    assert "export.jsonl:2" in report.rejected[0].reason
    assert "UTF-8" in report.rejected[0].reason


def test_record_without_a_code_is_rejected(tmp_path, sessions) -> None:
    record = portal_record("", "Thủ tục không mã")
    path = write_lines(
        tmp_path / "export.jsonl",
        [json.dumps(portal_record("9.000001", "Có mã")), json.dumps(record)],
    )
    report = import_path(path, sessions)
    assert report.created == 1
    assert "export.jsonl:2" in report.rejected[0].reason


def test_unknown_format_is_refused_before_anything_is_stored(tmp_path, sessions) -> None:
    path = tmp_path / "procedures.txt"
    path.write_text("Đăng ký kết hôn", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"procedures\.txt"):
        import_path(path, sessions)
    assert count(sessions) == 0


def test_json_lines_of_an_unknown_shape_are_refused(tmp_path, sessions) -> None:
    path = write_lines(tmp_path / "other.jsonl", [json.dumps({"title": "x"})])
    with pytest.raises(ImportFormatError, match=r"other\.jsonl:1"):
        import_path(path, sessions)


def test_a_failing_batch_is_rolled_back_and_earlier_batches_are_kept(
    tmp_path, sessions, monkeypatch
) -> None:
    records = [json.dumps(portal_record(f"9.{i:06d}", f"Thủ tục {i}")) for i in range(10)]
    path = write_lines(tmp_path / "export.jsonl", records)
    real_upsert = store.upsert

    def failing_upsert(session, item, overwrite_curated=False):  # type: ignore[no-untyped-def]
        if item.code == "9.000007":
            raise RuntimeError("disk full")
        return real_upsert(session, item, overwrite_curated)

    monkeypatch.setattr(runner.store, "upsert", failing_upsert)
    with pytest.raises(BatchFailed, match="lines 5-8"):
        import_path(path, sessions, batch_size=4)
    assert count(sessions) == 4


def test_project_yaml_with_an_invalid_item_names_it(tmp_path, sessions) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(
        "procedures:\n  - code: '9.1'\n    name: Một\n  - code: '9.2'\n    name: ''\n",
        encoding="utf-8",
    )
    report = import_path(path, sessions)
    assert report.created == 1
    assert "seed.yaml:2" in report.rejected[0].reason
    assert "name" in report.rejected[0].reason


def test_catalogue_codes_are_mapped_to_national_records(tmp_path, sessions) -> None:
    write_lines(tmp_path / "export.jsonl", [json.dumps(portal_record("1.000894", "Cấp bản sao"))])
    import_path(tmp_path / "export.jsonl", sessions)
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(
        "code,name,field,org,level\n"
        "1.000894.000.00.00.H36,Cấp bản sao,Hộ tịch,UBND xã,Một phần\n"
        "2.999999.H36,Thủ tục riêng của tỉnh,Khác,Sở Tư pháp,Toàn trình\n",
        encoding="utf-8",
    )
    report = import_path(catalogue, sessions)
    assert (report.mapped, report.created) == (1, 1)
    with sessions() as session:
        by_provincial = store.get_procedure(session, "1.000894.000.00.00.H36")
        assert by_provincial is not None and by_provincial.code == "1.000894"
    assert import_path(catalogue, sessions).mapped == 0


def curated(sessions) -> None:  # type: ignore[no-untyped-def]
    """A hand-written seed record with everyday keywords, as the seed file holds them."""
    from knowledge_base.schemas import ProcedureIn, SubmissionChannel

    with sessions.begin() as session:
        store.upsert(
            session,
            ProcedureIn(
                code="9.000001",
                name="Đăng ký khai sinh",
                keywords=["làm giấy khai sinh", "khai sinh cho con"],
                channels=[SubmissionChannel(channel="Trực tiếp", processing_time="Trong ngày")],
                source="seed",
            ),
        )


def test_a_portal_import_leaves_a_curated_record_as_written(tmp_path, sessions) -> None:
    curated(sessions)
    path = write_lines(tmp_path / "a.jsonl", [json.dumps(portal_record("9.000001", "Thủ tục"))])
    report = import_path(path, sessions)
    assert (report.kept_curated, report.updated) == (1, 0)
    assert report.as_dict()["kept_curated"] == 1
    with sessions() as session:
        row = store.get_procedure(session, "9.000001")
        assert (row.name, row.source, row.version) == ("Đăng ký khai sinh", "seed", 1)
        assert row.channels[0].processing_time == "Trong ngày"


def test_overwriting_a_curated_record_keeps_its_everyday_keywords(tmp_path, sessions) -> None:
    curated(sessions)
    path = write_lines(tmp_path / "a.jsonl", [json.dumps(portal_record("9.000001", "Thủ tục"))])
    report = import_path(path, sessions, overwrite_curated=True)
    assert report.updated == 1
    with sessions() as session:
        row = store.get_procedure(session, "9.000001")
        assert (row.name, row.source) == ("Thủ tục", "dichvucong")
        assert row.keywords == ["làm giấy khai sinh", "khai sinh cho con"]


def test_the_import_report_counts_each_normalisation(tmp_path, sessions) -> None:
    record = portal_record("9.000001", "Thủ tục")
    record["cach_thuc_thuc_hien"] = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc"
        "Miễn phí(Lệ phí 50.000 đồng/lần)Nộp tại bộ phận một cửa"
    )
    report = import_path(write_lines(tmp_path / "a.jsonl", [json.dumps(record)]), sessions)
    assert {
        "field": "channels.fee",
        "reason": "'Miễn phí' cell whose note names amounts",
        "count": 1,
    } in (report.as_dict()["normalisations"])
    with sessions() as session:
        channel = store.get_procedure(session, "9.000001").channels[0]
        assert channel.fee_kind == "amounts"
        assert channel.fee_items == [
            {
                "amount_vnd": 50_000,
                "per": "lần",
                "case": "Lệ phí",
                "valid_from": None,
                "valid_until": None,
            }
        ]
