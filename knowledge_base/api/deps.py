"""FastAPI dependencies: a database session per request, the shared search service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from knowledge_base.retrieval.service import SearchService


def get_session(request: Request) -> Iterator[Session]:
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


def get_search_service(request: Request) -> SearchService:
    return request.app.state.search


SessionDep = Annotated[Session, Depends(get_session)]
SearchDep = Annotated[SearchService, Depends(get_search_service)]
