"""Judging a question's scope by the labelled questions it is most like (``scope.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
