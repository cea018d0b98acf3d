"""Hybrid search: dense (FAISS) and lexical (BM25) evidence fused, with an abstain decision.

Dense search understands paraphrase ("cưới vợ" ~ "kết hôn"); BM25 over folded text is
exact about rare words and blind to diacritics. Each is normalised within the question's
candidates and mixed; the search is *confident* only when the best match is strong in
absolute terms, so that an out-of-scope question gets "I don't know", not a neighbour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from knowledge_base.retrieval.actions import agreement, performed
from knowledge_base.retrieval.index import SearchIndex
from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon
from knowledge_base.retrieval.phrases import PhraseTagger
from knowledge_base.retrieval.query import AnalyzedQuery, QueryAnalyzer
from knowledge_base.retrieval.tokens import lexical_tokens

DENSE_NEIGHBOURS = 8192


@dataclass(frozen=True)
class FusionWeights:
    """How dense and lexical evidence are mixed, and when a result is trusted."""

    # When a result is trusted: Settings.confidence_margin and .confidence_evidence.
    # How far the best match must stand above the question's similarity to the knowledge
    # base as a whole (its centroid).
    min_margin: float
    # How much rare vocabulary the best match must share with the question: its BM25 score
    # divided by ln(N), about the weight of a word that only one procedure uses.
    min_evidence: float
    dense: float = 0.5
    # Added for a procedure that does what the question asks ("hết hạn" → Đổi), taken
    # away for one that does something else.
    action: float = 0.1
    # Taken away for each special case (foreign element, border area...) that the
    # procedure and the question do not share.
    special_case: float = 0.05
    # A tie between variants of one procedure is broken by level within this margin.
    level_tie_margin: float = 0.03


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


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


class HybridSearcher:
    def __init__(
        self,
        index: SearchIndex,
        encoder: object,
        weights: FusionWeights,
        preferred_levels: list[str],
        candidates: int,
        lexicon: Lexicon | None = None,
    ) -> None:
        """Weights, levels and candidate counts come from Settings (see SearchService)."""
        self.index = index
        self.encoder = encoder
        self.weights = weights
        self.preferred_levels = preferred_levels
        self.candidates = candidates
        self.lexicon = lexicon or default_lexicon()
        self.analyzer = QueryAnalyzer(index.restorer, self.lexicon)
        self._base_names = {p.code: p.base_name for p in index.procedures}
        self.actions = PhraseTagger(self.lexicon.actions)
        self._performs = [performed(self.actions, p.name) for p in index.procedures]
        self.special_cases = PhraseTagger(self.lexicon.special_cases)
        self._cases = [
            self.special_cases.tags(f"{p.name}, {p.field or ''}") for p in index.procedures
        ]

    # -- evidence ---------------------------------------------------------------------
    def _dense_scores(self, query: AnalyzedQuery) -> tuple[np.ndarray, float]:
        """Best view similarity per procedure, and the question's similarity to the
        knowledge base as a whole (its centroid).

        A long story is embedded by its request sentences only: the circumstances drown
        the request otherwise, and embedding both would double the cost of the slowest
        questions (measured: p95 53 ms with both, 20 ms with the request alone).
        """
        n = len(self.index.procedures)
        if not query.dense_text or self.index.dense.ntotal == 0:
            return np.zeros(n, dtype=np.float32), 0.0
        text = query.request_text or query.dense_text
        vector = self.encoder.encode_queries([text])  # type: ignore[attr-defined]
        # Exact scores for the nearest views; procedures beyond them get the lowest of
        # those as an upper bound, so normalisation is not distorted by missing values.
        k = min(self.index.dense.ntotal, DENSE_NEIGHBOURS)
        similarities, rows = self.index.dense.search(vector, k)
        scores = np.full(n, float(similarities[0][-1]), dtype=np.float32)
        np.maximum.at(scores, self.index.view_owner[rows[0]], similarities[0])
        return scores, float(vector[0] @ self.index.centroid)

    def _lexical_scores(self, query: AnalyzedQuery) -> np.ndarray:
        tokens = lexical_tokens(query.lexical_text, self.lexicon.stopwords)
        known = [t for t in tokens if t in self.index.lexical.vocab_dict]
        if not known or not self.index.procedures:
            return np.zeros(len(self.index.procedures), dtype=np.float32)
        return np.asarray(self.index.lexical.get_scores(known), dtype=np.float32)

    # -- ranking ----------------------------------------------------------------------
    def _level_rank(self, levels: list[str]) -> int:
        ranks = [
            self.preferred_levels.index(level) for level in levels if level in self.preferred_levels
        ]
        return min(ranks, default=len(self.preferred_levels))

    def _prefer_levels(self, hits: list[SearchHit]) -> list[SearchHit]:
        """Among near-tied variants of one procedure, put the level citizens use first."""
        ordered: list[SearchHit] = []
        placed: set[str] = set()
        for hit in hits:
            if hit.code in placed:
                continue
            base = self._base_names[hit.code]
            group = [
                other
                for other in hits
                if other.code not in placed
                and self._base_names[other.code] == base
                and hit.score - other.score <= self.weights.level_tie_margin
            ]
            group.sort(key=lambda h: (self._level_rank(h.levels), -h.score))
            for member in group:
                ordered.append(member)
                placed.add(member.code)
        return ordered

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        """Rank procedures for a question; ``mode`` may be dense or lexical for baselines."""
        query = self.analyzer.analyze(question)
        n = len(self.index.procedures)
        if n == 0 or not query.text:
            return SearchResult(query=query, hits=[], confident=False, confidence=0.0, mode=mode)
        dense, background = (
            self._dense_scores(query) if mode != "lexical" else (np.zeros(n, np.float32), 0.0)
        )
        lexical = self._lexical_scores(query) if mode != "dense" else np.zeros(n, np.float32)

        pool = set(np.argsort(-dense)[: self.candidates].tolist())
        pool |= set(np.argsort(-lexical)[: self.candidates].tolist())
        candidates = np.fromiter(sorted(pool), dtype=np.int64)
        dense_c = np.clip(dense[candidates], 0.0, None)
        lexical_c = lexical[candidates]
        lexical_norm = lexical_c / lexical_c.max() if lexical_c.max() > 0 else lexical_c
        if mode == "dense":
            fused = dense_c
        elif mode == "lexical":
            fused = lexical_norm
        else:
            w = self.weights.dense
            fused = w * _minmax(dense_c) + (1 - w) * lexical_norm
            asked = self.actions.tags(query.lexical_text)
            cases = self.special_cases.tags(query.lexical_text)
            for position, c in enumerate(candidates.tolist()):
                fused[position] += self.weights.action * agreement(asked, self._performs[c])
                fused[position] -= self.weights.special_case * len(cases ^ self._cases[c])

        order = np.argsort(-fused)
        hits = []
        for i in order[: max(top, 1) * 4]:
            procedure = self.index.procedures[int(candidates[i])]
            hits.append(
                SearchHit(
                    code=procedure.code,
                    name=procedure.name,
                    levels=procedure.levels,
                    field=procedure.field,
                    score=round(float(fused[i]), 4),
                    dense=round(float(dense_c[i]), 4),
                    lexical=round(float(lexical_c[i]), 4),
                )
            )
        hits = self._prefer_levels(hits)[:top]
        confidence, debug = self._confidence(hits, background)
        return SearchResult(
            query=query,
            hits=hits,
            confident=confidence >= 0.5,
            confidence=confidence,
            mode=mode,
            debug=debug,
        )

    def _confidence(
        self, hits: list[SearchHit], background: float
    ) -> tuple[float, dict[str, float]]:
        """A 0–1 trust in the best hit; below 0.5 the assistant says it does not know.

        Two things must both hold. The best hit stands out from the knowledge base at large
        (every administrative-sounding question is fairly similar to every procedure; one
        that a procedure really answers is markedly closer to it). And it shares rare words
        with the question: an out-of-scope question ("mở nhà thuốc", "hiến máu") finds a
        neighbour by meaning, but only through common words like "cấp" or "giấy phép".
        """
        if not hits:
            return 0.0, {}
        margin = hits[0].dense - background
        evidence = hits[0].lexical / math.log(len(self.index.procedures) + 1)
        by_margin = 0.5 + (margin - self.weights.min_margin) * 10
        by_evidence = 0.5 + (evidence - self.weights.min_evidence) * 0.5
        confidence = float(np.clip(min(by_margin, by_evidence), 0.0, 1.0))
        debug = {"margin": round(margin, 4), "evidence": round(evidence, 4)}
        return round(confidence, 4), debug | {"top_dense": hits[0].dense}
