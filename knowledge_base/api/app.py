"""The FastAPI application: search and procedure APIs, and Rasa's custom actions."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from actions import webhook
from actions.actions import Services
from actions.dossier_status import load_provider
from knowledge_base.api.routers import health, portal, procedures, search
from knowledge_base.db import make_engine, session_factory
from knowledge_base.deployment import load_profile
from knowledge_base.retrieval.index import IndexMissing
from knowledge_base.retrieval.service import SearchService
from knowledge_base.settings import Settings, get_settings


def create_app(settings: Settings | None = None, search_service: SearchService | None = None):
    """Build the app; tests pass their own settings or service."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the model and index before the first question, not during it.
        with contextlib.suppress(IndexMissing):  # /healthz reports a missing index
            app.state.search.searcher()
        yield

    app = FastAPI(
        title="tthc-assistant",
        description="Trợ lý ảo thủ tục hành chính: tra cứu thủ tục, hồ sơ, lệ phí, thời hạn.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sessions = session_factory(make_engine(settings.resolved_database_url))
    app.state.search = search_service or SearchService(settings)
    app.state.profile = load_profile(settings.deployment_file)
    app.state.action_executor = webhook.build_executor(
        Services(
            search=app.state.search,
            sessions=app.state.sessions,
            profile=app.state.profile,
            dossiers=load_provider(settings, app.state.sessions),
            clarify_margin=settings.clarify_margin,
        )
    )
    app.include_router(webhook.router)
    app.include_router(search.router)
    app.include_router(procedures.router)
    app.include_router(health.router)
    app.include_router(portal.router)
    app.mount("/widget", StaticFiles(directory=portal.WIDGET_DIR), name="widget")
    return app
