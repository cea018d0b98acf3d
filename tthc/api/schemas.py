"""Response models of the HTTP API (kept apart from the ORM models)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge_base.retrieval.results import SearchResult


class SearchHitOut(BaseModel):
    code: str
    name: str
    levels: list[str]
    field: str | None
    score: float = Field(
        description="Fused relevance within this question's candidates: about 0–1, moved by "
        "a tenth or so where the procedure does (not) what the question asks"
    )


class SearchResponse(BaseModel):
    query: str
    confident: bool = Field(description="False when no procedure fits well enough to answer")
    confidence: float
    results: list[SearchHitOut]

    @classmethod
    def from_result(cls, result: SearchResult) -> SearchResponse:
        return cls(
            query=result.query.original,
            confident=result.confident,
            confidence=result.confidence,
            results=[
                SearchHitOut(
                    code=h.code, name=h.name, levels=h.levels, field=h.field, score=h.score
                )
                for h in result.hits
            ],
        )


class EngineHealth(BaseModel):
    status: Literal["ok", "starting", "down", "not-run"] = Field(
        description="The Rasa server: answering, started and loading, not running (being "
        "restarted), or not run by this process (--no-engine)"
    )
    restarts: int = Field(0, description="Times it was restarted after exiting unasked")


class Health(BaseModel):
    status: Literal["ok", "no-index", "degraded"] = Field(
        description="ok: citizens can be answered; degraded: the Rasa server is not answering"
    )
    engine: EngineHealth
    procedures: int
    index_build: str | None
    index_model: str | None
    index_current: bool


class ErrorOut(BaseModel):
    detail: str


class WidgetConfig(BaseModel):
    """What the chat widget shows about the deployment before Rasa has said anything: its
    greeting names the province and offers the suggested questions. Nothing here comes from
    the request (the widget is embedded on other origins, and caches may keep it)."""

    model_config = ConfigDict(from_attributes=True)

    province: str
    assistant_name: str
    hotline: str
    portal_url: str
    national_portal_url: str
    suggested_questions: list[str]
    conversation_retention_days: int = Field(
        description="How long a conversation is kept after its last message (the widget's "
        "privacy notice says so)"
    )
