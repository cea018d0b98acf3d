"""Reranking among variants of one procedure: the action asked for, the special cases,
and the level citizens use.

Many procedures differ only by what is done to one object ("Cấp lại / Đổi giấy phép lái
xe") or by a special case (foreign element, border area); neither retriever weighs that
one word much. Near-tied variants that remain are ordered by level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge_base.retrieval.actions import agreement, performed
from knowledge_base.retrieval.lexicon import Lexicon
from knowledge_base.retrieval.phrases import PhraseTagger
from knowledge_base.retrieval.results import SearchHit
from knowledge_base.retrieval.situation import age_cases
from knowledge_base.retrieval.views import IndexedProcedure

# Cases of ``resources/special_cases.tsv`` for who applies.
INDIVIDUAL, ORGANISATION = "cá nhân", "tổ chức"


@dataclass(frozen=True)
class VariantTags:
    """What tells variants apart, read once per index: each procedure's actions (from the
    head of its name) and special cases (from its name and field)."""

    actions: PhraseTagger
    special_cases: PhraseTagger
    performs: list[frozenset[str]]
    cases: list[frozenset[str]]

    @classmethod
    def of(cls, procedures: Sequence[IndexedProcedure], lexicon: Lexicon) -> VariantTags:
        actions = PhraseTagger(lexicon.actions, lexicon.action_spellings)
        special_cases = PhraseTagger(lexicon.special_cases)
        return cls(
            actions=actions,
            special_cases=special_cases,
            performs=[performed(actions, p.name) for p in procedures],
            cases=[special_cases.tags(f"{p.name}, {p.field or ''}") for p in procedures],
        )


def rerank_variants(
    fused: np.ndarray,
    candidates: np.ndarray,
    question: str,
    tags: VariantTags,
    action_weight: float,
    special_case_weight: float,
) -> np.ndarray:
    """Add ``action_weight`` to a candidate doing what the question asks (take it away
    from one doing something else), and take ``special_case_weight`` away for each special
    case that the candidate and the question do not share."""
    actions, special_cases = variant_evidence(candidates, question, tags)
    return weigh_variants(fused, actions, special_cases, action_weight, special_case_weight)


def weigh_variants(
    fused: np.ndarray,
    actions: np.ndarray,
    special_cases: np.ndarray,
    action_weight: float,
    special_case_weight: float,
) -> np.ndarray:
    """The hand-set mix's correction for what ``variant_evidence`` found."""
    return fused + action_weight * actions - special_case_weight * special_cases


def variant_evidence(
    candidates: np.ndarray, question: str, tags: VariantTags
) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate: +1 when it does what the question asks, -1 when it does something
    else (``actions.agreement``); and how many special cases it and the question do not
    share."""
    asked = tags.actions.tags(question)
    cases = tags.special_cases.tags(question) | age_cases(question)
    positions = candidates.tolist()
    actions = np.array([agreement(asked, tags.performs[c]) for c in positions], dtype=np.float32)
    special = np.array([len(unshared(cases, tags.cases[c])) for c in positions], dtype=np.float32)
    return actions, special


def unshared(asked: frozenset[str], variant: frozenset[str]) -> frozenset[str]:
    """The special cases one side has and the other lacks; a citizen who names no
    organisation is an individual, so a variant for individuals costs such a question
    nothing."""
    differ = asked ^ variant
    if ORGANISATION not in asked:
        differ -= {INDIVIDUAL}
    return differ


def level_rank(levels: list[str], preferred_levels: Sequence[str]) -> int:
    ranks = [preferred_levels.index(level) for level in levels if level in preferred_levels]
    return min(ranks, default=len(preferred_levels))


def prefer_levels(
    hits: list[SearchHit],
    base_names: dict[str, str],
    preferred_levels: Sequence[str],
    tie_margin: float,
) -> list[SearchHit]:
    """Among variants of one procedure (the same ``base_names``) within ``tie_margin`` of
    each other, put the level citizens use first."""
    ordered: list[SearchHit] = []
    placed: set[str] = set()
    for hit in hits:
        if hit.code in placed:
            continue
        base = base_names[hit.code]
        group = [
            other
            for other in hits
            if other.code not in placed
            and base_names[other.code] == base
            and hit.score - other.score <= tie_margin
        ]
        group.sort(key=lambda h: (level_rank(h.levels, preferred_levels), -h.score))
        for member in group:
            ordered.append(member)
            placed.add(member.code)
    return ordered
