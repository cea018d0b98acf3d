"""GET /healthz: is the knowledge base loaded, its index current, and the Rasa server up?"""

from __future__ import annotations

from fastapi import APIRouter, Request

from knowledge_base import store
from knowledge_base.retrieval.index import IndexMissing
from tthc.api.deps import SearchDep, SessionDep
from tthc.api.schemas import EngineHealth, Health

router = APIRouter(tags=["health"])


def engine_health(request: Request) -> EngineHealth:
    supervisor = request.app.state.engine
    if supervisor is None:
        return EngineHealth(status="not-run")
    return EngineHealth(status=supervisor.status(), restarts=supervisor.restarts)


@router.get("/healthz", response_model=Health)
def health(request: Request, session: SessionDep, service: SearchDep) -> Health:
    try:
        index = service.searcher().index
    except IndexMissing:
        index = None
    engine = engine_health(request)
    if index is None:
        status = "no-index"
    elif engine.status in ("ok", "not-run"):
        status = "ok"
    else:
        status = "degraded"
    return Health(
        status=status,
        engine=engine,
        procedures=store.count_procedures(session),
        index_build=index.build_id if index else None,
        index_model=index.model if index else None,
        index_current=bool(index) and index.kb_version == store.kb_version(session),
    )
