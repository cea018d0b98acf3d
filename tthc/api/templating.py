"""The app's Jinja2 templates (the demo portal page, the back-office) and how a
back-office page is rendered: with the signed-in user, what their role may open, and the
form token every form posts (a new session cookie is set where there was none)."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from knowledge_base.models import User
from tthc.analytics import in_vietnam
from tthc.backoffice.accounts import ROLE_PERMISSIONS, Role
from tthc.backoffice.sessions import COOKIE
from tthc.services import Services
from tthc.settings import PACKAGE_DIR

templates = Jinja2Templates(directory=PACKAGE_DIR / "api" / "templates")


def in_groups(documents: list[Any]) -> list[tuple[str, list[Any]]]:
    """Documents by the case they apply to, in the record's order (Jinja's groupby sorts)."""
    return [(group or "", list(items)) for group, items in groupby(documents, lambda d: d.group)]


def vietnam_time(at: datetime) -> str:
    """A stored instant as Vietnam's clock shows it."""
    return in_vietnam(at).strftime("%d/%m/%Y %H:%M")


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%".replace(".", ",")


templates.env.filters.update(in_groups=in_groups, vietnam_time=vietnam_time, percent=percent)


def set_session_cookie(
    request: Request, response: HTMLResponse, services: Services, value: str
) -> None:
    """``Secure`` over HTTPS, and always in production, where HTTPS ends at the proxy."""
    response.set_cookie(
        COOKIE,
        value,
        max_age=services.admin_cookies.max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=services.settings.environment == "production" or request.url.scheme == "https",
        path="/",
    )


def admin_page(
    request: Request,
    services: Services,
    name: str,
    context: dict[str, Any] | None = None,
    user: User | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    cookies = services.admin_cookies
    admin_session = cookies.read(request.cookies.get(COOKIE))
    new_cookie = None
    if admin_session is None:
        admin_session, new_cookie = cookies.new()
    permissions = ROLE_PERMISSIONS[Role(user.role)] if user is not None else frozenset()
    response = templates.TemplateResponse(
        request,
        name,
        {
            **(context or {}),
            "user": user,
            "role": Role(user.role) if user is not None else None,
            "permissions": {p.value for p in permissions},
            "csrf_token": admin_session.csrf_token,
            "province": services.profile.province,
        },
        status_code=status_code,
        headers=headers,
    )
    if new_cookie is not None:
        set_session_cookie(request, response, services, new_cookie)
    return response
