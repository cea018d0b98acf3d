"""Hybrid search: the parts of retrieval composed, for one question.

A question is analysed (``query.py``), scored by the dense and the lexical retriever
(``dense.py``, ``lexical.py``), their candidates fused (``fusion.py``), variants of one
procedure reranked (``reranking.py``) and the best hit weighed (``confidence.py``, with
the labelled questions of ``scope.py`` where the model was adapted here), so
that an out-of-scope question gets "I don't know", not a neighbour. A learned reranker
goes in at the same seam as ``rerank_variants``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.retrieval.confidence import TRUSTED, confidence
from knowledge_base.retrieval.dense import DenseRetriever
from knowledge_base.retrieval.fusion import by_maximum, candidate_pool, fuse
from knowledge_base.retrieval.index import SearchIndex
from knowledge_base.retrieval.lexical import LexicalRetriever
from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon
from knowledge_base.retrieval.query import QueryAnalyzer
from knowledge_base.retrieval.reranking import VariantTags, prefer_levels, rerank_variants
from knowledge_base.retrieval.results import SearchHit, SearchResult
from knowledge_base.retrieval.scope import ScopeExamples
from knowledge_base.retrieval.scoring import Retriever, no_scores

logger = logging.getLogger(__name__)

MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class SearchConfig:
    """How evidence is mixed and when a result is trusted.

    The candidate count, the trust thresholds and the levels are settings
    (``TTHC_SEARCH_CANDIDATES``, ``TTHC_CONFIDENCE_MARGIN``, ``TTHC_CONFIDENCE_EVIDENCE``,
    ``TTHC_CONFIDENCE_EVIDENCE_ADAPTED``, ``TTHC_PREFERRED_LEVELS``); the weights are
    measured constants. A model adapted here (the index records it) ranks better, so search
    with it counts its evidence more and needs less shared vocabulary to be trusted.
    """

    # Candidates taken from each retriever.
    candidates: int
    # How far the best match must stand above the question's similarity to the knowledge
    # base as a whole (its centroid).
    min_margin: float
    # How much rare vocabulary the best match must share with the question: its BM25 score
    # divided by ln(N), about the weight of a word that only one procedure uses.
    min_evidence: float
    # The level citizens use first, when variants of a procedure tie.
    preferred_levels: Sequence[str]
    # ``min_evidence`` for an index built with a model adapted here that has labelled
    # questions to judge the scope by (``scope.py``); without them, ``min_evidence``.
    adapted_min_evidence: float = 1.2
    # The share of dense evidence in the fused score: 0.5 measured best for the base model
    # (development set), 0.65 for a model adapted here (validation set, swept 0.4–0.8),
    # which reads citizens' wording better than BM25 does.
    dense_weight: float = 0.5
    adapted_dense_weight: float = 0.65
    # Added for a procedure that does what the question asks ("hết hạn" → Đổi), taken
    # away for one that does something else.
    action_weight: float = 0.1
    # Taken away for each special case (foreign element, border area...) that the
    # procedure and the question do not share.
    special_case_weight: float = 0.05
    # A tie between variants of one procedure is broken by level within this margin.
    level_tie_margin: float = 0.03


class HybridSearcher:
    """Search over one loaded index; built again whenever a new index goes live."""

    def __init__(
        self,
        index: SearchIndex,
        encoder: Any,
        config: SearchConfig,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.index = index
        self.config = config
        lexicon = lexicon or default_lexicon()
        self.analyzer = QueryAnalyzer(index.restorer, lexicon)
        self.dense: Retriever = DenseRetriever(index, encoder)
        self.lexical: Retriever = LexicalRetriever(index, lexicon.stopwords)
        self.variants = VariantTags.of(index.procedures, lexicon)
        self._base_names = {p.code: p.base_name for p in index.procedures}
        adapted = index.meta.get("adaptation") is not None
        self.dense_weight = config.adapted_dense_weight if adapted else config.dense_weight
        examples = ScopeExamples.load(Path(index.model), index.dense.d) if adapted else None
        self.scope_examples = examples if examples is not None and examples.usable else None
        if adapted and self.scope_examples is None:
            logger.warning(
                "%s has fewer than 3 labelled questions of a kind to judge the scope by: "
                "the base model's evidence threshold applies",
                index.model,
            )
        # Less shared vocabulary is enough only where the examples judge the scope too.
        self.min_evidence = (
            config.adapted_min_evidence if self.scope_examples is not None else config.min_evidence
        )

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        """Rank procedures for a question; ``mode`` may be dense or lexical for baselines."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        query = self.analyzer.analyze(question)
        n = len(self.index.procedures)
        if n == 0 or not query.text:
            return SearchResult(query=query, hits=[], confident=False, confidence=0.0, mode=mode)
        dense = self.dense.score(query) if mode != "lexical" else no_scores(n)
        lexical = self.lexical.score(query) if mode != "dense" else no_scores(n)

        candidates = candidate_pool(
            dense.per_procedure, lexical.per_procedure, self.config.candidates
        )
        dense_c = np.clip(dense.per_procedure[candidates], 0.0, None)
        lexical_c = lexical.per_procedure[candidates]
        fused = fuse(dense_c, by_maximum(lexical_c), self.dense_weight, mode)
        if mode == "hybrid":
            fused = rerank_variants(
                fused,
                candidates,
                query.lexical_text,
                self.variants,
                self.config.action_weight,
                self.config.special_case_weight,
            )

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
        hits = prefer_levels(
            hits, self._base_names, self.config.preferred_levels, self.config.level_tie_margin
        )[:top]
        scope = (
            self.scope_examples.closeness(dense.vector)
            if self.scope_examples is not None and dense.vector is not None
            else None
        )
        trust, debug = confidence(
            hits[0] if hits else None,
            dense.background,
            n,
            self.config.min_margin,
            self.min_evidence,
            scope=scope,
        )
        return SearchResult(
            query=query,
            hits=hits,
            confident=trust >= TRUSTED,
            confidence=trust,
            mode=mode,
            debug=debug,
        )
