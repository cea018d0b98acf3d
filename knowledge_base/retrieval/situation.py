"""Facts of a citizen's situation that decide between variants, read from the question
where a word list cannot: an age written as a number ("làm căn cước cho con 10 tuổi").

Variants of the identity card are split at 14; the cases named here are those of
``resources/special_cases.tsv`` ("dưới 14 tuổi", "từ 14 tuổi").
"""

from __future__ import annotations

import re

from vntext.normalization import fold_diacritics

UNDER_14, FROM_14 = "dưới 14 tuổi", "từ 14 tuổi"
_AGE = re.compile(r"\b(\d{1,3})\s*tuoi\b")
_MONTHS = re.compile(r"\b\d{1,2}\s*thang\s*tuoi\b")


def age_cases(question: str) -> frozenset[str]:
    """``UNDER_14`` or ``FROM_14`` for a question giving an age ("bé 5 tháng tuổi" is under
    14); nothing when it gives none, or gives ages on both sides."""
    folded = fold_diacritics(question.lower())
    ages = [int(age) for age in _AGE.findall(folded)]
    cases = {UNDER_14 if age < 14 else FROM_14 for age in ages}
    if _MONTHS.search(folded):
        cases.add(UNDER_14)
    return frozenset(cases) if len(cases) == 1 else frozenset()
