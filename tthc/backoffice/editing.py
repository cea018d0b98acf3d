"""Editing one procedure: the form's text to a record, a preview of what the assistant will
say, saving with a version to go back to, rollback, retiring and restoring, and the audit.

A saved record is marked ``manual`` (curated: an import leaves it as it is) and read again
through the import's structuring, so an edited fee is understood as an imported one is.
The assistant reads each answer's record from the database, so a saved change is answered
at once; the search index is rebuilt after it, in the background.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.answers import facet_answer
from actions.deployment import DeploymentProfile
from actions.facets import Facet
from knowledge_base import schemas, store
from knowledge_base.importers.structuring import structure
from knowledge_base.models import ProcedureVersion
from tthc.backoffice import audit_log

TEXT_FIELDS = (
    "name", "field", "procedure_type", "decision_number", "competent_authority",
    "implementing_agency", "submission_address", "applicants", "conditions", "result",
    "related_procedures", "portal_url",
)  # fmt: skip
LIST_FIELDS = ("levels", "keywords", "steps", "documents", "channels", "legal_bases")
FORM_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS)  # what the editing form posts
T = TypeVar("T")
FACET_LABELS = {
    Facet.general: "Giới thiệu chung",
    Facet.documents: "Hồ sơ",
    Facet.fee: "Phí, lệ phí",
    Facet.processing_time: "Thời hạn",
    Facet.where_to_submit: "Nơi nộp",
    Facet.steps: "Trình tự",
    Facet.legal_basis: "Căn cứ pháp lý",
    Facet.conditions: "Điều kiện",
    Facet.result: "Kết quả",
    Facet.online_submission: "Nộp trực tuyến",
    Facet.deadline: "Thời hạn thực hiện",
}


@dataclass
class Problems:
    """What the form got wrong, by field, in Vietnamese."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def _parts(line: str, most: int) -> list[str | None]:
    cells = [cell.strip() or None for cell in line.split("|")]
    return cells + [None] * (most - len(cells))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _row(*cells: str | None) -> str:
    return " | ".join(" ".join((c or "").split()) for c in cells).rstrip(" |")


def _document_row(d: schemas.DossierDocument) -> str:
    return _row(d.name, d.template, d.copies, d.group)


def _channel_row(c: schemas.SubmissionChannel) -> str:
    return _row(c.channel, c.processing_time, c.fee, c.description)


def _step_row(step: str) -> str:
    return " ".join(step.split())


def as_form(p: schemas.ProcedureOut | schemas.ProcedureIn) -> dict[str, str]:
    """The record as the editing form shows it: a field each, lists one item a line."""
    form = {name: getattr(p, name) or "" for name in TEXT_FIELDS}
    form["levels"] = ", ".join(p.levels)
    form["keywords"] = ", ".join(p.keywords)
    form["steps"] = "\n".join(_step_row(s) for s in p.steps)
    form["documents"] = "\n".join(_document_row(d) for d in p.documents)
    form["channels"] = "\n".join(_channel_row(c) for c in p.channels)
    form["legal_bases"] = "\n".join(_row(b.number, b.title) for b in p.legal_bases)
    return form


def _kept_or_read(
    text: str, originals: list[T], shown: Callable[[T], str]
) -> list[tuple[int, str, T | None]]:
    """Each line of a list field with the original item it still shows unchanged, if any:
    an unchanged line keeps its item whole (line breaks, structured fees, recovered units)."""
    by_line: dict[str, list[T]] = {}
    for item in originals:
        by_line.setdefault(shown(item), []).append(item)
    return [
        (number, line, by_line[line].pop(0) if by_line.get(line) else None)
        for number, line in enumerate(_lines(text), start=1)
    ]


