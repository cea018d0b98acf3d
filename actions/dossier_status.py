"""Dossier tracking: recognise a receipt code and ask a provider for the dossier's status.

The province's own tracking system (its one-stop information system) is not reachable
from here, so the default provider reads the local ``dossier_records`` table. A province
plugs its own in with ``TTHC_DOSSIER_PROVIDER=package.module:ClassName``: a class taking
the settings and having ``lookup(receipt_code) -> DossierStatus | None`` (see README).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge_base.models import DossierRecord
from vntext.receipt_codes import RECEIPT_CODE

# Something that is probably a receipt code typed wrong: it starts like one (000.00) or
# holds its agency part (H51-25...). Dates (21.02.2025) and amounts (50.000) do not.
_CODE_ATTEMPT = re.compile(r"\b\d{3}\.\d{2}\b|\b[A-Z]\d{2}-\d{4}", re.IGNORECASE)


@dataclass(frozen=True)
class DossierStatus:
    receipt_code: str
    status: str
    procedure_name: str | None = None
    received_at: datetime | None = None
    due_at: datetime | None = None
    agency: str | None = None
    note: str | None = None


class DossierStatusProvider(Protocol):
    def lookup(self, receipt_code: str) -> DossierStatus | None: ...


def looks_like_a_code(text: str) -> bool:
    """True when the message holds a code-like string that is not a valid receipt code."""
    return bool(_CODE_ATTEMPT.search(text)) and not RECEIPT_CODE.search(text)


class LocalTableProvider:
    """Statuses from the ``dossier_records`` table (demos, tests, pushed imports)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def lookup(self, receipt_code: str) -> DossierStatus | None:
        with self.sessions() as session:
            row = session.scalar(
                select(DossierRecord).where(DossierRecord.receipt_code == receipt_code.upper())
            )
            if row is None:
                return None
            return DossierStatus(**{f.name: getattr(row, f.name) for f in fields(DossierStatus)})


def load_provider(
    name: str, sessions: sessionmaker[Session], settings: Any
) -> DossierStatusProvider:
    """The provider called ``name`` (``TTHC_DOSSIER_PROVIDER``): ``local``, or a province's
    ``package.module:ClassName``, which is built with the deployment's ``settings``."""
    if name == "local":
        return LocalTableProvider(sessions)
    module_name, _, class_name = name.partition(":")
    if not class_name:
        raise ValueError(
            f"TTHC_DOSSIER_PROVIDER must be 'local' or 'package.module:ClassName', not {name!r}"
        )
    provider_class = getattr(importlib.import_module(module_name), class_name)
    return provider_class(settings)


def load_demo_records(session: Session, path: Path) -> int:
    """Put the demo dossiers into an empty table; returns how many were added."""
    if session.scalar(select(DossierRecord.id).limit(1)) is not None:
        return 0
    records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for record in records:
        for key in ("received_at", "due_at"):
            if isinstance(record.get(key), date):
                record[key] = datetime.combine(record[key], datetime.min.time())
        session.add(DossierRecord(**{**record, "receipt_code": record["receipt_code"].upper()}))
    return len(records)


class LookupLimit:
    """How many dossiers one conversation may look up (``limit``, e.g. "20/hour"): a receipt
    code is structured (agency-yymmdd-sequence), so without a limit the look-up would
    answer whoever walks through the sequence numbers."""

    def __init__(self, limit: str = "20/hour") -> None:
        from limits import parse, storage, strategies

        self._item = parse(limit)
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    def allows(self, conversation: str) -> bool:
        return self._limiter.hit(self._item, "dossier", conversation)
