"""GET /api/search: which procedures is this question about?"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from knowledge_base.retrieval.index import IndexMissing
from tthc.api.deps import SearchDep
from tthc.api.rate_limits import per_address
from tthc.api.schemas import ErrorOut, SearchResponse

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get(
    "",
    response_model=SearchResponse,
    responses={503: {"model": ErrorOut}, 429: {"model": ErrorOut}},
    dependencies=[
        Depends(per_address("search", lambda r: r.app.state.services.settings.search_rate_limit))
    ],
)
def search(
    service: SearchDep,
    q: Annotated[str, Query(min_length=1, max_length=10_000, description="The question")],
    top: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SearchResponse:
    """Rank procedures for a question in everyday Vietnamese (with or without diacritics)."""
    if not q.strip():
        raise HTTPException(status_code=422, detail="Câu hỏi đang để trống.")
    try:
        result = service.search(q, top=top)
    except IndexMissing as error:
        raise HTTPException(status_code=503, detail=str(error)) from error
    return SearchResponse.from_result(result)
