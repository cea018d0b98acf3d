"""What a search returns: ranked procedures and whether the best one can be trusted."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge_base.retrieval.query import AnalyzedQuery


@dataclass
class SearchHit:
    code: str
    name: str
    levels: list[str]
    field: str | None
    score: float
    dense: float
    lexical: float


@dataclass
class SearchResult:
    query: AnalyzedQuery
    hits: list[SearchHit]
    confident: bool
    confidence: float
    mode: str = "hybrid"
    debug: dict[str, float] = field(default_factory=dict)
