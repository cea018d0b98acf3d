"""The back-office's audit log: who changed what, and when (edits, rollbacks, retirements,
word lists)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge_base.models import AuditEntry


def record(
    session: Session, username: str, action: str, target: str, detail: str | None = None
) -> None:
    session.add(AuditEntry(username=username, action=action, target=target, detail=detail))
