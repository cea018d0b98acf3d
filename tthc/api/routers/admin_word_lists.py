"""Từ điển (biên tập, quản trị): the word lists search reads a question with —
abbreviations, everyday synonyms, actions, special cases — added to, removed and restored,
effective on save, each change in the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tthc.api.deps import FormToken, ServicesDep, SessionDep, WordListsUser
from tthc.api.templating import admin_page
from tthc.backoffice import word_lists

router = APIRouter(prefix="/admin/word-lists", tags=["back-office"], include_in_schema=False)


def _page(request: Request, services: ServicesDep, session: SessionDep, user, **context):  # type: ignore[no-untyped-def]
    return admin_page(
        request,
        services,
        "admin/word_lists.html",
        {
            "entries": word_lists.active(session),
            "history": word_lists.history(session),
            "labels": word_lists.LABELS,
            "hints": word_lists.HINTS,
            "built_in": word_lists.built_in_counts(),
            **context,
        },
        user=user,
        status_code=400 if "error" in context else 200,
    )


def _kept(session: SessionDep, services: ServicesDep) -> Response:
    """Commit the change; the next search reads the lists again."""
    session.commit()
    services.search.refresh_lexicon()
    return RedirectResponse("/admin/word-lists", 303)


@router.get("", response_class=HTMLResponse)
def lists(request: Request, user: WordListsUser, services: ServicesDep, session: SessionDep):  # type: ignore[no-untyped-def]
    return _page(request, services, session, user)


@router.post("")
def add_entry(
    request: Request,
    user: WordListsUser,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
    word_list: Annotated[str, Form(max_length=16)] = "",
    phrase: Annotated[str, Form(max_length=500)] = "",
    meaning: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        word_lists.add(session, word_list, phrase, meaning, user.username)
    except word_lists.WordListError as error:
        session.rollback()
        return _page(request, services, session, user, error=str(error))
    return _kept(session, services)


@router.post("/{entry_id}/remove")
def remove_entry(
    entry_id: int,
    user: WordListsUser,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    try:
        word_lists.remove(session, entry_id, user.username)
    except word_lists.WordListError:  # removed already (a second click)
        return RedirectResponse("/admin/word-lists", 303)
    return _kept(session, services)


@router.post("/{entry_id}/restore")
def restore_entry(
    request: Request,
    entry_id: int,
    user: WordListsUser,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
) -> Response:
    try:
        word_lists.restore(session, entry_id, user.username)
    except word_lists.WordListError as error:
        session.rollback()
        return _page(request, services, session, user, error=str(error))
    return _kept(session, services)
