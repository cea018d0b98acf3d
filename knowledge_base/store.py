"""Reading and writing procedures: upsert by code, lookup, the knowledge-base version, and
what search indexes (``StoreCatalogue``)."""

from __future__ import annotations

import hashlib
import json
import re
from enum import Enum
from functools import lru_cache

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from knowledge_base import models, schemas
from knowledge_base.retrieval.corpus import Corpus, ProcedureText
from knowledge_base.retrieval.views import IndexedProcedure
from vntext.normalization import fold_diacritics

_LOAD_ALL = (
    selectinload(models.Procedure.steps),
    selectinload(models.Procedure.documents),
    selectinload(models.Procedure.channels),
    selectinload(models.Procedure.legal_bases),
    selectinload(models.Procedure.provincial_code_rows),
)


class UpsertOutcome(str, Enum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"
    kept_curated = "kept_curated"


CURATED_SOURCES = frozenset({"seed", "manual"})
"""Records a person wrote or edited: an import of another source does not overwrite them."""


def content_hash(item: schemas.ProcedureIn) -> str:
    """Hash of everything but the provincial codes, which catalogues add separately."""
    payload = item.model_dump(mode="json", exclude={"provincial_codes"})
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _fill(row: models.Procedure, item: schemas.ProcedureIn) -> None:
    scalars = item.model_dump(
        exclude={"provincial_codes", "steps", "documents", "channels", "legal_bases", "status"}
    )
    for key, value in scalars.items():
        setattr(row, key, value)
    row.status = item.status.value
    row.steps = [models.ProcedureStep(position=i, text=t) for i, t in enumerate(item.steps)]
    row.documents = [
        models.DossierDocument(position=i, **d.model_dump()) for i, d in enumerate(item.documents)
    ]
    row.channels = [
        models.SubmissionChannel(position=i, **c.model_dump(mode="json"))
        for i, c in enumerate(item.channels)
    ]
    row.legal_bases = [
        models.LegalBasis(position=i, **b.model_dump()) for i, b in enumerate(item.legal_bases)
    ]


def upsert(
    session: Session, item: schemas.ProcedureIn, overwrite_curated: bool = False
) -> UpsertOutcome:
    """Insert or update one procedure by code; an identical re-import changes nothing.

    A curated record (seed or manual) is left as it is when the item comes from another
    source, unless ``overwrite_curated``; even then its everyday keywords are kept.
    """
    found = session.execute(
        select(models.Procedure.content_hash, models.Procedure.source).where(
            models.Procedure.code == item.code
        )
    ).first()
    stored, stored_source = found if found else (None, None)
    curated = stored_source in CURATED_SOURCES and item.source != stored_source
    if curated and not overwrite_curated:
        if item.provincial_codes:
            row = _loaded(session, item.code)
            for code in item.provincial_codes:
                add_provincial_code(session, row, code)
        return UpsertOutcome.kept_curated
    digest = content_hash(item)
    if stored is None:
        row = models.Procedure(code=item.code, content_hash=digest, version=1)
        _fill(row, item)
        session.add(row)
        outcome = UpsertOutcome.created
    elif stored == digest and not item.provincial_codes:
        # Most of a re-import: nothing changed, so nothing of the record is loaded.
        return UpsertOutcome.unchanged
    else:
        row = _loaded(session, item.code)
        if stored != digest:
            if curated and item.source not in CURATED_SOURCES:
                # An import overwriting a hand-kept record: it can be gone back to.
                keep_version(session, row, "import")
            kept_keywords = list(row.keywords or [])
            _fill(row, item)
            if curated and not item.keywords:
                row.keywords = kept_keywords
            row.content_hash = digest
            row.version += 1
            row.updated_at = models.utcnow()
            outcome = UpsertOutcome.updated
        else:
            outcome = UpsertOutcome.unchanged
    for code in item.provincial_codes:
        add_provincial_code(session, row, code)
    return outcome


def _loaded(session: Session, code: str) -> models.Procedure:
    """A stored record with its children, by its national code."""
    return session.scalars(
        select(models.Procedure).where(models.Procedure.code == code).options(*_LOAD_ALL)
    ).one()


def keep_version(session: Session, row: models.Procedure, replaced_by: str) -> None:
    """Keep the record as it is now, before it is replaced (back-office versions)."""
    session.add(
        models.ProcedureVersion(
            procedure_code=row.code,
            version=row.version,
            snapshot=json.loads(to_schema(row).model_dump_json()),
            replaced_by=replaced_by,
        )
    )


def add_provincial_code(session: Session, row: models.Procedure, code: str) -> bool:
    """Attach a province's code to a procedure; False when it was already there."""
    if code == row.code or code in row.provincial_codes:
        return False
    existing = session.scalar(
        select(models.ProvincialCode).where(models.ProvincialCode.code == code)
    )
    if existing is not None:
        existing.procedure = row
    else:
        row.provincial_code_rows.append(models.ProvincialCode(code=code))
    row.updated_at = models.utcnow()
    return True


def get_procedure(session: Session, code: str) -> models.Procedure | None:
    """Find a procedure by its national code or one of its provincial codes."""
    code = code.strip()
    return session.scalar(
        select(models.Procedure)
        .outerjoin(models.ProvincialCode)
        .where(or_(models.Procedure.code == code, models.ProvincialCode.code == code))
        .options(*_LOAD_ALL)
        .limit(1)
    )


def active_procedures(session: Session) -> list[models.Procedure]:
    return list(
        session.scalars(
            select(models.Procedure)
            .where(models.Procedure.status == schemas.ProcedureStatus.active.value)
            .options(*_LOAD_ALL)
            .order_by(models.Procedure.code)
        )
    )


def count_procedures(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(models.Procedure)) or 0


def kb_version(session: Session) -> str:
    """A fingerprint of the indexed content: changes whenever a procedure's content does."""
    digest = hashlib.sha256()
    rows = session.execute(
        select(
            models.Procedure.code, models.Procedure.content_hash, models.Procedure.status
        ).order_by(models.Procedure.code)
    )
    for code, content, status in rows:
        digest.update(f"{code}:{content}:{status}\n".encode())
    return digest.hexdigest()[:16]


def to_schema(row: models.Procedure) -> schemas.ProcedureOut:
    return schemas.ProcedureOut(
        code=row.code,
        provincial_codes=row.provincial_codes,
        name=row.name,
        levels=list(row.levels or []),
        field=row.field,
        procedure_type=row.procedure_type,
        decision_number=row.decision_number,
        competent_authority=row.competent_authority,
        implementing_agency=row.implementing_agency,
        submission_address=row.submission_address,
        applicants=row.applicants,
        conditions=row.conditions,
        steps=row.step_texts,
        documents=[schemas.DossierDocument.model_validate(d) for d in row.documents],
        channels=[schemas.SubmissionChannel.model_validate(c) for c in row.channels],
        legal_bases=[schemas.LegalBasis.model_validate(b) for b in row.legal_bases],
        result=row.result,
        related_procedures=row.related_procedures,
        portal_url=row.portal_url,
        keywords=list(row.keywords or []),
        status=schemas.ProcedureStatus(row.status),
        source=row.source,
        updated_at=row.updated_at,
        version=row.version,
    )


def indexed_procedure(row: models.Procedure) -> IndexedProcedure:
    return IndexedProcedure(
        code=row.code,
        name=row.name,
        levels=list(row.levels or []),
        field=row.field,
        keywords=list(row.keywords or []),
    )


def knowledge_base_wording(rows: list[models.Procedure]) -> list[str]:
    """Everyday wording of the knowledge base, from which diacritics are restored."""
    texts: list[str] = []
    for row in rows:
        texts.extend(t for t in (row.result, row.applicants) if t)
        texts.extend(document.name for document in row.documents)
    return texts


class StoreCatalogue:
    """The active procedures as search indexes them (``retrieval.corpus.Catalogue``)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def corpus(self) -> Corpus:
        with self.sessions() as session:
            rows = active_procedures(session)
            return Corpus(
                procedures=[indexed_procedure(row) for row in rows],
                wording=knowledge_base_wording(rows),
                version=kb_version(session),
            )

    def version(self) -> str:
        with self.sessions() as session:
            return kb_version(session)

    def training_texts(self) -> list[ProcedureText]:
        with self.sessions() as session:
            return [
                ProcedureText(indexed_procedure(row), result=row.result, applicants=row.applicants)
                for row in active_procedures(session)
            ]

    def word_lists(self) -> list[tuple[str, str, str]]:
        with self.sessions() as session:
            rows = session.execute(
                select(
                    models.WordListEntry.word_list,
                    models.WordListEntry.phrase,
                    models.WordListEntry.meaning,
                )
                .where(models.WordListEntry.removed_at.is_(None))
                .order_by(models.WordListEntry.id)
            )
            return [tuple(row) for row in rows]


_LEVEL_WORDS = re.compile(
    r"\b(?:(?:thuc hien )?(?:tai |o )?cap (?:xa|huyen|tinh|bo|trung uong))\b|[^a-z0-9 ]"
)


@lru_cache(maxsize=16_384)
def variant_key(name: str) -> str:
    """A name without its level (cấp xã, cấp tỉnh…), folded: the key variants share."""
    folded = _LEVEL_WORDS.sub(" ", fold_diacritics(name.lower()))
    return " ".join(folded.split())


def variants_of(session: Session, row: models.Procedure) -> list[models.Procedure]:
    """The other active procedures of the same name at other levels or for other cases,
    for civil servants to compare."""
    key = variant_key(row.name)
    codes = [
        code
        for code, name in session.execute(
            select(models.Procedure.code, models.Procedure.name).where(
                models.Procedure.status == schemas.ProcedureStatus.active.value,
                models.Procedure.id != row.id,
            )
        )
        if variant_key(name) == key
    ]
    return [p for code in codes if (p := get_procedure(session, code)) is not None]
