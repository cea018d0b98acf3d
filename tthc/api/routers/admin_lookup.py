"""Tra cứu thủ tục: civil servants at the counter look a procedure up by its national or
provincial code or by words, read the whole record, compare its variants side by side and
print a checklist to hand to the citizen."""

from __future__ import annotations

import re
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from knowledge_base import store
from knowledge_base.retrieval.index import IndexMissing
from tthc.api.deps import LookupUser, ServicesDep, SessionDep, procedure_or_404
from tthc.api.templating import admin_page

router = APIRouter(prefix="/admin", tags=["back-office"], include_in_schema=False)

# A national code (1.004194) or a province's (1.000894.000.00.00.H36), as typed at the counter.
CODE = re.compile(r"\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2})?")
MAX_COMPARED = 4


@router.get("/lookup", response_class=HTMLResponse)
def lookup(
    request: Request,
    user: LookupUser,
    services: ServicesDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    question = q.strip()
    context: dict[str, object] = {"q": question, "hits": [], "seconds": None}
    if CODE.fullmatch(question):
        row = store.get_procedure(session, question)
        if row is not None:
            return RedirectResponse(f"/admin/procedures/{row.code}", status_code=303)
        context["error"] = f"Không có thủ tục mang mã {question}."
    elif question:
        started = time.perf_counter()
        try:
            result = services.search.search(question, top=20)
            context["hits"] = result.hits
        except IndexMissing:
            context["error"] = "Chỉ mục tìm kiếm chưa được tạo (tthc kb reindex)."
        context["seconds"] = time.perf_counter() - started
    return admin_page(request, services, "admin/lookup.html", context, user=user)


@router.get("/procedures/{code}", response_class=HTMLResponse)
def procedure(
    request: Request, code: str, user: LookupUser, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    row = procedure_or_404(session, code)
    context = {"p": store.to_schema(row), "variants": store.variants_of(session, row)}
    return admin_page(request, services, "admin/procedure.html", context, user=user)


@router.get("/procedures/{code}/checklist", response_class=HTMLResponse)
def checklist(
    request: Request, code: str, user: LookupUser, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    row = procedure_or_404(session, code)
    context = {"p": store.to_schema(row), "profile": services.profile}
    return admin_page(request, services, "admin/checklist.html", context, user=user)


@router.get("/compare", response_class=HTMLResponse)
def compare(
    request: Request,
    user: LookupUser,
    services: ServicesDep,
    session: SessionDep,
    code: Annotated[list[str], Query(max_length=MAX_COMPARED)] = [],  # noqa: B006
) -> HTMLResponse:
    procedures = [store.to_schema(procedure_or_404(session, c)) for c in dict.fromkeys(code)]
    return admin_page(
        request, services, "admin/compare.html", {"procedures": procedures}, user=user
    )
