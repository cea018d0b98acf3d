"""Whether the best match can be trusted: below 0.5 the assistant says it does not know.

Two things must both hold. The best hit stands out from the knowledge base at large
(every administrative-sounding question is fairly similar to every procedure; one that a
procedure really answers is markedly closer to it). And it shares rare words with the
question: an out-of-scope question ("mở nhà thuốc", "hiến máu") finds a neighbour by
meaning, but only through common words like "cấp" or "giấy phép".
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
) -> tuple[float, dict[str, float]]:
    """A 0–1 trust in ``best``, and the figures it came from.

    ``min_margin``: how far its dense similarity must stand above the question's similarity
    to the knowledge base (``background``). ``min_evidence``: its BM25 score divided by
    ln(N), about the weight of a word that only one procedure uses.
    """
    if best is None:
        return 0.0, {}
    margin = best.dense - background
    evidence = best.lexical / math.log(procedures + 1)
    by_margin = 0.5 + (margin - min_margin) * 10
    by_evidence = 0.5 + (evidence - min_evidence) * 0.5
    value = float(np.clip(min(by_margin, by_evidence), 0.0, 1.0))
    debug = {"margin": round(margin, 4), "evidence": round(evidence, 4)}
    return round(value, 4), debug | {"top_dense": best.dense}
