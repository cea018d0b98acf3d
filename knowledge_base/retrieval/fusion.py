"""Fusion: the candidates both retrievers propose, and one score mixing their evidence.

Each kind of evidence is normalised within the question's candidates before mixing:
dense similarities by min-max (they crowd into a narrow band), BM25 by its maximum (zero
means no shared word).
"""

from __future__ import annotations

import numpy as np


def minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


def candidate_pool(dense: np.ndarray, lexical: np.ndarray, per_retriever: int) -> np.ndarray:
    """Positions of the procedures either retriever ranks among its best, in index order."""
    pool = set(np.argsort(-dense)[:per_retriever].tolist())
    pool |= set(np.argsort(-lexical)[:per_retriever].tolist())
    return np.fromiter(sorted(pool), dtype=np.int64)


def by_maximum(values: np.ndarray) -> np.ndarray:
    return values / values.max() if values.max() > 0 else values


def fuse(dense: np.ndarray, lexical: np.ndarray, dense_weight: float, mode: str) -> np.ndarray:
    """One score per candidate from evidence the caller normalised (dense similarities
    clipped at zero, BM25 scores ``by_maximum``); ``mode`` dense or lexical gives a single
    retriever's."""
    if mode == "dense":
        return dense
    if mode == "lexical":
        return lexical
    return dense_weight * minmax(dense) + (1 - dense_weight) * lexical
