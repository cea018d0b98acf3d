"""FastAPI dependencies: a database session per request, the shared search service, the
settings and the deployment profile the app was built with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from knowledge_base.deployment import DeploymentProfile
from knowledge_base.retrieval.service import SearchService
from knowledge_base.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


def get_search_service(request: Request) -> SearchService:
    return request.app.state.search


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_profile(request: Request) -> DeploymentProfile:
    return request.app.state.profile


SessionDep = Annotated[Session, Depends(get_session)]
SearchDep = Annotated[SearchService, Depends(get_search_service)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ProfileDep = Annotated[DeploymentProfile, Depends(get_profile)]
