"""GET /healthz: is the knowledge base loaded and its index current?"""

from __future__ import annotations

from fastapi import APIRouter

from knowledge_base import store
from knowledge_base.retrieval.index import IndexMissing
from tthc.api.deps import SearchDep, SessionDep
from tthc.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def health(session: SessionDep, service: SearchDep) -> Health:
    try:
        index = service.searcher().index
    except IndexMissing:
        index = None
    return Health(
        status="ok" if index is not None else "no-index",
        procedures=store.count_procedures(session),
        index_build=index.build_id if index else None,
        index_model=index.model if index else None,
        index_current=bool(index) and index.kb_version == store.kb_version(session),
    )
