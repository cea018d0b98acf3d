"""The FastAPI application: search and procedure APIs over the knowledge base."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from knowledge_base.api.routers import health, procedures, search
from knowledge_base.db import make_engine, session_factory
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
    app.include_router(search.router)
    app.include_router(procedures.router)
    app.include_router(health.router)
    return app
