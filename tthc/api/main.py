"""The FastAPI applications: the public one (search and procedure APIs, the portal page and
widget, health) and the action endpoint Rasa calls, on a listener of its own."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from actions.actions import build_executor
from knowledge_base.models import User
from knowledge_base.retrieval import tokens
from knowledge_base.retrieval.index import IndexMissing
from tthc.api.deps import Forbidden, NotSignedIn
from tthc.api.rate_limits import RateLimiter
from tthc.api.routers import (
    action_endpoint,
    admin_auth,
    admin_conversations,
    admin_dashboard,
    admin_imports,
    admin_lookup,
    admin_procedures,
    admin_users,
    admin_word_lists,
    health,
    open_data,
    portal,
    procedures,
    search,
    widget,
)
from tthc.api.security_headers import add_security_headers
from tthc.api.templating import admin_page
from tthc.backoffice.sessions import COOKIE
from tthc.services import Services, build_services
from tthc.settings import PACKAGE_DIR, Settings, get_settings

if TYPE_CHECKING:
    from tthc.rasa_server import Supervisor


def create_app(services: Services | None = None, engine: Supervisor | None = None) -> FastAPI:
    """Build the app over ``services`` (tests pass their own); by default, the deployment
    the environment's settings describe. ``engine`` is the Rasa server this process keeps
    running, if any, for /healthz."""
    services = services or build_services(get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the models and index before the first question, not during it.
        tokens.warm_up()
        with contextlib.suppress(IndexMissing):  # /healthz reports a missing index
            services.search.searcher()
        yield

    app = FastAPI(
        title="tthc-assistant",
        description="Trợ lý ảo thủ tục hành chính: tra cứu thủ tục, hồ sơ, lệ phí, thời hạn.",
        version="0.1.0",
        lifespan=lifespan,
        **_docs(services.settings),
    )
    app.state.services = services
    app.state.engine = engine
    app.state.rate_limiter = RateLimiter()
    add_security_headers(app, lambda: services.settings.chat_url)
    app.include_router(search.router)
    app.include_router(procedures.router)
    app.include_router(health.router)
    app.include_router(open_data.router)
    app.include_router(portal.router)
    app.include_router(widget.router)  # before the files under the same /widget/ prefix
    app.mount("/widget", StaticFiles(directory=widget.WIDGET_DIR), name="widget")
    add_back_office(app, services)
    return app


def add_back_office(app: FastAPI, services: Services) -> None:
    """/admin: its pages, their local files (no CDN), and what a visitor without a session
    (401, the sign-in page) or without the role (403) is shown."""
    app.include_router(admin_auth.router)
    app.include_router(admin_procedures.router)  # /admin/procedures before the look-up's
    app.include_router(admin_lookup.router)
    app.include_router(admin_conversations.router)
    app.include_router(admin_dashboard.router)
    app.include_router(admin_imports.router)
    app.include_router(admin_users.router)
    app.include_router(admin_word_lists.router)
    app.mount("/admin/static", StaticFiles(directory=PACKAGE_DIR / "api" / "static"), name="admin")

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, error: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "Vui lòng đăng nhập."}, status_code=401)
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        context = {"next": wanted if request.method == "GET" else "/admin"}
        return admin_page(request, services, "admin/login.html", context, status_code=401)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, error: Forbidden) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "Không có quyền."}, status_code=403)
        user = None
        admin_session = services.admin_cookies.read(request.cookies.get(COOKIE))
        if admin_session is not None and admin_session.user_id is not None:
            with services.sessions() as session:
                user = session.get(User, admin_session.user_id)
                if user is not None:
                    session.expunge(user)
        return admin_page(request, services, "admin/forbidden.html", user=user, status_code=403)


def create_action_app(services: Services) -> FastAPI:
    """Rasa's action endpoint (/webhook, /actions) over the same services as the public app,
    for a listener only the Rasa server reaches."""
    app = FastAPI(title="tthc-assistant actions", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = services
    app.state.action_executor = build_executor(services.action_services)
    app.include_router(action_endpoint.router)
    return app


def _docs(settings: Settings) -> dict[str, Any]:
    """The interactive API docs are for developers: not served in production."""
    if settings.environment == "production":
        return {"docs_url": None, "redoc_url": None, "openapi_url": None}
    return {}
