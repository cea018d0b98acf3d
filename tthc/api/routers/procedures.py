"""GET /api/procedures/{code}: every field of one procedure."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from knowledge_base import store
from knowledge_base.schemas import ProcedureOut
from tthc.api.deps import SessionDep
from tthc.api.schemas import ErrorOut

router = APIRouter(prefix="/api/procedures", tags=["procedures"])


@router.get("/{code}", response_model=ProcedureOut, responses={404: {"model": ErrorOut}})
def get_procedure(code: str, session: SessionDep) -> ProcedureOut:
    """A procedure by its national code or a provincial code."""
    row = store.get_procedure(session, code)
    if row is None:
        raise HTTPException(
            status_code=404,
            detail=f"Không tìm thấy thủ tục có mã '{code[:64]}'. "
            "Vui lòng kiểm tra lại mã (ví dụ 1.001193) hoặc tìm theo tên tại /api/search.",
        )
    return store.to_schema(row)
