"""The dashboard (phân tích, quản trị): questions per day and channel, share answered and
rated good, top procedures and unanswered questions, p95 latency, over a date range; and
the yearly report as XLSX or PDF."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from tthc.analytics import CHANNEL_LABELS, OUTCOME_LABELS, figures
from tthc.api.deps import DashboardUser, ReportsUser, ServicesDep, SessionDep, asked_period
from tthc.api.templating import admin_page
from tthc.backoffice import charts, yearly_report

router = APIRouter(prefix="/admin", tags=["back-office"], include_in_schema=False)

Year = Annotated[int, Path(ge=2020, le=2100)]


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    user: DashboardUser,
    services: ServicesDep,
    session: SessionDep,
    start: date | None = None,
    end: date | None = None,
) -> HTMLResponse:
    start, end = asked_period(start, end, longest_days=366)
    shown = figures(session, start, end)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    channels = sorted(shown.channels) or ["portal"]
    per_day = charts.stacked_bars(
        [d.strftime("%d/%m") for d in days],
        [
            charts.Series(
                CHANNEL_LABELS.get(c, c), [shown.per_day.get(d, {}).get(c, 0) for d in days]
            )
            for c in channels
        ],
        "Câu hỏi mỗi ngày theo kênh",
    )
    outcomes = charts.horizontal_bars(
        [(OUTCOME_LABELS.get(o, o), n) for o, n in shown.outcomes.most_common()],
        "Kết quả các lượt hỏi",
    )
    procedures = charts.horizontal_bars(
        [(f"{code} {name}", n) for code, name, n in shown.top_procedures],
        "Thủ tục được hỏi nhiều nhất",
    )
    context = {
        "f": shown,
        "start": start,
        "end": end,
        "charts": {"per_day": per_day, "outcomes": outcomes, "procedures": procedures},
        "year": end.year,
    }
    return admin_page(request, services, "admin/dashboard.html", context, user=user)


@router.get("/reports/{year}.xlsx")
def report_xlsx(
    year: Year, user: ReportsUser, services: ServicesDep, session: SessionDep
) -> Response:
    report = yearly_report.build(session, year, services.profile.province)
    return Response(
        yearly_report.to_xlsx(report),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="bao-cao-tro-ly-ao-{year}.xlsx"'},
    )


@router.get("/reports/{year}.pdf")
def report_pdf(
    year: Year, user: ReportsUser, services: ServicesDep, session: SessionDep
) -> Response:
    report = yearly_report.build(session, year, services.profile.province)
    try:
        font = yearly_report.report_font(services.settings.report_font)
    except yearly_report.NoFont as error:
        raise HTTPException(503, str(error)) from None
    return Response(
        yearly_report.to_pdf(report, font),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="bao-cao-tro-ly-ao-{year}.pdf"'},
    )
