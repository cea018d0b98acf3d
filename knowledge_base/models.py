"""ORM models of the knowledge base (SQLAlchemy 2, typed ``Mapped`` columns).

Every fact a citizen asks about is a column or a child row, never a blob, so that answers
quote fields and administrators can edit them one by one.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Procedure(Base):
    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(Text)
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)
    field: Mapped[str | None] = mapped_column(Text)
    procedure_type: Mapped[str | None] = mapped_column(Text)
    decision_number: Mapped[str | None] = mapped_column(Text)
    competent_authority: Mapped[str | None] = mapped_column(Text)
    implementing_agency: Mapped[str | None] = mapped_column(Text)
    submission_address: Mapped[str | None] = mapped_column(Text)
    applicants: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    related_procedures: Mapped[str | None] = mapped_column(Text)
    portal_url: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    steps: Mapped[list[ProcedureStep]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="ProcedureStep.position"
    )
    documents: Mapped[list[DossierDocument]] = relationship(
        back_populates="procedure",
        cascade="all, delete-orphan",
        order_by="DossierDocument.position",
    )
    channels: Mapped[list[SubmissionChannel]] = relationship(
        back_populates="procedure",
        cascade="all, delete-orphan",
        order_by="SubmissionChannel.position",
    )
    legal_bases: Mapped[list[LegalBasis]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="LegalBasis.position"
    )
    provincial_code_rows: Mapped[list[ProvincialCode]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="ProvincialCode.code"
    )

    @property
    def step_texts(self) -> list[str]:
        return [step.text for step in self.steps]

    @property
    def provincial_codes(self) -> list[str]:
        return [row.code for row in self.provincial_code_rows]


class ProcedureStep(Base):
    __tablename__ = "procedure_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    procedure: Mapped[Procedure] = relationship(back_populates="steps")


class DossierDocument(Base):
    __tablename__ = "dossier_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(Text)
    copies: Mapped[str | None] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column(Text)
    procedure: Mapped[Procedure] = relationship(back_populates="documents")


class SubmissionChannel(Base):
    __tablename__ = "submission_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(Text)
    processing_time: Mapped[str | None] = mapped_column(Text)
    processing_days: Mapped[float | None] = mapped_column(Float)
    time_unit: Mapped[str | None] = mapped_column(Text)
    fee: Mapped[str | None] = mapped_column(Text)
    fee_vnd: Mapped[int | None] = mapped_column(Integer)
    fee_kind: Mapped[str | None] = mapped_column(String(16))
    fee_items: Mapped[list[dict]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    fee_remarks: Mapped[list[dict]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    fee_references: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    description: Mapped[str | None] = mapped_column(Text)
    procedure: Mapped[Procedure] = relationship(back_populates="channels")


class LegalBasis(Base):
    __tablename__ = "legal_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    procedure: Mapped[Procedure] = relationship(back_populates="legal_bases")


class ProvincialCode(Base):
    """A province's own code for a national procedure (``1.000894.000.00.00.H36``)."""

    __tablename__ = "provincial_codes"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    procedure: Mapped[Procedure] = relationship(back_populates="provincial_code_rows")


class DossierRecord(Base):
    """A submitted dossier's status, as the local demo provider of dossier tracking keeps it.

    A province plugs its own tracking API in instead (see actions/dossier_status.py); this
    table serves demos, tests and provinces that push statuses in by import.
    """

    __tablename__ = "dossier_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_code: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    procedure_code: Mapped[str | None] = mapped_column(String(64))
    procedure_name: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    agency: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AnswerFeedback(Base):
    """A citizen's good/bad verdict on an answer, for administrators to review."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    procedure_code: Mapped[str | None] = mapped_column(String(64), index=True)
    helpful: Mapped[bool] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    """A back-office account: a civil servant at the counter (cán bộ), an editor of the
    knowledge base (biên tập), an analyst (phân tích) or an administrator (quản trị)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    full_name: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignIn(Base):
    """One attempt to sign in to the back-office, kept for the audit whether it succeeded
    or not (``reason``: wrong_password, unknown_user, disabled, throttled)."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column()
    reason: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Turn(Base):
    """One question a citizen asked and what became of it, for the back-office: what people
    ask, what went unanswered, how fast. The question is kept masked; ``conversation_id``
    is the channel's id (deleted with the conversation on request)."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(64))
    facet: Mapped[str | None] = mapped_column(String(32))
    procedure_code: Mapped[str | None] = mapped_column(String(64), index=True)
    # answered, clarified, not_found, handed_off, rated_good, rated_bad, dossier, greeted
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    latency_ms: Mapped[int | None] = mapped_column(Integer)


class QuestionLabel(Base):
    """An editor's verdict on a question citizens asked: the procedure that answers it, or
    none (out of scope). Labelled questions become evaluation data (`tthc kb eval`)."""

    __tablename__ = "question_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)  # masked, as the turn kept it
    procedure_code: Mapped[str | None] = mapped_column(String(64))  # None: out of scope
    labelled_by: Mapped[str] = mapped_column(String(64))
    labelled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvaluationRun(Base):
    """The search measured on the labelled questions at one moment, so the back-office shows
    what a change to the knowledge base did (before and after)."""

    __tablename__ = "evaluation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    questions: Mapped[int] = mapped_column(Integer)
    hit_at_1: Mapped[float | None] = mapped_column(Float)
    hit_at_5: Mapped[float | None] = mapped_column(Float)
    abstain_out_of_scope: Mapped[float | None] = mapped_column(Float)
    run_by: Mapped[str] = mapped_column(String(64))


class ProcedureVersion(Base):
    """A procedure as it was before an edit or a rollback (the whole record, as the API
    returns it), so an editor can see what changed and go back."""

    __tablename__ = "procedure_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    replaced_by: Mapped[str] = mapped_column(String(64))  # who saved the next version
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who did what in the back-office, and when: edits, rollbacks, retirements, labels."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(128))
    detail: Mapped[str | None] = mapped_column(Text)


class ImportJob(Base):
    """An import started from the back-office, with its progress and, once done, its
    report (what was created, updated, kept, rejected and normalised, by field and reason)."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    started_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="running")  # done, failed
    processed: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    overwrite_curated: Mapped[bool] = mapped_column(default=False)
    report: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class WordListEntry(Base):
    """A word-list entry an editor added in the back-office (an abbreviation, an everyday
    synonym, an action, a special case), merged over the built-in lists. Removing one keeps
    the row with who removed it and when, so the lists' history can be read and undone."""

    __tablename__ = "word_list_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    word_list: Mapped[str] = mapped_column(String(16), index=True)
    phrase: Mapped[str] = mapped_column(String(100))
    meaning: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    removed_by: Mapped[str | None] = mapped_column(String(64))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ServiceHeartbeat(Base):
    """The assistant said it was up, once a minute while `tthc serve` runs, with the state
    of its Rasa server: what the yearly report's availability is measured from."""

    __tablename__ = "service_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    engine: Mapped[str] = mapped_column(String(16))  # ok, starting, down, not-run
