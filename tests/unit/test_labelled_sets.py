"""The labelled question sets keep their roles: training questions are well formed, name
real procedures, and repeat no question of a set that measures."""

from __future__ import annotations

import csv
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


class Comparable(str):
    """A question folded and lower-cased, with its set of words (compared many times)."""

    words: frozenset[str]

    def __new__(cls, question: str) -> Comparable:
        text = super().__new__(cls, " ".join(fold_diacritics(question.lower()).split()))
        text.words = frozenset(text.split())
        return text


def measured_questions() -> list[Comparable]:
    questions = []
    for name in MEASURING:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            questions += item.get("turns", [item.get("question", "")])
    return [Comparable(q) for q in questions]


def test_training_questions_are_in_a_known_style_and_out_of_scope_only_as_such() -> None:
    questions = read_questions(TRAINING_QUESTIONS)
    assert len([q for q in questions if q.gold]) >= 1000
    assert len([q for q in questions if not q.gold]) >= 100
    assert all(q.style in STYLES if q.gold else q.style == "oos" for q in questions)


def test_training_questions_name_procedures_of_the_national_catalogue() -> None:
    codes = set()
    with require_shared(NATIONAL_FILE).open(encoding="utf-8") as handle:
        for line in handle:
            codes.add(json.loads(line)["ma_thu_tuc"])
    unknown = {c for q in read_questions(TRAINING_QUESTIONS) for c in q.gold} - codes
    assert not unknown


def close(a: Comparable, b: Comparable, ratio: float = 0.75) -> bool:
    """Within ``ratio`` of each other by difflib's measure; lengths and word overlap
    first, for speed (the measure is at most twice the shorter length over both)."""
    if 2 * min(len(a), len(b)) < ratio * (len(a) + len(b)):
        return False
    if len(a.words & b.words) < 0.3 * len(a.words | b.words):
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= ratio


def test_no_training_question_is_close_to_a_question_that_measures() -> None:
    measured = measured_questions()
    written = [Comparable(q.question) for q in read_questions(TRAINING_QUESTIONS)]
    repeated = [q for q in written if any(close(q, other) for other in measured)]
    assert repeated == []


@pytest.mark.parametrize("name", ["heldout.jsonl", "validation.jsonl"])
def test_a_set_that_measures_is_never_trained_on(name: str) -> None:
    with pytest.raises(HeldOutRefused):
        labelled_questions([TRAINING_QUESTIONS, DATA / name])


def shared_questions() -> list[Comparable]:
    """The real questions of ../shared/data/questions/, which the project must not copy."""
    folder = require_shared(NATIONAL_FILE.parents[1] / "questions")
    texts = [json.loads(line)["question"] for line in (folder / "dvc-faq-qa.jsonl").open()]
    with (folder / "moh-faq.csv").open(encoding="utf-8-sig") as handle:
        texts += [cell for row in csv.reader(handle) for cell in row if len(cell) > 15]
    for line in (folder / "dvc-faq-nlu.yml").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("- ") and len(line) > 20:
            texts.append(line.strip()[2:])
    return [Comparable(text) for text in texts]


@pytest.mark.parametrize("name", ["training_questions.jsonl", "validation.jsonl"])
def test_no_written_question_is_close_to_a_real_one_it_must_not_copy(name: str) -> None:
    real = shared_questions()
    written = [Comparable(q.question) for q in read_questions(DATA / name)]
    copied = [q for q in written if any(close(q, other, ratio=0.7) for other in real)]
    assert copied == []
