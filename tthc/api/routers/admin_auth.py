"""Signing in to the back-office (/admin/login, /admin/logout) and its home page (/admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tthc.api.deps import CurrentUser, FormToken, ServicesDep, SessionDep
from tthc.api.rate_limits import client_address
from tthc.api.templating import admin_page, set_session_cookie
from tthc.backoffice.accounts import Refused, sign_in
from tthc.backoffice.sessions import COOKIE

router = APIRouter(prefix="/admin", tags=["back-office"], include_in_schema=False)

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
DISABLED = "Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị viên."


def _after_sign_in(next_page: str | None) -> str:
    """Only a page of the back-office itself: never another site (an open redirect)."""
    if next_page and next_page.startswith("/admin") and not next_page.startswith("//"):
        return next_page
    return "/admin"


@router.get("", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser, services: ServicesDep) -> HTMLResponse:
    return admin_page(request, services, "admin/home.html", user=user)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, services: ServicesDep, next: str | None = None) -> HTMLResponse:
    return admin_page(request, services, "admin/login.html", {"next": _after_sign_in(next)})


@router.post("/login")
def login(
    request: Request,
    _form_token: FormToken,
    services: ServicesDep,
    session: SessionDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    address = client_address(request, services.settings.proxy_count or 0)
    outcome = sign_in(session, username, password, address, services.sign_in_throttle)
    if isinstance(outcome, Refused):
        context = {"next": _after_sign_in(next), "username": username}
        if outcome.reason == "throttled":
            minutes = -(-(outcome.retry_after or 60) // 60)
            context["error"] = f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
            return admin_page(
                request,
                services,
                "admin/login.html",
                context,
                status_code=429,
                headers={"Retry-After": str(outcome.retry_after)},
            )
        context["error"] = DISABLED if outcome.reason == "disabled" else WRONG
        return admin_page(request, services, "admin/login.html", context, status_code=401)
    _, cookie = services.admin_cookies.new(outcome.id)  # a new form token once signed in
    response = RedirectResponse(_after_sign_in(next), status_code=303)
    set_session_cookie(request, response, services, cookie)
    return response


@router.post("/logout")
def logout(_form_token: FormToken) -> Response:
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
