"""The interface every retriever offers: a score for each indexed procedure.

Dense search understands paraphrase ("cưới vợ" ~ "kết hôn"); BM25 over folded text is
exact about rare words and blind to diacritics. Both answer the same question, how well
each procedure fits, so fusion can mix them without knowing how they work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from knowledge_base.retrieval.query import AnalyzedQuery


@dataclass(frozen=True)
class Scores:
    """One score per indexed procedure, in index order."""

    per_procedure: np.ndarray
    # The question's similarity to the knowledge base at large; only dense search has one.
    background: float = 0.0
    # The question's normalised embedding (dense search only).
    vector: np.ndarray | None = None


class Retriever(Protocol):
    def score(self, query: AnalyzedQuery) -> Scores: ...


def no_scores(procedures: int) -> Scores:
    """What a retriever left out of a baseline contributes: nothing."""
    return Scores(np.zeros(procedures, dtype=np.float32))
