"""Hybrid search: the parts of retrieval composed, for one question.

A question is analysed (``query.py``), scored by the dense and the lexical retriever
(``dense.py``, ``lexical.py``), their candidates fused (``fusion.py``), variants of one
procedure reranked (``reranking.py``) and the best hit weighed (``confidence.py``, with
the labelled questions of ``scope.py`` where the model was adapted here), so
that an out-of-scope question gets "I don't know", not a neighbour. With a model adapted
here, a learned linear model (``learned_ranking.py``) orders the candidates instead of the
hand-set mix and variant weights; near-tied variants are still ordered by level.
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
from knowledge_base.retrieval.learned_ranking import CandidateEvidence, RankingWeights
from knowledge_base.retrieval.lexical import LexicalRetriever
from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon
from knowledge_base.retrieval.phrases import expand_abbreviations
from knowledge_base.retrieval.query import AnalyzedQuery, QueryAnalyzer
from knowledge_base.retrieval.reranking import (
    VariantTags,
    level_rank,
    prefer_levels,
    variant_evidence,
    weigh_variants,
)
from knowledge_base.retrieval.results import SearchHit, SearchResult
from knowledge_base.retrieval.scope import ScopeExamples
from knowledge_base.retrieval.scoring import Retriever, Scores, no_scores
from knowledge_base.retrieval.tokens import folded_words

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
    # Learned weights that order the candidates of an index built with a model adapted
    # here, in place of the mix above (``learned_ranking.py``); None keeps the mix.
    ranking: RankingWeights | None = None
    # With learned ranking: the rare words a best match's labelled questions stand in for
    # when the question is as like them as can be (``ScopeExamples.label_closeness`` 1).
    # Measured 0–1.5 on the second round's questions with a model that had not seen them
    # (out of scope refused / false refusals: 0.52 / 0.094 at 0, 0.46 / 0.040 at 1, 0.45 /
    # 0.026 at 1.5), then on the validation set (0.84 / 0.08 at 0, 0.84 / 0.007 at 1,
    # 0.80 / 0.007 at 1.5).
    labelled_evidence: float = 1.0


@dataclass(frozen=True)
class Candidates:
    """The procedures both retrievers propose for one question, with their evidence."""

    positions: np.ndarray  # index positions
    dense: Scores
    lexical: Scores
    evidence: CandidateEvidence
    # How in scope the question looks, and its cosine with the nearest labelled question
    # (``ScopeExamples``); None without examples.
    scope: float | None
    nearest_example: float | None


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
        self.codes = [p.code for p in index.procedures]
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
        # The weights were learned with labelled questions naming their procedures; examples
        # kept before labels were (re-embedded by the next `tthc kb adapt`) keep the mix.
        labelled = self.scope_examples is not None and bool(
            (self.scope_examples.labels != "").any()
        )
        if adapted and config.ranking is not None and not labelled:
            logger.warning(
                "%s has no labelled questions naming procedures: the hand-set mix ranks "
                "(`tthc kb adapt` embeds them)",
                index.model,
            )
        self.ranking = config.ranking if adapted and labelled else None
        self._name_words = [
            folded_words(p.name, lexicon.stopwords)
            | folded_words(expand_abbreviations(p.name, lexicon.abbreviations), lexicon.stopwords)
            for p in index.procedures
        ]
        self._levels = np.array(
            [level_rank(p.levels, config.preferred_levels) for p in index.procedures],
            dtype=np.float32,
        ) / max(len(config.preferred_levels), 1)

    def candidates(self, query: AnalyzedQuery, mode: str = "hybrid") -> Candidates:
        """What each retriever finds for an analysed question, for its best candidates."""
        n = len(self.index.procedures)
        dense = self.dense.score(query) if mode != "lexical" else no_scores(n)
        lexical = self.lexical.score(query) if mode != "dense" else no_scores(n)
        positions = candidate_pool(
            dense.per_procedure, lexical.per_procedure, self.config.candidates
        )
        actions, special_cases = variant_evidence(positions, query.lexical_text, self.variants)
        asked = folded_words(query.lexical_text, self.analyzer.lexicon.stopwords)
        shared = np.array(
            [len(self._name_words[c] & asked) for c in positions.tolist()], dtype=np.float32
        )
        sizes = np.array([len(self._name_words[c]) for c in positions.tolist()], dtype=np.float32)
        scope, nearest, labelled = None, None, np.zeros(len(positions), dtype=np.float32)
        if self.scope_examples is not None and dense.vector is not None:
            similarities = self.scope_examples.similarities(dense.vector)
            scope = self.scope_examples.closeness_of(similarities)
            nearest = float(similarities.max())
            labelled = self.scope_examples.label_closeness(
                similarities, [self.codes[c] for c in positions.tolist()]
            )
        evidence = CandidateEvidence(
            dense=np.clip(dense.per_procedure[positions], 0.0, None),
            lexical=lexical.per_procedure[positions],
            action=actions,
            special_cases=special_cases,
            name_recall=shared / np.maximum(sizes, 1.0),
            name_missing=sizes - shared,
            level=self._levels[positions],
            labelled=labelled,
            procedures=n,
        )
        return Candidates(positions, dense, lexical, evidence, scope, nearest)

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        """Rank procedures for a question; ``mode`` may be dense or lexical for baselines."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        query = self.analyzer.analyze(question)
        n = len(self.index.procedures)
        if n == 0 or not query.text:
            return SearchResult(query=query, hits=[], confident=False, confidence=0.0, mode=mode)
        found = self.candidates(query, mode)
        candidates, dense = found.positions, found.dense
        dense_c, lexical_c = found.evidence.dense, found.evidence.lexical
        if mode == "hybrid" and self.ranking is not None:
            fused = self.ranking.score(found.evidence.features())
        else:
            fused = fuse(dense_c, by_maximum(lexical_c), self.dense_weight, mode)
            if mode == "hybrid":
                fused = weigh_variants(
                    fused,
                    found.evidence.action,
                    found.evidence.special_cases,
                    self.config.action_weight,
                    self.config.special_case_weight,
                )

        order = np.argsort(-fused)
        hits = []
        shown = order[: max(top, 1) * 4]
        for i in shown:
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
        vouched = 0.0
        if hits and self.ranking is not None and mode == "hybrid":
            best = next(i for i in shown if self.codes[int(candidates[i])] == hits[0].code)
            vouched = self.config.labelled_evidence * float(found.evidence.labelled[best])
        trust, debug = confidence(
            hits[0] if hits else None,
            dense.background,
            n,
            self.config.min_margin,
            self.min_evidence,
            scope=found.scope,
            vouched=vouched,
        )
        return SearchResult(
            query=query,
            hits=hits,
            confident=trust >= TRUSTED,
            confidence=trust,
            mode=mode,
            debug=debug,
            scope=found.scope,
        )
