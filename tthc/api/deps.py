"""FastAPI dependencies: a database session per request, and the services, settings and
deployment profile the app was built with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from rasa_sdk.executor import ActionExecutor
from sqlalchemy.orm import Session

from actions.deployment import DeploymentProfile
from knowledge_base.retrieval.service import SearchService
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
