"""Judging a question's scope by the labelled questions it is most like (``scope.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge_base.retrieval.evaluation import LabelledQuestion
from knowledge_base.retrieval.scope import ScopeExamples, examples_digest

# Toy embeddings: one axis for administrative questions, one for everything else.
AXES = {"đăng ký": (1.0, 0.0), "thời tiết": (0.0, 1.0)}


def encode(texts: list[str]) -> np.ndarray:
    vectors = [next(v for key, v in AXES.items() if key in text) for text in texts]
    return np.asarray(vectors, dtype=np.float32)


def labelled(question: str, in_scope: bool) -> LabelledQuestion:
    return LabelledQuestion(question=question, gold=["1.001193"] if in_scope else [])


QUESTIONS = [
    *(labelled(f"đăng ký việc {n}", True) for n in range(3)),
    *(labelled(f"thời tiết ngày {n}", False) for n in range(3)),
]


def examples(questions: list[LabelledQuestion] = QUESTIONS) -> ScopeExamples:
    return ScopeExamples.of(questions, read=str.lower, encode=encode)


def test_a_question_like_the_out_of_scope_examples_looks_out_of_scope() -> None:
    assert examples().closeness(np.array([0.2, 0.9])) < 0


def test_a_question_like_the_in_scope_examples_looks_in_scope() -> None:
    assert examples().closeness(np.array([0.9, 0.2])) > 0


def test_fewer_than_three_examples_of_a_kind_judge_nothing() -> None:
    assert examples().usable
    assert not examples(QUESTIONS[:5]).usable


def test_examples_kept_beside_a_model_come_back_the_same(tmp_path: Path) -> None:
    kept = examples()
    kept.save(tmp_path)
    loaded = ScopeExamples.load(tmp_path)
    assert loaded is not None
    assert np.array_equal(loaded.vectors, kept.vectors)
    assert loaded.in_scope.tolist() == [True] * 3 + [False] * 3
    assert loaded.digest == examples_digest(QUESTIONS, str.lower)


def test_a_model_without_examples_has_none(tmp_path: Path) -> None:
    assert ScopeExamples.load(tmp_path) is None


def test_a_question_changing_scope_changes_the_digest() -> None:
    changed = [*QUESTIONS[:5], labelled("thời tiết ngày 2", True)]
    assert examples_digest(changed, str.lower) != examples_digest(QUESTIONS, str.lower)


def test_a_question_read_another_way_changes_the_digest() -> None:
    assert examples_digest(QUESTIONS, str.upper) != examples_digest(QUESTIONS, str.lower)


def test_an_unreadable_examples_file_is_no_examples(tmp_path: Path) -> None:
    (tmp_path / "scope_examples.npz").write_bytes(b"not a zip")
    assert ScopeExamples.load(tmp_path) is None


def test_examples_of_another_dimension_are_no_examples(tmp_path: Path) -> None:
    examples().save(tmp_path)
    assert ScopeExamples.load(tmp_path, dimension=384) is None


def answered_by(*rows: tuple[tuple[float, float], str]) -> ScopeExamples:
    """Examples at the given (unit) vectors, each labelled with its procedures."""
    vectors = np.array([vector for vector, _ in rows], dtype=np.float32)
    labels = np.array([label for _, label in rows])
    return ScopeExamples(vectors, labels != "", "digest", labels)


def unit(degrees: float) -> tuple[float, float]:
    return (float(np.cos(np.radians(degrees))), float(np.sin(np.radians(degrees))))


def test_the_procedure_of_the_nearest_labelled_question_counts_most() -> None:
    kept = answered_by(
        (unit(0), "1.001193"), (unit(23), "2.000528,1.001193"), (unit(40), "1.000656")
    )
    similarities = kept.similarities(np.array(unit(0)))
    closeness = kept.label_closeness(similarities, ["1.001193", "2.000528", "1.000656", "9.999"])
    # cos 23° = 0.92: 0.08 further than the nearest; cos 40° = 0.77: beyond the margin.
    assert closeness.tolist() == pytest.approx([1.0, 1 - 0.0795 / 0.15, 0.0, 0.0], abs=1e-3)


def test_a_question_unlike_every_labelled_question_is_pulled_nowhere() -> None:
    kept = answered_by((unit(0), "1.001193"), (unit(10), "2.000528"))
    far = kept.similarities(np.array(unit(70)))  # cos 60° = 0.5 at best: halfway up the gate
    nowhere = kept.similarities(np.array(unit(90)))  # cos 80° = 0.17
    assert kept.label_closeness(far, ["2.000528"]).tolist() == pytest.approx([0.5], abs=0.02)
    assert kept.label_closeness(nowhere, ["2.000528", "1.001193"]).tolist() == [0.0, 0.0]


def test_out_of_scope_questions_name_no_procedure() -> None:
    kept = answered_by((unit(0), ""), (unit(30), "1.001193"))
    similarities = kept.similarities(np.array(unit(0)))
    assert kept.label_closeness(similarities, ["1.001193"]).tolist() == [1.0]


def test_labels_are_kept_beside_the_model(tmp_path: Path) -> None:
    examples().save(tmp_path)
    loaded = ScopeExamples.load(tmp_path)
    assert loaded is not None
    assert loaded.labels.tolist() == ["1.001193"] * 3 + [""] * 3


def test_examples_kept_before_labels_judge_the_scope_and_name_no_procedure(tmp_path: Path) -> None:
    kept = examples()
    np.savez(
        tmp_path / "scope_examples.npz",
        vectors=kept.vectors,
        in_scope=kept.in_scope,
        digest=np.array(kept.digest),
    )
    loaded = ScopeExamples.load(tmp_path)
    assert loaded is not None and loaded.usable
    similarities = loaded.similarities(np.array([1.0, 0.0]))
    assert loaded.label_closeness(similarities, ["1.001193"]).tolist() == [0.0]


def test_a_question_labelled_with_another_procedure_changes_the_digest() -> None:
    relabelled = [*QUESTIONS[:2], LabelledQuestion(question=QUESTIONS[2].question, gold=["2.0"])]
    relabelled += QUESTIONS[3:]
    assert examples_digest(relabelled, str.lower) != examples_digest(QUESTIONS, str.lower)
