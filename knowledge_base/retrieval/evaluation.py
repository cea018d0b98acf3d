"""Retrieval evaluation: hit@k, MRR, abstention and latency over a labelled question file.

Input lines are ``{"question": ..., "gold": [codes], "style": optional}``; an empty gold
list marks an out-of-scope question, for which the right outcome is "not confident".
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from knowledge_base.retrieval.results import SearchResult

SearchFunction = Callable[[str, int, str], SearchResult]


class LabelledQuestion(BaseModel):
    question: str
    gold: list[str] = Field(default_factory=list)
    style: str | None = None


def read_questions(path: Path) -> list[LabelledQuestion]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(LabelledQuestion.model_validate_json(line))
        except ValidationError as error:
            raise ValueError(f"{path}:{number}: {error.errors()[0]['msg']}") from error
    return questions


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def score(
    questions: list[LabelledQuestion], search: SearchFunction, mode: str = "hybrid"
) -> dict[str, Any]:
    """Run every question through ``search`` and return the figures of `tthc kb eval`."""
    in_scope = [q for q in questions if q.gold]
    out_of_scope = [q for q in questions if not q.gold]
    hits1 = hits5 = 0
    reciprocal = 0.0
    abstained_oos = false_abstain = 0
    latencies: list[float] = []
    per_style: dict[str, list[int]] = defaultdict(list)
    misses: list[dict[str, Any]] = []
    for question in questions:
        started = time.perf_counter()
        result = search(question.question, 10, mode)
        latencies.append((time.perf_counter() - started) * 1000)
        codes = [hit.code for hit in result.hits]
        if not question.gold:
            abstained_oos += not result.confident
            continue
        false_abstain += not result.confident
        rank = next((i for i, code in enumerate(codes) if code in question.gold), None)
        hit1 = rank == 0
        hits1 += hit1
        hits5 += rank is not None and rank < 5
        reciprocal += 1 / (rank + 1) if rank is not None else 0.0
        per_style[question.style or "unspecified"].append(int(hit1))
        if not hit1:
            misses.append({"question": question.question, "gold": question.gold, "got": codes[:3]})
    n_in = max(len(in_scope), 1)
    return {
        "n": len(questions),
        "n_in_scope": len(in_scope),
        "n_out_of_scope": len(out_of_scope),
        "hit@1": round(hits1 / n_in, 4),
        "hit@5": round(hits5 / n_in, 4),
        "mrr@10": round(reciprocal / n_in, 4),
        "abstain_oos": round(abstained_oos / len(out_of_scope), 4) if out_of_scope else None,
        "false_abstain": round(false_abstain / n_in, 4),
        "latency_ms_p50": round(statistics.median(latencies), 2) if latencies else 0.0,
        "latency_ms_p95": round(percentile(latencies, 0.95), 2),
        "by_style": {
            style: round(sum(values) / len(values), 4)
            for style, values in sorted(per_style.items())
        },
        "misses": misses,
    }


def evaluate(
    questions: list[LabelledQuestion], search: SearchFunction, baselines: bool = True
) -> dict[str, Any]:
    """The hybrid figures, with the lexical-only and dense-only figures of the same run."""
    # One warm-up search so the first question does not pay for loading the model.
    search("khởi động", 1, "hybrid")
    report = score(questions, search, "hybrid")
    if baselines:
        report["baselines"] = {}
        for mode, name in (("lexical", "bm25"), ("dense", "dense")):
            figures = score(questions, search, mode)
            figures.pop("misses")
            report["baselines"][name] = figures
    return report


def to_json(report: dict[str, Any], with_misses: bool = False) -> str:
    shown = dict(report)
    if not with_misses:
        shown.pop("misses", None)
    return json.dumps(shown, ensure_ascii=False, indent=2)
