"""Open data: the procedure knowledge base and monthly statistics of what the assistant did,
for the national portal and anyone else (no personal data: procedures hold none, and the
statistics are counts, with rare procedures and questions left out)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy import func, select

from knowledge_base import store
from knowledge_base.models import Procedure
from tthc.analytics import VIETNAM, figures
from tthc.api.deps import SessionDep, SettingsDep
from tthc.api.rate_limits import per_address
from tthc.backoffice.yearly_report import FORMULA_STARTS

router = APIRouter(
    prefix="/api/open-data",
    tags=["open data"],
    dependencies=[Depends(per_address("open-data", lambda r: "30/minute"))],
)

# A procedure asked about fewer times than this in a month is not named in the open
# statistics (a rare procedure in a small commune could point at a person).
MIN_COUNT = 5
CSV_COLUMNS = [
    "code", "provincial_codes", "name", "levels", "field", "implementing_agency",
    "channels", "processing_times", "fees", "legal_bases", "portal_url", "status", "updated_at",
]  # fmt: skip


def _as_text(cells: list[str]) -> list[str]:
    """A cell a spreadsheet would run as a formula is quoted as text (OWASP CSV injection)."""
    return [f"'{c}" if c.startswith(FORMULA_STARTS) else c for c in cells]


def _about(settings: SettingsDep, updated_at: datetime | None) -> dict[str, Any]:
    return {
        "licence": settings.open_data_licence,
        "publisher": settings.open_data_publisher,
        "updated_at": (updated_at or datetime.now(UTC)).isoformat(),
        "source": "Cổng Dịch vụ công quốc gia và cơ sở dữ liệu thủ tục hành chính của tỉnh",
    }


def _procedures(session: SessionDep) -> tuple[list[Any], datetime | None]:
    rows = store.active_procedures(session)
    updated = session.scalar(select(func.max(Procedure.updated_at)))
    return [store.to_schema(row) for row in rows], updated


@router.get("/procedures.json", summary="The procedure knowledge base, as JSON")
def procedures_json(session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    procedures, updated = _procedures(session)
    return {
        **_about(settings, updated),
        "count": len(procedures),
        "procedures": [p.model_dump(mode="json", exclude={"keywords"}) for p in procedures],
    }


@router.get("/procedures.csv", summary="The procedure knowledge base, one row each, as CSV")
def procedures_csv(session: SessionDep, settings: SettingsDep) -> Response:
    procedures, updated = _procedures(session)
    out = io.StringIO()
    about = _about(settings, updated)
    out.write(f"# {about['publisher']}; {about['licence']}; cập nhật {about['updated_at']}\n")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in procedures:
        writer.writerow(
            _as_text(
                [
                    p.code,
                    "; ".join(p.provincial_codes),
                    p.name,
                    "; ".join(p.levels),
                    p.field or "",
                    p.implementing_agency or "",
                    "; ".join(c.channel for c in p.channels),
                    "; ".join(f"{c.channel}: {c.processing_time or ''}" for c in p.channels),
                    "; ".join(f"{c.channel}: {c.fee or ''}" for c in p.channels),
                    "; ".join(b.number or b.title for b in p.legal_bases),
                    p.portal_url or "",
                    p.status.value,
                    p.updated_at.isoformat(),
                ]
            )
        )
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM, so spreadsheet programs read Vietnamese right
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="thu-tuc-hanh-chinh.csv"'},
    )


@router.get("/statistics.json", summary="Monthly anonymised statistics of the assistant")
def statistics(
    session: SessionDep,
    settings: SettingsDep,
    year: Annotated[int | None, Query(ge=2020, le=2100)] = None,
) -> dict[str, Any]:
    year = year or datetime.now(VIETNAM).year
    months = []
    for month in range(1, 13):
        start = date(year, month, 1)
        next_month = date(year + month // 12, month % 12 + 1, 1)
        shown = figures(session, start, next_month - timedelta(days=1))
        if not shown.turns:
            continue
        months.append(
            {
                "month": f"{year}-{month:02d}",
                "questions": shown.questions,
                "answered": shown.outcomes["answered"],
                "clarified": shown.outcomes["clarified"],
                "not_answered": shown.outcomes["not_found"] + shown.outcomes["handed_off"],
                "rated_good": shown.outcomes["rated_good"],
                "rated_bad": shown.outcomes["rated_bad"],
                "by_channel": dict(shown.channels),
                "top_procedures": [
                    {"code": code, "name": name, "questions": n}
                    for code, name, n in shown.top_procedures
                    if n >= MIN_COUNT
                ],
            }
        )
    return {**_about(settings, None), "year": year, "months": months}
