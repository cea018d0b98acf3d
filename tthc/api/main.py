"""The FastAPI application: search and procedure APIs, the portal page and widget, and
Rasa's custom actions."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from actions.actions import build_executor
from knowledge_base.retrieval.index import IndexMissing
from tthc.api.routers import action_endpoint, health, portal, procedures, search, widget
from tthc.services import Services, build_services
from tthc.settings import get_settings


def create_app(services: Services | None = None) -> FastAPI:
    """Build the app over ``services`` (tests pass their own); by default, the deployment
    the environment's settings describe."""
    services = services or build_services(get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the model and index before the first question, not during it.
        with contextlib.suppress(IndexMissing):  # /healthz reports a missing index
            services.search.searcher()
        yield

    app = FastAPI(
        title="tthc-assistant",
        description="Trợ lý ảo thủ tục hành chính: tra cứu thủ tục, hồ sơ, lệ phí, thời hạn.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.action_executor = build_executor(services.action_services)
    app.include_router(action_endpoint.router)
    app.include_router(search.router)
    app.include_router(procedures.router)
    app.include_router(health.router)
    app.include_router(portal.router)
    app.include_router(widget.router)  # before the files under the same /widget/ prefix
    app.mount("/widget", StaticFiles(directory=widget.WIDGET_DIR), name="widget")
    return app