def from_form(
    current: schemas.ProcedureOut, form: dict[str, str]
) -> tuple[schemas.ProcedureIn, Problems]:
    """The edited record, structured as an import would be; and what is wrong with it."""
    problems = Problems()
    values = {name: (form.get(name) or "").strip() or None for name in TEXT_FIELDS}
    if not values["name"]:
        problems.add("name", "Tên thủ tục không được để trống.")
    documents = []
    for number, line, kept in _kept_or_read(
        form.get("documents", ""), current.documents, _document_row
    ):
        name, template, copies, group = _parts(line, 4)[:4]
        if kept is None and not name:
            problems.add("documents", f"Dòng {number}: thiếu tên giấy tờ.")
            continue
        documents.append(
            kept
            or schemas.DossierDocument(name=name, template=template, copies=copies, group=group)
        )
    channels = []
    for number, line, kept in _kept_or_read(
        form.get("channels", ""), current.channels, _channel_row
    ):
        if kept is not None:
            channels.append(kept)
            continue
        name, time_text, fee_text, description = _parts(line, 4)[:4]
        if not name:
            problems.add("channels", f"Dòng {number}: thiếu cách thức (Trực tiếp, Trực tuyến…).")
            continue
        channels.append(
            schemas.SubmissionChannel(
                channel=name, processing_time=time_text, fee=fee_text, description=description
            )
        )
    steps = [
        kept or line
        for _, line, kept in _kept_or_read(form.get("steps", ""), current.steps, _step_row)
    ]
    legal_bases = []
    for number, line in enumerate(_lines(form.get("legal_bases", "")), start=1):
        cells = _parts(line, 2)
        doc_number, title = (cells[0], cells[1]) if cells[1] else (None, cells[0])
        if not title:
            problems.add("legal_bases", f"Dòng {number}: thiếu tên văn bản.")
            continue
        legal_bases.append(schemas.LegalBasis(number=doc_number, title=title))
    if values["portal_url"] and not values["portal_url"].startswith(("https://", "http://")):
        problems.add("portal_url", "Địa chỉ trang cổng phải bắt đầu bằng https://")
    edited = schemas.ProcedureIn(
        code=current.code,
        provincial_codes=current.provincial_codes,
        name=values["name"] or current.name,
        levels=[v.strip() for v in (form.get("levels") or "").split(",") if v.strip()],
        keywords=[v.strip() for v in (form.get("keywords") or "").split(",") if v.strip()],
        steps=steps,
        documents=documents,
        channels=channels,
        legal_bases=legal_bases,
        status=current.status,
        source="manual",
        **{k: v for k, v in values.items() if k != "name"},
    )
    structured, _ = structure(edited)
    return structured, problems


def preview(
    procedure: schemas.ProcedureIn, profile: DeploymentProfile, today: date
) -> list[tuple[str, str]]:
    """What the assistant would answer for each facet, as the record now stands."""
    shown = schemas.ProcedureOut(**procedure.model_dump(), updated_at=datetime.now(UTC), version=0)
    answers = []
    for facet, label in FACET_LABELS.items():
        part = facet_answer(shown, facet, profile, today, full=True)
        answers.append((label, part.text if part else "(Trợ lý sẽ nói: cổng không ghi mục này.)"))
    return answers


def _keep_version(session: Session, code: str, username: str) -> schemas.ProcedureOut:
    row = store.get_procedure(session, code)
    if row is None:
        raise LookupError(code)
    store.keep_version(session, row, username)
    return store.to_schema(row)


def save(
    session: Session, edited: schemas.ProcedureIn, username: str, action: str = "edit"
) -> list[str]:
    """Store the edit, keeping the record it replaces; the lines that changed."""
    current = _keep_version(session, edited.code, username)
    store.upsert(session, edited, overwrite_curated=True)
    changed = diff(current, edited)
    audit_log.record(session, username, action, edited.code, "\n".join(changed)[:4000] or None)
    return changed


def rollback(session: Session, code: str, version_id: int, username: str) -> list[str]:
    kept = session.get(ProcedureVersion, version_id)
    if kept is None or kept.procedure_code != code:
        raise LookupError(version_id)
    snapshot = {k: v for k, v in kept.snapshot.items() if k not in ("updated_at", "version")}
    current = store.get_procedure(session, code)
    # The content goes back; whether the procedure applies stays as it is now.
    status = current.status if current is not None else snapshot.get("status")
    restored = schemas.ProcedureIn.model_validate(
        {**snapshot, "status": status, "source": "manual"}
    )
    return save(session, restored, username, action=f"rollback to v{kept.version}")


def set_status(session: Session, code: str, status: schemas.ProcedureStatus, username: str) -> None:
    current = _keep_version(session, code, username)
    edited = schemas.ProcedureIn.model_validate(
        {
            **current.model_dump(exclude={"updated_at", "version"}),
            "status": status,
            "source": "manual",
        }
    )
    store.upsert(session, edited, overwrite_curated=True)
    audit_log.record(
        session,
        username,
        "retire" if status is schemas.ProcedureStatus.retired else "restore",
        code,
    )


def _text(p: schemas.ProcedureIn) -> list[str]:
    form = as_form(p)
    lines = []
    for name, value in form.items():
        for line in value.splitlines() or [""]:
            lines.append(f"{name}: {line}")
    return lines


def diff(old: schemas.ProcedureIn, new: schemas.ProcedureIn) -> list[str]:
    """The form's lines that differ, as - old / + new."""
    return [
        line
        for line in difflib.unified_diff(_text(old), _text(new), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def versions(session: Session, code: str) -> list[ProcedureVersion]:
    return list(
        session.scalars(
            select(ProcedureVersion)
            .where(ProcedureVersion.procedure_code == code)
            .order_by(ProcedureVersion.id.desc())
        )
    )
