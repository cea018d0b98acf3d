"""Tài khoản (quản trị only): accounts and their roles, locking one, and the audit of
sign-ins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from knowledge_base.models import SignIn, User
from tthc.api.deps import FormToken, ServicesDep, SessionDep, UsersAdmin
from tthc.api.templating import admin_page
from tthc.backoffice.accounts import ROLE_LABELS, AccountError, Role, create_user

router = APIRouter(prefix="/admin/users", tags=["back-office"], include_in_schema=False)

SIGN_INS_SHOWN = 200


def _page(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    user: User,
    status_code: int = 200,
    **context: object,
) -> HTMLResponse:
    users = session.scalars(select(User).order_by(User.username)).all()
    sign_ins = session.scalars(select(SignIn).order_by(SignIn.at.desc()).limit(SIGN_INS_SHOWN))
    return admin_page(
        request,
        services,
        "admin/users.html",
        {"users": users, "sign_ins": list(sign_ins), "roles": ROLE_LABELS, **context},
        user=user,
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
def users(request: Request, user: UsersAdmin, services: ServicesDep, session: SessionDep):  # type: ignore[no-untyped-def]
    return _page(request, services, session, user)


@router.post("")
def add_user(
    request: Request,
    user: UsersAdmin,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[Role, Form()],
    full_name: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    try:
        create_user(session, username, password, role, full_name or None)
    except AccountError as error:
        session.rollback()
        return _page(request, services, session, user, 400, error=str(error))
    session.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/{user_id}/active")
def set_active(
    user_id: int,
    user: UsersAdmin,
    _form_token: FormToken,
    session: SessionDep,
    active: Annotated[bool, Form()],
) -> Response:
    account = session.get(User, user_id)
    if account is None:
        raise HTTPException(404, "Không có tài khoản này.")
    if account.id == user.id and not active:
        raise HTTPException(400, "Không thể tự khóa tài khoản đang dùng.")
    account.active = active
    session.commit()
    return RedirectResponse("/admin/users", status_code=303)
