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
    scope: float | None = None
    """How much closer the question is to in-scope labelled questions than to out-of-scope
    ones (``scope.py``); below 0 it looks out of scope; None without examples."""
