"""Run an import: detect the file's format, parse record by record, upsert in batches.

Each batch is one transaction, so a failure part-way loses nothing already stored, and a
bad record (truncated JSON, wrong encoding, no code) is reported with its file and line
and skipped, never half-written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from knowledge_base import schemas, store
from knowledge_base.importers import catalogue, dichvucong
from knowledge_base.importers.errors import RecordError
from knowledge_base.importers.structuring import structure

BATCH_SIZE = 200
ProgressCallback = Callable[[int, int], None]
"""Called with (units done, units in all) as the import advances."""


class ImportFormatError(ValueError):
    """The file is not in a format the importer knows; nothing was stored."""


class BatchFailed(RuntimeError):
    """Storing a batch failed; it was rolled back and earlier batches are kept."""


@dataclass
class RejectedRecord:
    line: int
    reason: str


@dataclass
class ImportReport:
    path: Path
    format: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    mapped: int = 0
    kept_curated: int = 0
    overwrite_curated: bool = False
    normalisations: Counter[tuple[str, str]] = field(default_factory=Counter)
    rejected: list[RejectedRecord] = field(default_factory=list)
    parse_issues: Counter[tuple[str, str]] = field(default_factory=Counter)
    records_with_issues: int = 0

    @property
    def skipped(self) -> int:
        return len(self.rejected)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.mapped)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "imported": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "mapped_provincial_codes": self.mapped,
            "kept_curated": self.kept_curated,
            "skipped": self.skipped,
            "rejected": [{"line": r.line, "reason": r.reason} for r in self.rejected],
            "records_with_parse_issues": self.records_with_issues,
            "parse_issues": [
                {"field": f, "reason": r, "count": n} for (f, r), n in self.parse_issues.items()
            ],
            "normalisations": [
                {"field": f, "reason": r, "count": n}
                for (f, r), n in sorted(self.normalisations.items())
            ],
        }


# One parsed unit: (line, procedure or catalogue entry, issues) or (line, RecordError).
_Parsed = tuple[int, Any, list[schemas.ParseIssue]] | tuple[int, RecordError]


def detect_format(path: Path) -> str:
    """Name the importer for a file from its extension and, for JSON lines, its first record."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".xlsx"}:
        return "catalogue"
    if suffix in {".yaml", ".yml"}:
        return "native"
    if suffix in {".jsonl", ".json", ".ndjson"}:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    first = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as error:
                    raise ImportFormatError(
                        f"{path}:{number}: the first record is not valid UTF-8 JSON ({error})"
                    ) from error
                if isinstance(first, dict) and "ma_thu_tuc" in first:
                    return "dichvucong"
                if isinstance(first, dict) and {"code", "name"} <= first.keys():
                    return "native"
                raise ImportFormatError(
                    f"{path}:{number}: unknown record shape; expected the national portal's "
                    "export (ma_thu_tuc, ten_thu_tuc, ...) or the project's own (code, name, ...)"
                )
        raise ImportFormatError(f"{path}: the file is empty")
    raise ImportFormatError(
        f"{path}: unknown format '{suffix or 'no extension'}'; "
        "expected .jsonl (national portal or project), .yaml (project), .csv or .xlsx (catalogue)"
    )


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | RecordError]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as error:
                yield number, RecordError(f"{path}:{number}: not UTF-8 text ({error.reason})")
                continue
            except json.JSONDecodeError as error:
                yield (
                    number,
                    RecordError(
                        f"{path}:{number}: invalid or truncated JSON ({error.msg} at column "
                        f"{error.colno})"
                    ),
                )
                continue
            if not isinstance(record, dict):
                yield number, RecordError(f"{path}:{number}: a record must be a JSON object")
                continue
            yield number, record


def _parse_dichvucong(path: Path) -> Iterator[_Parsed]:
    for number, record in _json_lines(path):
        if isinstance(record, RecordError):
            yield number, record
            continue
        try:
            item, issues = dichvucong.parse_record(record)
        except RecordError as error:
            yield number, RecordError(f"{path}:{number}: {error}")
            continue
        yield number, item, issues


def _native_item(path: Path, number: int, record: Any) -> _Parsed:
    try:
        item = schemas.ProcedureIn.model_validate(record)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        return number, RecordError(f"{path}:{number}: field '{where}': {first['msg']}")
    return number, item, []


