"""Learned ranking: the features of a question's candidates, weights learned from labelled
questions, and the file they are kept in."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.retrieval.learned_ranking import (
    DEFAULT_RANKING_WEIGHTS,
    FEATURES,
    CandidateEvidence,
    RankingExample,
    RankingWeights,
    fit_weights,
)

pytestmark = pytest.mark.app


def evidence(**columns: list[float]) -> CandidateEvidence:
    """Evidence for a few candidates: the columns given, zeros for the rest."""
    n = len(next(iter(columns.values())))
    names = [field.name for field in fields(CandidateEvidence) if field.name != "procedures"]
    values = {name: np.array(columns.get(name, [0.0] * n), dtype=np.float32) for name in names}
    return CandidateEvidence(**values, procedures=100)


def column(features: np.ndarray, name: str) -> list[float]:
    return features[:, FEATURES.index(name)].round(4).tolist()


def test_evidence_is_normalised_within_the_candidates() -> None:
    features = evidence(dense=[0.80, 0.90, 0.85], lexical=[10.0, 0.0, 5.0]).features()
    assert features.shape == (3, len(FEATURES))
    assert column(features, "dense") == [0.0, 1.0, 0.5]
    assert column(features, "lexical") == [1.0, 0.0, 0.5]
    assert column(features, "dense_gap") == pytest.approx([-0.1, 0.0, -0.05], abs=1e-4)


def test_ranks_count_from_the_best_and_no_shared_word_has_no_lexical_rank() -> None:
    features = evidence(dense=[0.80, 0.90, 0.85], lexical=[10.0, 0.0, 5.0]).features()
    assert column(features, "dense_rank") == [pytest.approx(1 / 3, abs=1e-4), 1.0, 0.5]
    assert column(features, "lexical_rank") == [1.0, 0.0, 0.5]


def test_a_name_the_question_covers_lacks_nothing() -> None:
    features = evidence(dense=[0.9, 0.9], name_recall=[1.0, 0.5], name_missing=[0, 3]).features()
    assert column(features, "name_recall") == [1.0, 0.5]
    assert column(features, "name_missing") == [0.0, pytest.approx(np.log(4), abs=1e-4)]


def examples_where(decisive: str, count: int = 60, seed: int = 3) -> list[RankingExample]:
    """Questions whose right candidate is the one ``decisive`` favours, whatever the noise
    in the rest of the evidence; dense evidence leans towards it too, as it does in search."""
    rng = np.random.default_rng(seed)
    examples = []
    for _ in range(count):
        features = rng.normal(0.5, 0.2, size=(8, len(FEATURES))).astype(np.float32)
        right = np.zeros(8, dtype=bool)
        right[int(np.argmax(features[:, FEATURES.index(decisive)]))] = True
        features[right, FEATURES.index("dense")] += 0.2
        examples.append(RankingExample(features, right))
    return examples


# The hand-set mix, whose scale learned weights are put on.
MIX = {"dense": 0.65, "lexical": 0.35, "action": 0.1, "special_cases": -0.05}


def test_the_feature_that_decides_gets_the_largest_weight() -> None:
    weights = fit_weights(examples_where("name_recall"), MIX).weights
    others = [abs(v) for name, v in weights.items() if name != "name_recall"]
    assert weights["name_recall"] > max(others)


def test_the_best_candidates_score_as_under_the_hand_set_mix() -> None:
    """The same mean and spread, so a threshold on the best score lets as many through."""
    examples = examples_where("name_recall")
    learned, mix = fit_weights(examples, MIX), RankingWeights(MIX)
    best = np.array([learned.score(e.features).max() for e in examples])
    expected = np.array([mix.score(e.features).max() for e in examples])
    assert best.mean() == pytest.approx(expected.mean(), abs=1e-3)
    assert best.std() == pytest.approx(expected.std(), abs=1e-3)


def test_one_question_is_too_few_to_put_scores_on_a_scale() -> None:
    with pytest.raises(ValueError, match="too few"):
        fit_weights(examples_where("dense", count=1), MIX)


def test_the_same_questions_give_the_same_weights() -> None:
    assert fit_weights(examples_where("action"), MIX) == fit_weights(examples_where("action"), MIX)


def test_questions_without_a_right_candidate_teach_nothing() -> None:
    features = np.ones((3, len(FEATURES)), dtype=np.float32)
    with pytest.raises(ValueError, match="no labelled question"):
        fit_weights([RankingExample(features, np.zeros(3, dtype=bool))], MIX)


def test_weights_score_candidates_by_their_features() -> None:
    weights = RankingWeights({"dense": 0.6, "lexical": 0.4, "name_recall": 0.5}, intercept=0.1)
    features = evidence(dense=[0.8, 0.9], lexical=[0.0, 10.0], name_recall=[1.0, 0.0]).features()
    assert weights.score(features).tolist() == pytest.approx([0.6, 1.1])


def test_weights_are_kept_and_read_back(tmp_path: Path) -> None:
    weights = RankingWeights({"dense": 0.6, "lexical": 0.4}, 0.2, {"questions": ["round2.jsonl"]})
    weights.save(tmp_path / "weights.json")
    assert RankingWeights.load(tmp_path / "weights.json") == weights


def test_a_weights_file_naming_an_unknown_feature_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    path.write_text('{"weights": {"dense": 1.0, "popularity": 0.3}}', encoding="utf-8")
    with pytest.raises(ValueError, match="popularity"):
        RankingWeights.load(path)


def test_a_missing_or_broken_weights_file_says_which(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read the ranking weights"):
        RankingWeights.load(tmp_path / "absent.json")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json"):
        RankingWeights.load(tmp_path / "broken.json")
    (tmp_path / "empty.json").write_text('{"weights": null}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty\.json"):
        RankingWeights.load(tmp_path / "empty.json")


def test_the_shipped_weights_name_only_known_features() -> None:
    weights = RankingWeights.load(DEFAULT_RANKING_WEIGHTS)
    assert set(weights.weights) == set(FEATURES)
    assert weights.about["questions"]
