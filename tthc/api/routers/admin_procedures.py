"""Editing the knowledge base (biên tập, quản trị): procedures listed and filtered, edited
with a preview of the assistant's answers, versions with their differences and rollback,
retiring and restoring, and the audit of who changed what."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import or_, select

from actions.actions import today_in_vietnam
from knowledge_base import schemas, store
from knowledge_base.models import AuditEntry, Procedure
from tthc.api.deps import EditorUser, FormToken, ServicesDep, SessionDep, procedure_or_404
from tthc.api.templating import admin_page
from tthc.backoffice import editing

router = APIRouter(prefix="/admin", tags=["back-office"], include_in_schema=False)

PAGE = 100
STALE = (
    "Thủ tục vừa được người khác lưu sau khi anh/chị mở trang này. Nội dung anh/chị sửa "
    "vẫn còn bên dưới: vui lòng mở lại trang sửa ở thẻ khác, đối chiếu rồi lưu lại."
)


@router.get("/procedures", response_class=HTMLResponse)
def procedures(
    request: Request,
    user: EditorUser,
    services: ServicesDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    field: Annotated[str, Query(max_length=200)] = "",
    level: Annotated[str, Query(max_length=50)] = "",
    status: Annotated[str, Query(max_length=16)] = "",
    source: Annotated[str, Query(max_length=32)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    filters = []
    if q.strip():
        words = f"%{q.strip()}%"
        filters.append(or_(Procedure.code.like(words), Procedure.name.ilike(words)))
    if field:
        filters.append(Procedure.field == field)
    if status:
        filters.append(Procedure.status == status)
    if source:
        filters.append(Procedure.source == source)
    # Levels are a JSON list: filtered here, the same on SQLite and PostgreSQL, over two
    # columns; only the page's rows are loaded whole.
    matching = [
        code
        for code, levels in session.execute(
            select(Procedure.code, Procedure.levels).where(*filters).order_by(Procedure.code)
        )
        if not level or level in (levels or [])
    ]
    total = len(matching)
    shown = matching[(page - 1) * PAGE : page * PAGE]
    rows = session.scalars(
        select(Procedure).where(Procedure.code.in_(shown)).order_by(Procedure.code)
    ).all()
    fields = [
        f
        for f in session.scalars(select(Procedure.field).distinct().order_by(Procedure.field))
        if f
    ]
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE)),
        "filters": {"q": q, "field": field, "level": level, "status": status, "source": source},
        "fields": fields,
    }
    return admin_page(request, services, "admin/procedures.html", context, user=user)


@router.get("/procedures/{code}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request, code: str, user: EditorUser, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    current = store.to_schema(procedure_or_404(session, code))
    context = {"p": current, "form": editing.as_form(current), "problems": {}, "preview": None}
    return admin_page(request, services, "admin/edit.html", context, user=user)


@router.post("/procedures/{code}/edit", response_class=HTMLResponse)
async def edit(
    request: Request,
    code: str,
    user: EditorUser,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    received = await request.form()
    form = {name: str(received.get(name) or "")[:100_000] for name in editing.FORM_FIELDS}
    current = store.to_schema(procedure_or_404(session, code))
    if str(received.get("version")) != str(current.version):
        # Someone saved this record since the form was opened: never overwrite that unseen.
        context = {"p": current, "form": form, "preview": None, "problems": {"version": [STALE]}}
        return admin_page(request, services, "admin/edit.html", context, user=user, status_code=409)
    edited, problems = await run_in_threadpool(editing.from_form, current, form)
    if problems or received.get("intent") != "save":
        context = {
            "p": current,
            "form": form,
            "problems": problems.by_field,
            "preview": None
            if problems
            else await run_in_threadpool(
                editing.preview, edited, services.profile, today_in_vietnam()
            ),
        }
        status = 400 if problems else 200
        return admin_page(
            request, services, "admin/edit.html", context, user=user, status_code=status
        )
    changed = await run_in_threadpool(editing.save, session, edited, user.username)
    await run_in_threadpool(session.commit)
    if changed:
        services.reindex_in_background()
    return RedirectResponse(f"/admin/procedures/{current.code}?saved={len(changed)}", 303)


@router.get("/procedures/{code}/versions", response_class=HTMLResponse)
def versions(
    request: Request, code: str, user: EditorUser, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    current = store.to_schema(procedure_or_404(session, code))
    kept = editing.versions(session, current.code)
    newer: list[schemas.ProcedureIn] = [current]
    shown = []
    for version in kept:  # newest first: each against the one that replaced it
        snapshot = schemas.ProcedureOut.model_validate(version.snapshot)
        shown.append((version, editing.diff(snapshot, newer[-1])))
        newer.append(snapshot)
    context = {"p": current, "versions": shown}
    return admin_page(request, services, "admin/versions.html", context, user=user)


@router.post("/procedures/{code}/versions/{version_id}/restore")
def restore_version(
    code: str,
    version_id: int,
    user: EditorUser,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    current = procedure_or_404(session, code)
    try:
        editing.rollback(session, current.code, version_id, user.username)
    except LookupError:
        raise HTTPException(404, "Không có phiên bản này.") from None
    session.commit()
    services.reindex_in_background()
    return RedirectResponse(f"/admin/procedures/{current.code}?restored=1", 303)


@router.post("/procedures/{code}/status")
def set_status(
    code: str,
    user: EditorUser,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
    status: Annotated[schemas.ProcedureStatus, Form()],
) -> Response:
    current = procedure_or_404(session, code)
    editing.set_status(session, current.code, status, user.username)
    session.commit()
    services.reindex_in_background()
    return RedirectResponse(f"/admin/procedures/{current.code}", 303)


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request, user: EditorUser, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500))
    return admin_page(request, services, "admin/audit.html", {"entries": list(entries)}, user=user)