def _parse_native(path: Path) -> Iterator[_Parsed]:
    if path.suffix.lower() in {".yaml", ".yml"}:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as error:
            raise ImportFormatError(f"{path}: not a readable YAML file ({error})") from error
        items = document.get("procedures") if isinstance(document, dict) else None
        if not isinstance(items, list):
            raise ImportFormatError(f"{path}: expected a top-level 'procedures:' list")
        for number, record in enumerate(items, start=1):
            yield _native_item(path, number, record)
        return
    for number, record in _json_lines(path):
        if isinstance(record, RecordError):
            yield number, record
        else:
            yield _native_item(path, number, record)


def _parse_catalogue(path: Path) -> Iterator[_Parsed]:
    try:
        for number, row in catalogue.read_catalogue(path):
            try:
                yield number, catalogue.parse_catalogue_row(row, number), []
            except RecordError as error:  # the message already names the line
                yield number, RecordError(f"{path}: {error}")
    except RecordError as error:
        # An unreadable file (encoding, missing columns) stops the import where it is.
        raise ImportFormatError(str(error)) from error


def _store_catalogue_entry(
    session: Session, entry: catalogue.CatalogueEntry, report: ImportReport
) -> None:
    """Map a provincial code to its national record, or keep the entry on its own."""
    national = store.get_procedure(session, entry.national_code) if entry.national_code else None
    if national is not None:
        if store.add_provincial_code(session, national, entry.provincial_code):
            report.mapped += 1
        else:
            report.unchanged += 1
        return
    item = schemas.ProcedureIn(
        code=entry.provincial_code,
        name=entry.name,
        field=entry.field,
        implementing_agency=entry.agency,
        source="catalogue",
    )
    _count(report, store.upsert(session, item, report.overwrite_curated))


def _count(report: ImportReport, outcome: store.UpsertOutcome) -> None:
    if outcome is store.UpsertOutcome.created:
        report.created += 1
    elif outcome is store.UpsertOutcome.updated:
        report.updated += 1
    elif outcome is store.UpsertOutcome.kept_curated:
        report.kept_curated += 1
    else:
        report.unchanged += 1


def _count_lines(path: Path) -> int:
    if path.suffix.lower() in {".yaml", ".yml", ".xlsx"}:
        return 0
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def import_path(
    path: Path,
    sessions: sessionmaker[Session],
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
    overwrite_curated: bool = False,
) -> ImportReport:
    """Import one file into the knowledge base and report what happened.

    Every procedure goes through ``structuring.structure`` first; seed and manually edited
    records are kept unless ``overwrite_curated``.
    """
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such file")
    kind = detect_format(path)
    parsers = {
        "dichvucong": _parse_dichvucong,
        "native": _parse_native,
        "catalogue": _parse_catalogue,
    }
    report = ImportReport(path=path, format=kind, overwrite_curated=overwrite_curated)
    total = _count_lines(path)
    batch: list[tuple[int, Any]] = []

    def flush() -> None:
        if not batch:
            return
        first, last = batch[0][0], batch[-1][0]
        session = sessions()
        try:
            for _, unit in batch:
                if isinstance(unit, catalogue.CatalogueEntry):
                    _store_catalogue_entry(session, unit, report)
                else:
                    _count(report, store.upsert(session, unit, overwrite_curated))
                session.flush()
            session.commit()
        except Exception as error:
            session.rollback()
            raise BatchFailed(
                f"{path}: lines {first}-{last} could not be stored and were rolled back "
                f"({error.__class__.__name__}: {error}); earlier lines are kept"
            ) from error
        finally:
            session.close()
        batch.clear()

    last_line = 0
    for parsed in parsers[kind](path):
        last_line = parsed[0]
        if isinstance(parsed[1], RecordError):
            report.rejected.append(RejectedRecord(line=parsed[0], reason=str(parsed[1])))
        else:
            number, unit, issues = parsed
            if isinstance(unit, schemas.ProcedureIn):
                unit, normalised = structure(unit)
                for change in normalised:
                    report.normalisations[change] += 1
            if issues:
                report.records_with_issues += 1
                for issue in issues:
                    report.parse_issues[(issue.field, issue.reason)] += 1
            batch.append((number, unit))
            if len(batch) >= batch_size:
                flush()
        if progress:
            progress(last_line, total)
    flush()
    if progress:
        progress(total or last_line, total or last_line)
    return report
