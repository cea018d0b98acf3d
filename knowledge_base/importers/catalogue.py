"""Read provincial procedure catalogues (CSV or XLSX), e.g. a province's published list.

A catalogue only names procedures: code, name, field, agency, level. Provincial codes extend
the national ones (``1.000894.000.00.00.H36``, ``1.012275.H36`` → ``1.000894``, ``1.012275``),
so the importer can attach a provincial code to the national record it already holds.

Provinces publish these lists with their own headers, often in Vietnamese; headers are matched
without regard to case or diacritics (``Mã thủ tục``, ``ma_thu_tuc``, ``code`` are one column).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from knowledge_base.importers.errors import RecordError
from vntext.normalization import fold_diacritics

COLUMNS: tuple[str, ...] = ("code", "name", "field", "org", "level")
REQUIRED_COLUMNS: tuple[str, ...] = ("code", "name")

# Header spellings (after folding: lowercase, no diacritics, '_' between words) per column.
_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma", "ma_thu_tuc", "ma_tthc", "ma_so", "provincial_code", "ma_thu_tuc_hc"),
    "name": ("name", "ten", "ten_thu_tuc", "ten_tthc", "ten_thu_tuc_hanh_chinh"),
    "field": ("field", "linh_vuc"),
    "org": ("org", "agency", "co_quan", "co_quan_thuc_hien", "don_vi", "don_vi_thuc_hien"),
    "level": ("level", "cap", "cap_thuc_hien", "muc_do", "muc_do_dvc"),
}
_COLUMN_BY_ALIAS: dict[str, str] = {
    alias: column for column, aliases in _ALIASES.items() for alias in aliases
}
_NATIONAL_CODE = re.compile(r"(\d\.\d{6})(?:\.|$)")
_NON_WORD = re.compile(r"[^0-9a-z]+")


class CatalogueEntry(BaseModel):
    """One catalogue row: a provincial code and, when it has one, the national code inside."""

    provincial_code: str = Field(min_length=1)
    national_code: str | None = Field(None, description="Leading N.NNNNNN part, if present")
    name: str = Field(min_length=1)
    field: str | None = None
    agency: str | None = None
    level: str | None = None


def column_for_header(header: str) -> str | None:
    """The canonical column a header names (``Mã thủ tục`` → ``code``), or None."""
    folded = fold_diacritics(unicodedata.normalize("NFC", header)).casefold()
    key = _NON_WORD.sub("_", folded).strip("_")
    return _COLUMN_BY_ALIAS.get(key)


def national_code(provincial_code: str) -> str | None:
    """``1.000894.000.00.00.H36`` → ``1.000894``; None when the code has no national part."""
    match = _NATIONAL_CODE.match(provincial_code.strip())
    return match.group(1) if match else None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return text or None


def parse_catalogue_row(row: Mapping[str, str | None], line: int) -> CatalogueEntry:
    """One row (canonical or aliased headers) → entry; RecordError when it has no code/name."""
    values: dict[str, str | None] = {}
    for header, value in row.items():
        column = header if header in COLUMNS else column_for_header(str(header))
        if column is not None and values.get(column) is None:
            values[column] = _clean(value)
    code = values.get("code")
    if code is None:
        raise RecordError(f"line {line}: no procedure code (column 'code')")
    name = values.get("name")
    if name is None:
        raise RecordError(f"line {line}: procedure {code} has no name (column 'name')")
    return CatalogueEntry(
        provincial_code=code,
        national_code=national_code(code),
        name=name,
        field=values.get("field"),
        agency=values.get("org"),
        level=values.get("level"),
    )


def _header_map(path: Path, line: int, header: Sequence[Any]) -> dict[int, str]:
    """Cell index → canonical column; RecordError naming the line if a required one lacks."""
    columns: dict[int, str] = {}
    for index, cell in enumerate(header):
        column = column_for_header(str(cell)) if cell is not None else None
        if column is not None and column not in columns.values():
            columns[index] = column
    missing = [column for column in REQUIRED_COLUMNS if column not in columns.values()]
    if missing:
        found = ", ".join(str(cell) for cell in header if cell is not None) or "nothing"
        raise RecordError(
            f"{path}:{line}: missing required column(s) {', '.join(missing)} (header has: {found})"
        )
    return columns


def _row_dict(columns: dict[int, str], cells: Sequence[Any]) -> dict[str, str]:
    row = dict.fromkeys(columns.values(), "")
    for index, column in columns.items():
        if index < len(cells) and cells[index] is not None:
            row[column] = str(cells[index])
    return row


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RecordError(
            f"{path}:{line}: not UTF-8 text ({error.reason}); save the catalogue as UTF-8 CSV"
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: dict[int, str] | None = None
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = _header_map(path, start, cells)
                continue
            yield start, _row_dict(columns, cells)
    except csv.Error as error:
        raise RecordError(f"{path}:{line + 1}: malformed CSV ({error})") from error
    if columns is None:
        raise RecordError(f"{path}:1: empty catalogue, no header row")


def _xlsx_cell(value: Any, column: str | None) -> Any:
    """Excel turns codes like 1.000890 into numbers; give them back their six decimals."""
    if isinstance(value, float):
        if column == "code":
            return f"{value:.6f}"
        return str(int(value)) if value.is_integer() else str(value)
    return value


def _read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook  # only catalogues in XLSX need it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise RecordError(f"{path}: not a readable XLSX workbook ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        columns: dict[int, str] | None = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(cell is not None and str(cell).strip() for cell in cells):
                continue
            if columns is None:
                columns = _header_map(path, number, cells)
                continue
            values = [_xlsx_cell(cell, columns.get(index)) for index, cell in enumerate(cells)]
            yield number, _row_dict(columns, values)
        if columns is None:
            raise RecordError(f"{path}:1: empty catalogue, no header row")
    finally:
        workbook.close()


def read_catalogue(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line or sheet row number, row with canonical column names) from a CSV or XLSX.

    The first non-empty row is the header. Raises RecordError naming the file and line when
    the file is not UTF-8, a required column is missing, or the workbook cannot be read.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(path)
    elif suffix == ".xlsx":
        yield from _read_xlsx(path)
    else:
        raise RecordError(f"{path}: unsupported catalogue format '{suffix}' (use .csv or .xlsx)")
