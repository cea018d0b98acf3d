"""Imports from the page (biên tập, quản trị): upload the national export or a province's
catalogue, follow its progress, and read its report by field and reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from knowledge_base.importers.runner import ImportFormatError
from knowledge_base.models import ImportJob
from tthc.api.deps import FormToken, ImportsUser, ServicesDep, SessionDep
from tthc.api.templating import admin_page
from tthc.backoffice import imports

router = APIRouter(prefix="/admin/imports", tags=["back-office"], include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def import_jobs(
    request: Request, user: ImportsUser, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    jobs = session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(50))
    return admin_page(request, services, "admin/imports.html", {"jobs": list(jobs)}, user=user)


@router.post("")
async def upload(
    request: Request,
    user: ImportsUser,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
    file: UploadFile,
    overwrite_curated: Annotated[bool, Form()] = False,
) -> Response:
    content = await file.read(imports.MAX_UPLOAD_BYTES + 1)
    problem = None
    if len(content) > imports.MAX_UPLOAD_BYTES:
        problem = "Tệp lớn hơn 200 MB."
    elif not content:
        problem = "Tệp rỗng."
    if problem is None:
        try:
            job_id = await run_in_threadpool(
                imports.start,
                services.sessions,
                services.settings.data_dir / "uploads",
                file.filename or "upload",
                content,
                user.username,
                overwrite_curated,
                services.reindex_in_background,
            )
        except ImportFormatError as error:
            problem = str(error)
    if problem is not None:
        jobs = session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(50))
        context = {"jobs": list(jobs), "error": problem}
        return admin_page(
            request, services, "admin/imports.html", context, user=user, status_code=400
        )
    return RedirectResponse(f"/admin/imports/{job_id}", 303)


@router.get("/{job_id}", response_class=HTMLResponse)
def import_job(
    request: Request, job_id: int, user: ImportsUser, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    job = session.get(ImportJob, job_id)
    if job is None:
        raise HTTPException(404, "Không có lần nhập này.")
    return admin_page(request, services, "admin/import.html", {"job": job}, user=user)
