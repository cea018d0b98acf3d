"""Provincial catalogues: codes mapped to national ones, headers in any spelling, bad files named.

Small catalogues are written for each test; the last tests read the real Lâm Đồng list in
../shared/data and skip when it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge_base.importers.catalogue import (
    CatalogueEntry,
    column_for_header,
    national_code,
    parse_catalogue_row,
    read_catalogue,
)
from knowledge_base.importers.errors import RecordError

pytestmark = pytest.mark.app

CATALOGUE_FILE = (
    Path(__file__).parents[2].parent / "shared" / "data" / "procedures" / "lamdong-catalogue.csv"
)


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- codes and rows


def test_long_provincial_code_gives_its_national_code() -> None:
    assert national_code("2.000123.000.00.00.H99") == "2.000123"


def test_short_provincial_code_gives_its_national_code() -> None:
    assert national_code("1.009876.H99") == "1.009876"


def test_national_code_alone_is_its_own_national_code() -> None:
    assert national_code("1.009876") == "1.009876"


@pytest.mark.parametrize("code", ["H99-0001", "1.0098", "TTHC-12", "12.000123.H99"])
def test_code_without_a_national_part_gives_none(code: str) -> None:
    assert national_code(code) is None


def test_row_becomes_an_entry() -> None:
    row = {
        "code": "1.009876.H99",
        "name": " Cấp thẻ đọc  thư viện ",
        "field": "Thư viện",
        "org": "Sở, ban ngành",
        "level": "Toàn trình",
    }
    assert parse_catalogue_row(row, 2) == CatalogueEntry(
        provincial_code="1.009876.H99",
        national_code="1.009876",
        name="Cấp thẻ đọc thư viện",
        field="Thư viện",
        agency="Sở, ban ngành",
        level="Toàn trình",
    )


def test_optional_columns_may_be_empty() -> None:
    entry = parse_catalogue_row({"code": "H99-0001", "name": "Thủ tục riêng", "field": ""}, 5)
    assert entry.national_code is None
    assert (entry.field, entry.agency, entry.level) == (None, None, None)


def test_row_without_code_names_its_line() -> None:
    with pytest.raises(RecordError, match="line 7: no procedure code"):
        parse_catalogue_row({"code": " ", "name": "Thủ tục"}, 7)


def test_row_without_name_names_its_line() -> None:
    with pytest.raises(RecordError, match=r"line 8: .*no name"):
        parse_catalogue_row({"code": "1.009876.H99", "name": ""}, 8)


def test_row_with_vietnamese_keys_is_accepted() -> None:
    entry = parse_catalogue_row({"Mã thủ tục": "1.009876.H99", "Tên thủ tục": "Cấp thẻ"}, 2)
    assert (entry.provincial_code, entry.name) == ("1.009876.H99", "Cấp thẻ")


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Mã thủ tục", "code"),
        ("MA_THU_TUC", "code"),
        ("ma thu tuc", "code"),
        ("Tên thủ tục", "name"),
        ("TÊN THỦ TỤC", "name"),
        ("Lĩnh vực", "field"),
        ("linh_vuc", "field"),
        ("Cơ quan", "org"),
        ("co_quan", "org"),
        ("Cấp", "level"),
        ("cap", "level"),
        ("Ghi chú", None),
    ],
)
def test_headers_match_without_case_or_diacritics(header: str, column: str | None) -> None:
    assert column_for_header(header) == column


# --------------------------------------------------------------------------- reading files


def test_csv_rows_come_with_their_line_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        "code,name,field,org,level\n"
        '1.009876.H99,Cấp thẻ thư viện,Thư viện,"Sở, ban ngành",Toàn trình\n'
        "\n"
        "2.000123.000.00.00.H99,Gia hạn thẻ,Thư viện,UBND Xã,Một phần\n",
    )
    rows = list(read_catalogue(path))
    assert [line for line, _ in rows] == [2, 4]
    assert rows[0][1]["org"] == "Sở, ban ngành"


def test_vietnamese_header_is_read(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "danh-muc.csv",
        "Mã thủ tục,Tên thủ tục,Lĩnh vực,Cơ quan,Cấp\n1.009876.H99,Cấp thẻ,Thư viện,Sở,Cấp tỉnh\n",
    )
    [(line, row)] = list(read_catalogue(path))
    entry = parse_catalogue_row(row, line)
    assert (entry.provincial_code, entry.field, entry.agency, entry.level) == (
        "1.009876.H99",
        "Thư viện",
        "Sở",
        "Cấp tỉnh",
    )


def test_utf8_with_bom_is_accepted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", "code,name\n1.009876.H99,Cấp thẻ\n", "utf-8-sig")
    [(_, row)] = list(read_catalogue(path))
    assert row["code"] == "1.009876.H99"


def test_wrong_encoding_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    # Line 3 is in a legacy Windows code page ("Đăng ký" as cp1258 bytes).
    path.write_bytes(
        "code,name\n1.009876.H99,Cấp thẻ\n".encode() + b"1.009877.H99,\xd0\xe3ng k\xfd\n"
    )
    with pytest.raises(RecordError, match=re.escape(f"{path}:3: not UTF-8")):
        list(read_catalogue(path))


def test_missing_required_column_names_file_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "no-name.csv", "\ncode,field\n1.009876.H99,Thư viện\n")
    with pytest.raises(RecordError, match=re.escape(f"{path}:2: missing required column(s) name")):
        list(read_catalogue(path))


def test_empty_csv_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="no header"):
        list(read_catalogue(write_csv(tmp_path / "empty.csv", "\n\n")))


def test_unsupported_extension_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="unsupported catalogue format"):
        list(read_catalogue(write_csv(tmp_path / "list.txt", "code,name\n")))


def test_xlsx_catalogue_is_read_with_sheet_row_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"])
    sheet.append(["1.009876.H99", "Cấp thẻ", "Thư viện"])
    sheet.append([None, None, None])
    sheet.append([1.00989, "Gia hạn thẻ", None])  # Excel stored the code as a number
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    rows = list(read_catalogue(path))
    assert [line for line, _ in rows] == [2, 4]
    entry = parse_catalogue_row(rows[1][1], rows[1][0])
    assert (entry.provincial_code, entry.national_code) == ("1.009890", "1.009890")


def test_unreadable_xlsx_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(RecordError, match="not a readable XLSX"):
        list(read_catalogue(path))


# --------------------------------------------------------------------------- the real list


@pytest.fixture(scope="module")
def real_entries() -> list[CatalogueEntry]:
    if not CATALOGUE_FILE.exists():
        pytest.skip(f"{CATALOGUE_FILE} is absent: this test reads the real data in ../shared/data")
    return [parse_catalogue_row(row, line) for line, row in read_catalogue(CATALOGUE_FILE)]


def test_every_real_catalogue_row_parses(real_entries: list[CatalogueEntry]) -> None:
    assert len(real_entries) == 1299


def test_real_catalogue_codes_map_to_national_codes(real_entries: list[CatalogueEntry]) -> None:
    assert all(entry.national_code for entry in real_entries)
    by_code = {entry.provincial_code: entry for entry in real_entries}
    assert by_code["1.000894.000.00.00.H36"].national_code == "1.000894"
    assert by_code["1.012275.H36"].national_code == "1.012275"
