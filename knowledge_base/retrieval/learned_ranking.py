"""Learned ranking: the candidates ordered by a linear model over what tells them apart.

The hand-set mix (``fusion.py`` then ``reranking.py``) weighs dense and BM25 evidence, the
action and the special cases with constants measured one at a time. The misses it leaves
are mostly a close variant at rank 2–5: the procedure "for organisations" above the one a
household needs, the province's above the commune's. What separates them is how much of
the candidate's name the question accounts for, next to the evidence both retrievers
give; a linear model learns how much each counts from questions people wrote
(``tthc kb train-ranking``), scored with a model that had not seen them.

The weights are kept in a small JSON file, put on the hand-set mix's scale so that the
margins of the dialogue (when to clarify, when a follow-up switches) keep their meaning.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge_base.retrieval.fusion import by_maximum, minmax

# What is known of each candidate; every feature is 0 for a candidate that has nothing of it.
FEATURES = (
    # The hand-set mix's two kinds of evidence, normalised within the candidates.
    "dense",
    "lexical",
    # How far below the best candidate's similarity (raw cosines: a gap of 0.05 is large).
    "dense_gap",
    # 1/rank within the candidates, by each retriever.
    "dense_rank",
    "lexical_rank",
    # Rare words shared: BM25 / ln(N), about the weight of a word only one procedure uses.
    "evidence",
    # +1 the action asked, -1 another (actions.py); special cases not shared (reranking.py).
    "action",
    "special_cases",
    # The share of the name's words that the question has, and the name's words it lacks
    # (log): a variant whose qualifiers the question never mentions is less likely.
    "name_recall",
    "name_missing",
    # The level citizens use: 0 for the first preferred level, 1 for none of them.
    "level",
    # How close the question is to labelled questions this candidate answers, against the
    # nearest labelled question of all (``ScopeExamples.label_closeness``).
    "labelled",
)
# The weights shipped, learned on the national catalogue (the file says how).
DEFAULT_RANKING_WEIGHTS = (
    Path(__file__).resolve().parent.parent / "resources" / "ranking_weights.json"
)


@dataclass(frozen=True)
class CandidateEvidence:
    """What search found for one question, one value per candidate."""

    dense: np.ndarray  # cosine similarity, clipped at 0
    lexical: np.ndarray  # BM25
    action: np.ndarray
    special_cases: np.ndarray
    name_recall: np.ndarray
    name_missing: np.ndarray
    level: np.ndarray
    labelled: np.ndarray
    procedures: int

    def features(self) -> np.ndarray:
        """One row per candidate, columns in ``FEATURES`` order."""
        n = len(self.dense)
        columns = {
            "dense": minmax(self.dense),
            "lexical": by_maximum(self.lexical),
            "dense_gap": self.dense - (self.dense.max() if n else 0.0),
            "dense_rank": _reciprocal_rank(self.dense),
            "lexical_rank": np.where(self.lexical > 0, _reciprocal_rank(self.lexical), 0.0),
            "evidence": self.lexical / math.log(self.procedures + 1),
            "action": self.action,
            "special_cases": self.special_cases,
            "name_recall": self.name_recall,
            "name_missing": np.log1p(self.name_missing),
            "level": self.level,
            "labelled": self.labelled,
        }
        return np.column_stack([columns[name] for name in FEATURES]).astype(np.float32)


def _reciprocal_rank(values: np.ndarray) -> np.ndarray:
    ranks = np.empty(len(values), dtype=np.float32)
    ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
    return 1.0 / ranks


@dataclass(frozen=True)
class RankingWeights:
    """A weight per feature, and how they were learned."""

    weights: dict[str, float]
    # Puts scores on the hand-set mix's scale (with the weights' own scale).
    intercept: float = 0.0
    about: dict[str, object] = field(default_factory=dict)

    def score(self, features: np.ndarray) -> np.ndarray:
        vector = np.array([self.weights.get(name, 0.0) for name in FEATURES], dtype=np.float32)
        return features @ vector + self.intercept

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps(
                {"weights": self.weights, "intercept": self.intercept, "about": self.about},
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )

    @classmethod
    def load(cls, path: Path) -> RankingWeights:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            intercept = float(data.get("intercept", 0.0))
            about = dict(data.get("about", {}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"cannot read the ranking weights {path}: {error!r}") from error
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"{path}: unknown ranking features {sorted(unknown)}")
        return cls(weights, intercept, about)


@dataclass(frozen=True)
class RankingExample:
    """One labelled question's candidates: their features, and which of them are right."""

    features: np.ndarray
    right: np.ndarray  # bool per candidate


def fit_weights(
    examples: Sequence[RankingExample],
    reference: dict[str, float],
    regularisation: float = 1.0,
    negatives: int = 20,
) -> RankingWeights:
    """Pairwise logistic regression: each right candidate against the ``negatives`` wrong
    ones the ``reference`` weights put highest (the ones that compete), on feature
    differences. The result is then put on the reference's scale (the best candidates'
    scores given the reference's mean and spread), so that the thresholds and margins set
    on that scale keep their meaning."""
    from sklearn.linear_model import LogisticRegression

    ref = np.array([reference.get(name, 0.0) for name in FEATURES], dtype=np.float32)
    differences = []
    for example in examples:
        right = np.flatnonzero(example.right)
        wrong = np.flatnonzero(~example.right)
        if len(right) == 0 or len(wrong) == 0:
            continue
        wrong = wrong[np.argsort(-(example.features[wrong] @ ref), kind="stable")][:negatives]
        # Each right candidate weighs 1/len(right): a question with three right variants
        # counts as much as one with a single one.
        for r in right:
            differences.append((example.features[r] - example.features[wrong], 1 / len(right)))
    if not differences:
        raise ValueError("no labelled question had a right candidate among its candidates")
    x = np.vstack([d for d, _ in differences])
    weight = np.concatenate([np.full(len(d), w) for d, w in differences])
    # Both orders of each pair, so the model has two classes and no intercept is needed.
    model = LogisticRegression(C=regularisation, fit_intercept=False, max_iter=5000)
    model.fit(
        np.vstack([x, -x]),
        np.concatenate([np.ones(len(x)), np.zeros(len(x))]),
        sample_weight=np.concatenate([weight, weight]),
    )
    raw = model.coef_[0]
    # The best candidate's score, by each: the same mean and spread under both, so that the
    # share of questions whose best score clears a threshold stays about the same.
    learned = np.array([float((e.features @ raw).max()) for e in examples])
    referred = np.array([float((e.features @ ref).max()) for e in examples])
    if learned.std() < 1e-6 or referred.std() < 1e-6:
        raise ValueError("too few distinct questions to put the learned scores on a scale")
    slope = referred.std() / learned.std()
    intercept = referred.mean() - slope * learned.mean()
    weights = {name: round(float(v * slope), 5) for name, v in zip(FEATURES, raw, strict=True)}
    return RankingWeights(weights, round(float(intercept), 5))
