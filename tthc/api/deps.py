"""FastAPI dependencies: a database session per request, the services, settings and
deployment profile the app was built with, and the back-office's signed-in user by role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from rasa_sdk.executor import ActionExecutor
from sqlalchemy.orm import Session

from actions.deployment import DeploymentProfile
from knowledge_base import store
from knowledge_base.models import Procedure, User
from knowledge_base.retrieval.service import SearchService
from tthc.analytics import EARLIEST, LATEST, VIETNAM
from tthc.backoffice.accounts import Permission, may
from tthc.backoffice.sessions import COOKIE, AdminSession
from tthc.services import Services
from tthc.settings import Settings


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with services.sessions() as session:
        yield session


def get_search_service(services: ServicesDep) -> SearchService:
    return services.search


def get_app_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_profile(services: ServicesDep) -> DeploymentProfile:
    return services.profile


def get_action_executor(request: Request) -> ActionExecutor:
    return request.app.state.action_executor


SessionDep = Annotated[Session, Depends(get_session)]
SearchDep = Annotated[SearchService, Depends(get_search_service)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ProfileDep = Annotated[DeploymentProfile, Depends(get_profile)]
ActionExecutorDep = Annotated[ActionExecutor, Depends(get_action_executor)]


class NotSignedIn(Exception):
    """No valid back-office session: 401, and the sign-in page on /admin."""


class Forbidden(Exception):
    """Signed in, without the role the page needs: 403."""


def get_admin_session(request: Request, services: ServicesDep) -> AdminSession | None:
    return services.admin_cookies.read(request.cookies.get(COOKIE))


AdminSessionDep = Annotated[AdminSession | None, Depends(get_admin_session)]


def get_current_user(admin_session: AdminSessionDep, session: SessionDep) -> User:
    if admin_session is None or admin_session.user_id is None:
        raise NotSignedIn
    user = session.get(User, admin_session.user_id)
    if user is None or not user.active:  # removed or disabled since signing in
        raise NotSignedIn
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def allowed(permission: Permission):  # type: ignore[no-untyped-def]
    """A dependency giving the signed-in user, if their role grants ``permission``."""

    def check(user: CurrentUser) -> User:
        if not may(user, permission):
            raise Forbidden
        return user

    return check


def checked_form_token(
    admin_session: AdminSessionDep, csrf_token: Annotated[str | None, Form()] = None
) -> None:
    """Every back-office form posts the session's token (CSRF)."""
    if admin_session is None or not admin_session.token_matches(csrf_token):
        raise Forbidden


LookupUser = Annotated[User, Depends(allowed(Permission.LOOKUP))]
ConversationsUser = Annotated[User, Depends(allowed(Permission.CONVERSATIONS))]
EditorUser = Annotated[User, Depends(allowed(Permission.PROCEDURES))]
WordListsUser = Annotated[User, Depends(allowed(Permission.WORD_LISTS))]
ImportsUser = Annotated[User, Depends(allowed(Permission.IMPORTS))]
DashboardUser = Annotated[User, Depends(allowed(Permission.DASHBOARD))]
ReportsUser = Annotated[User, Depends(allowed(Permission.REPORTS))]
UsersAdmin = Annotated[User, Depends(allowed(Permission.USERS))]
# As a parameter after the user's, so a visitor without a session gets 401, not 403.
FormToken = Annotated[None, Depends(checked_form_token)]


def asked_period(
    start: date | None, end: date | None, longest_days: int | None = None
) -> tuple[date, date]:
    """The dates a back-office page was asked for (by default the last 30 days, in Vietnam),
    or 400 for dates no report covers."""
    end = end or datetime.now(VIETNAM).date()
    start = start or end - timedelta(days=29)
    if not EARLIEST <= start <= end <= LATEST:
        raise HTTPException(400, "Khoảng thời gian không hợp lệ.")
    if longest_days is not None and (end - start).days > longest_days:
        raise HTTPException(400, "Khoảng thời gian không hợp lệ (tối đa một năm).")
    return start, end


def procedure_or_404(session: Session, code: str) -> Procedure:
    """The procedure a back-office page names by its national or provincial code."""
    row = store.get_procedure(session, code)
    if row is None:
        raise HTTPException(404, f"Không có thủ tục mang mã {code[:64]}.")
    return row
