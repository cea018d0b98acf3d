"""The labelled question sets keep their roles: training questions are well formed, name
real procedures, and repeat no question of a set that measures."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from knowledge_base.retrieval.evaluation import read_questions
from tests.conftest import NATIONAL_FILE, require_shared
from tthc.adapting import TRAINING_QUESTIONS, HeldOutRefused, labelled_questions
from vntext.normalization import fold_diacritics

DATA = Path(__file__).resolve().parents[1] / "data"
STYLES = {"no_diacritics", "story", "everyday", "abbreviation", "typo", "formal", "diacritics"}
MEASURING = ("heldout.jsonl", "validation.jsonl", "conversation_heldout.jsonl")


def comparable(question: str) -> str:
    return " ".join(fold_diacritics(question.lower()).split())


def measured_questions() -> list[str]:
    questions = []
    for name in MEASURING:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            questions += item.get("turns", [item.get("question", "")])
    return [comparable(q) for q in questions]


def test_training_questions_are_in_scope_and_in_a_known_style() -> None:
    questions = read_questions(TRAINING_QUESTIONS)
    assert len(questions) >= 500
    assert all(q.gold and q.style in STYLES for q in questions)


def test_training_questions_name_procedures_of_the_national_catalogue() -> None:
    codes = set()
    with require_shared(NATIONAL_FILE).open(encoding="utf-8") as handle:
        for line in handle:
            codes.add(json.loads(line)["ma_thu_tuc"])
    unknown = {c for q in read_questions(TRAINING_QUESTIONS) for c in q.gold} - codes
    assert not unknown


def close(a: str, b: str) -> bool:
    """Within 0.75 of each other by difflib's ratio; word overlap first, for speed."""
    words_a, words_b = set(a.split()), set(b.split())
    if len(words_a & words_b) < 0.3 * len(words_a | words_b):
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def test_no_training_question_is_close_to_a_question_that_measures() -> None:
    measured = measured_questions()
    repeated = [
        q.question
        for q in read_questions(TRAINING_QUESTIONS)
        if any(close(comparable(q.question), other) for other in measured)
    ]
    assert repeated == []


@pytest.mark.parametrize("name", ["heldout.jsonl", "validation.jsonl"])
def test_a_set_that_measures_is_never_trained_on(name: str) -> None:
    with pytest.raises(HeldOutRefused):
        labelled_questions([TRAINING_QUESTIONS, DATA / name])
