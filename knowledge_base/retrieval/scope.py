"""Whether a question is of a kind the catalogue answers, judged by the labelled questions it
is most like.

Shared rare words and a dense margin let through out-of-scope questions that sound
administrative ("xin giấy phép bán rượu", "đăng ký ứng cử đại biểu"): some procedure shares
their words. People ask about a limited set of such things, and the labelled questions
hold examples of them beside examples of what the catalogue does answer. A question whose
nearest out-of-scope examples are closer than its nearest in-scope ones is not trusted.

The examples are embedded with the adapted model when it is trained (``tthc kb adapt``)
and kept beside it, since a question's neighbours depend on the model that embeds both.
In scope means labelled with a procedure, whether or not this deployment has it: the
examples tell what kind of question people ask an administrative assistant, and whether
the catalogue holds the answer is the evidence's and the margin's to tell.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from knowledge_base.retrieval.evaluation import LabelledQuestion

logger = logging.getLogger(__name__)

EXAMPLES_FILE = "scope_examples.npz"
# Neighbours averaged on each side: measured 1, 3, 5 and 10 on questions whose author the
# examples did not include; 3 refused the most out-of-scope questions for the fewest
# in-scope ones.
NEIGHBOURS = 3
# How much further than the nearest in-scope example a procedure's own nearest example may
# be and still count for it (a cosine difference).
LABEL_MARGIN = 0.15
# Below the first cosine the nearest example tells nothing of the question's procedure;
# above the second, all it can. Measured with the national catalogue's adapted model on
# questions by authors the examples did not include: of their questions about procedures
# no example names, ranked right 0.58 ungated, 0.61 with this gate (0.77 without any
# examples), for the same 0.72 overall.
LIKE = (0.4, 0.6)


def examples_digest(questions: Sequence[LabelledQuestion], read: Callable[[str], str]) -> str:
    """Which examples they are: each question as search reads it, and its procedures."""
    return _digest([read(q.question) for q in questions], [_label(q) for q in questions])


def _label(question: LabelledQuestion) -> str:
    return ",".join(sorted(question.gold))


def _digest(texts: Sequence[str], labels: Sequence[str]) -> str:
    rows = sorted(zip(texts, labels, strict=True))
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class ScopeExamples:
    """Labelled questions as vectors, whether each is in scope, and the procedures that
    answer it (comma-separated codes; empty out of scope)."""

    vectors: np.ndarray
    in_scope: np.ndarray
    digest: str
    labels: np.ndarray

    @classmethod
    def of(
        cls,
        questions: Sequence[LabelledQuestion],
        read: Callable[[str], str],
        encode: Callable[[list[str]], np.ndarray],
    ) -> ScopeExamples:
        """``read`` turns a question into the text search embeds; ``encode`` embeds it."""
        texts = [read(q.question) for q in questions]
        labels = [_label(q) for q in questions]
        vectors = encode(texts) if texts else np.zeros((0, 1))
        return cls(
            vectors=np.asarray(vectors, dtype=np.float32),
            in_scope=np.array([bool(label) for label in labels], dtype=bool),
            digest=_digest(texts, labels),
            labels=np.array(labels, dtype=str),
        )

    @property
    def usable(self) -> bool:
        """Both kinds have enough examples to compare with."""
        inside = int(self.in_scope.sum())
        return min(inside, len(self.in_scope) - inside) >= NEIGHBOURS

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine of a (normalised) question vector with every example."""
        # Not a matrix product: BLAS would start threads that keep spinning and slow the
        # model's next question (search p95 22 → 54 ms measured); this takes 0.3 ms.
        return (self.vectors * np.asarray(vector, dtype=np.float32).reshape(1, -1)).sum(1)

    def closeness(self, vector: np.ndarray) -> float:
        """How much closer the question is to in-scope examples than to out-of-scope
        ones (mean cosine of the nearest on each side); negative: it looks out of scope."""
        return self.closeness_of(self.similarities(vector))

    def closeness_of(self, similarities: np.ndarray) -> float:
        inside = np.sort(similarities[self.in_scope])[-NEIGHBOURS:]
        outside = np.sort(similarities[~self.in_scope])[-NEIGHBOURS:]
        return float(inside.mean() - outside.mean())

    def label_closeness(self, similarities: np.ndarray, codes: Sequence[str]) -> np.ndarray:
        """Per procedure code: 1 when the question's nearest in-scope example is labelled
        with it, falling to 0 as its own nearest example is ``LABEL_MARGIN`` further away
        than that; 0 for a procedure no example names. All of it scaled down when even the
        nearest example is not much like the question (``LIKE``): a question about a
        procedure nobody wrote an example for must not be pulled to one somebody did."""
        closeness = np.zeros(len(codes), dtype=np.float32)
        if not self.in_scope.any():
            return closeness
        nearest = float(similarities[self.in_scope].max())
        alike = float(np.clip((nearest - LIKE[0]) / (LIKE[1] - LIKE[0]), 0.0, 1.0))
        for position, code in enumerate(codes):
            rows = self._rows_labelled.get(code)
            if rows is not None:
                gap = nearest - float(similarities[rows].max())
                closeness[position] = alike * max(0.0, 1.0 - gap / LABEL_MARGIN)
        return closeness

    @cached_property
    def _rows_labelled(self) -> dict[str, np.ndarray]:
        rows: dict[str, list[int]] = {}
        for row, label in enumerate(self.labels.tolist()):
            for code in filter(None, label.split(",")):
                rows.setdefault(code, []).append(row)
        return {code: np.array(found) for code, found in rows.items()}

    def save(self, folder: Path) -> Path:
        """Written whole or not at all: a running server may load it at any moment."""
        path = folder / EXAMPLES_FILE
        partial = folder / f".{uuid.uuid4().hex}.npz"
        try:
            np.savez(
                partial,
                vectors=self.vectors,
                in_scope=self.in_scope,
                digest=np.array(self.digest),
                labels=self.labels,
            )
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return path

    @classmethod
    def load(cls, folder: Path, dimension: int | None = None) -> ScopeExamples | None:
        """The examples kept beside a model, if it has readable ones of its ``dimension``."""
        path = folder / EXAMPLES_FILE
        if not path.is_file():
            return None
        try:
            with np.load(path) as data:
                in_scope = data["in_scope"].astype(bool)
                # Examples kept before labels were: they judge the scope, not the ranking.
                labels = data["labels"] if "labels" in data.files else np.full(len(in_scope), "")
                if len(labels) != len(in_scope):
                    raise ValueError("labels and examples do not match")
                examples = cls(data["vectors"], in_scope, str(data["digest"]), labels)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            logger.warning("scope examples in %s not read: %s", folder, error)
            return None
        if (
            dimension is not None
            and len(examples.vectors)
            and examples.vectors.shape[-1] != dimension
        ):
            logger.warning("scope examples in %s are not of the model's dimension", folder)
            return None
        return examples
