"""What citizens asked: turns by filter with their transcripts, unanswered questions grouped
for an editor to label (the right procedure, or out of scope), and the labelled questions
as an evaluation file with the search measured on them before and after a change."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from knowledge_base import store
from knowledge_base.models import EvaluationRun, QuestionLabel, Turn
from knowledge_base.retrieval.index import IndexMissing
from knowledge_base.transcripts import transcript
from tthc.analytics import CHANNEL_LABELS, OUTCOME_LABELS, period
from tthc.api.deps import (
    ConversationsUser,
    EditorUser,
    FormToken,
    ServicesDep,
    SessionDep,
    asked_period,
)
from tthc.api.templating import admin_page
from tthc.backoffice import labelling, word_lists

router = APIRouter(prefix="/admin", tags=["back-office"], include_in_schema=False)

PAGE = 100


@router.get("/conversations", response_class=HTMLResponse)
def conversations(
    request: Request,
    user: ConversationsUser,
    services: ServicesDep,
    session: SessionDep,
    start: date | None = None,
    end: date | None = None,
    channel: Annotated[str, Query(max_length=16)] = "",
    outcome: Annotated[str, Query(max_length=16)] = "",
    procedure: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    start, end = asked_period(start, end)
    since, until = period(start, end)
    query = select(Turn).where(Turn.at >= since, Turn.at < until)
    if channel:
        query = query.where(Turn.channel == channel)
    if outcome:
        query = query.where(Turn.outcome == outcome)
    if procedure:
        query = query.where(Turn.procedure_code == procedure.strip())
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    turns = session.scalars(query.order_by(Turn.at.desc()).offset((page - 1) * PAGE).limit(PAGE))
    context = {
        "turns": list(turns),
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE)),
        "filters": {
            "start": start,
            "end": end,
            "channel": channel,
            "outcome": outcome,
            "procedure": procedure,
        },
        "outcomes": OUTCOME_LABELS,
        "channels": CHANNEL_LABELS,
    }
    return admin_page(request, services, "admin/conversations.html", context, user=user)


@router.get("/conversations/{conversation_id:path}", response_class=HTMLResponse)
def conversation(
    request: Request,
    conversation_id: str,
    user: ConversationsUser,
    services: ServicesDep,
    session: SessionDep,
) -> HTMLResponse:
    turns = session.scalars(
        select(Turn).where(Turn.conversation_id == conversation_id).order_by(Turn.at)
    )
    context = {
        "conversation_id": conversation_id,
        "turns": list(turns),
        "lines": transcript(services.tracker_store, conversation_id),
        "outcomes": OUTCOME_LABELS,
    }
    return admin_page(request, services, "admin/conversation.html", context, user=user)


@router.get("/unanswered", response_class=HTMLResponse)
def unanswered(
    request: Request,
    user: ConversationsUser,
    services: ServicesDep,
    session: SessionDep,
    start: date | None = None,
    end: date | None = None,
) -> HTMLResponse:
    start, end = asked_period(start, end)
    groups = labelling.unanswered_groups(session, start, end)
    context = {
        "groups": groups[:100],
        "more": max(0, len(groups) - 100),
        "start": start,
        "end": end,
    }
    return admin_page(request, services, "admin/unanswered.html", context, user=user)


@router.post("/unanswered/label")
def label_questions(
    user: EditorUser,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
    question: Annotated[list[str], Form(max_length=5000)],
    procedure_code: Annotated[str, Form(max_length=64)] = "",
    out_of_scope: Annotated[bool, Form()] = False,
    phrase: Annotated[str, Form(max_length=100)] = "",
    back: Annotated[str, Form(max_length=200)] = "/admin/unanswered",
) -> Response:
    code = None
    if not out_of_scope:
        row = store.get_procedure(session, procedure_code)
        if row is None:
            return RedirectResponse(
                f"/admin/unanswered?error=unknown_code&code={quote(procedure_code[:64])}", 303
            )
        code = row.code
    teach = code is not None and bool(phrase.strip())
    if teach:
        # The citizens' phrase becomes an everyday synonym of the procedure's name; checked
        # first, so that a phrase refused leaves the questions to label again with it mended.
        try:
            word_lists.add(session, "synonyms", phrase, row.name[:200], user.username)
        except word_lists.WordListError as error:
            session.rollback()
            reason = quote(str(error))
            return RedirectResponse(f"/admin/unanswered?error=word_list&reason={reason}", 303)
    labelling.label(session, [q[:2000] for q in question], code, user.username)
    session.commit()
    if teach:
        services.search.refresh_lexicon()
    return RedirectResponse(back if back.startswith("/admin/") else "/admin/unanswered", 303)


@router.get("/labels", response_class=HTMLResponse)
def labels(
    request: Request, user: EditorUser, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    context = {
        "labels": list(
            session.scalars(select(QuestionLabel).order_by(QuestionLabel.id.desc()).limit(500))
        ),
        "count": session.scalar(select(func.count()).select_from(QuestionLabel)) or 0,
        "runs": list(session.scalars(select(EvaluationRun).order_by(EvaluationRun.id.desc()))),
    }
    return admin_page(request, services, "admin/labels.html", context, user=user)


@router.post("/labels/evaluate")
def evaluate(
    user: EditorUser, _form_token: FormToken, services: ServicesDep, session: SessionDep
) -> Response:
    try:
        labelling.run_evaluation(session, services.search.search, user.username)
    except IndexMissing:
        return RedirectResponse("/admin/labels?error=index", 303)
    session.commit()
    return RedirectResponse("/admin/labels", 303)


@router.get("/labels/evaluation.jsonl")
def evaluation_file(user: EditorUser, session: SessionDep) -> Response:
    return Response(
        labelling.evaluation_file(session),
        media_type="application/jsonl; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cau-hoi-da-gan-nhan.jsonl"'},
    )
