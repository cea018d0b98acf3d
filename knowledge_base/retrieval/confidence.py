"""Whether the best match can be trusted: below 0.5 the assistant says it does not know.

Two things must hold. The best hit stands out from the knowledge base at large
(every administrative-sounding question is fairly similar to every procedure; one that a
procedure really answers is markedly closer to it). And it shares rare words with the
question: an out-of-scope question ("mở nhà thuốc", "hiến máu") finds a neighbour by
meaning, but only through common words like "cấp" or "giấy phép". Where the model was
adapted here with labelled questions, a third: the question is more like those the
catalogue answers than like those it does not (``scope.py``).
"""

from __future__ import annotations

import math

import numpy as np

from knowledge_base.retrieval.results import SearchHit

TRUSTED = 0.5


def confidence(
    best: SearchHit | None,
    background: float,
    procedures: int,
    min_margin: float,
    min_evidence: float,
    scope: float | None = None,
    vouched: float = 0.0,
) -> tuple[float, dict[str, float]]:
    """A 0–1 trust in ``best``, and the figures it came from.

    ``min_margin``: how far its dense similarity must stand above the question's similarity
    to the knowledge base (``background``). ``min_evidence``: its BM25 score divided by
    ln(N), about the weight of a word that only one procedure uses. ``scope``: how much
    closer the question is to in-scope labelled questions than to out-of-scope ones, where
    there are such examples; below 0 it is not trusted. ``vouched``: the rare words that
    labelled questions about ``best``, much like this one, stand in for
    (``SearchConfig.labelled_evidence`` times their closeness).
    """
    if best is None:
        return 0.0, {}
    margin = best.dense - background
    evidence = best.lexical / math.log(procedures + 1) + vouched
    by_margin = 0.5 + (margin - min_margin) * 10
    by_evidence = 0.5 + (evidence - min_evidence) * 0.5
    # Like the margin, a difference of cosines: 0.05 either side of 0 is the whole range.
    by_scope = 0.5 + scope * 10 if scope is not None else 1.0
    value = float(np.clip(min(by_margin, by_evidence, by_scope), 0.0, 1.0))
    debug = {"margin": round(margin, 4), "evidence": round(evidence, 4)}
    if scope is not None:
        debug["scope"] = round(scope, 4)
    return round(value, 4), debug | {"top_dense": best.dense}
