"""Unanswered questions, grouped so an editor labels each kind once; labelled questions as
evaluation data (the `tthc kb eval` file), and the search measured on them over time.

Grouped by the words they share (folded, fillers left out): cheap, deterministic and good
enough to put "cách đăng ký tạm vắng" beside "đăng ký tạm vắng ở đâu".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import EvaluationRun, QuestionLabel, Turn
from knowledge_base.retrieval.evaluation import LabelledQuestion, SearchFunction, score
from tthc.analytics import UNANSWERED, period, question_key
from vntext.normalization import fold_diacritics

SIMILAR = 0.5  # share of words two questions must have in common to be one group
_MASK = re.compile(r"\[[^\]]*\]")
# Words every question has, which say nothing of what it is about.
_FILLERS = frozenset(
    {
        *("cho", "em", "hoi", "a", "oi", "la", "gi", "the", "nao", "lam", "sao", "can"),
        *("khong", "ko", "co", "duoc", "minh", "toi", "anh", "chi", "ak", "nhe", "vay"),
        *("thi", "ma", "voi", "va", "de", "o", "dau", "bao", "nhieu", "roi"),
    }
)


def _words(question: str) -> frozenset[str]:
    folded = re.sub(r"[^\w\s]", " ", fold_diacritics(_MASK.sub(" ", question.lower())))
    return frozenset(w for w in folded.split() if w not in _FILLERS and len(w) > 1)


@dataclass
class Group:
    questions: Counter[str] = field(default_factory=Counter)
    words: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        return sum(self.questions.values())

    @property
    def example(self) -> str:
        return self.questions.most_common(1)[0][0]


def labelled_keys(session: Session) -> set[str]:
    return {question_key(q) for q in session.scalars(select(QuestionLabel.question))}


def unanswered_groups(session: Session, start: date, end: date) -> list[Group]:
    """The questions of the period that went unanswered and are not labelled yet, grouped,
    the largest group first."""
    since, until = period(start, end)
    done = labelled_keys(session)
    asked: Counter[str] = Counter()
    for question in session.scalars(
        select(Turn.question).where(
            Turn.at >= since, Turn.at < until, Turn.outcome.in_(sorted(UNANSWERED))
        )
    ):
        if question.strip() and question_key(question) not in done:
            asked[question.strip()] += 1
    groups: list[Group] = []
    for question, count in asked.most_common():
        words = _words(question)
        for group in groups:
            shared = len(words & group.words) / max(len(words | group.words), 1)
            if shared >= SIMILAR:
                group.questions[question] += count
                break
        else:
            groups.append(Group(Counter({question: count}), words))
    return sorted(groups, key=lambda g: -g.count)


def label(session: Session, questions: list[str], procedure_code: str | None, by: str) -> int:
    """Label each question (a group) with its procedure, or None for out of scope."""
    done = labelled_keys(session)
    new = [
        q for q in dict.fromkeys(q.strip() for q in questions) if q and question_key(q) not in done
    ]
    for question in new:
        session.add(QuestionLabel(question=question, procedure_code=procedure_code, labelled_by=by))
    return len(new)


def labelled_questions(session: Session) -> list[LabelledQuestion]:
    rows = session.scalars(select(QuestionLabel).order_by(QuestionLabel.id))
    return [
        LabelledQuestion(
            question=row.question,
            gold=[row.procedure_code] if row.procedure_code else [],
            style="labelled",
        )
        for row in rows
    ]


def evaluation_file(session: Session) -> str:
    """The labelled questions as a `tthc kb eval` file (JSON lines)."""
    return "".join(
        json.dumps(q.model_dump(), ensure_ascii=False) + "\n" for q in labelled_questions(session)
    )


def run_evaluation(session: Session, search: SearchFunction, by: str) -> EvaluationRun | None:
    questions = labelled_questions(session)
    if not questions:
        return None
    figures = score(questions, search)
    in_scope = figures["n_in_scope"]
    run = EvaluationRun(
        questions=len(questions),
        hit_at_1=figures["hit@1"] if in_scope else None,
        hit_at_5=figures["hit@5"] if in_scope else None,
        abstain_out_of_scope=figures["abstain_oos"],
        run_by=by,
    )
    session.add(run)
    return run
