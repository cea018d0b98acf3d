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
from pathlib import Path

import numpy as np

from knowledge_base.retrieval.evaluation import LabelledQuestion

logger = logging.getLogger(__name__)

EXAMPLES_FILE = "scope_examples.npz"
# Neighbours averaged on each side: measured 1, 3, 5 and 10 on questions whose author the
# examples did not include; 3 refused the most out-of-scope questions for the fewest
# in-scope ones.
NEIGHBOURS = 3


def examples_digest(questions: Sequence[LabelledQuestion], read: Callable[[str], str]) -> str:
    """Which examples they are: each question as search reads it, and its scope."""
    return _digest([read(q.question) for q in questions], [bool(q.gold) for q in questions])


def _digest(texts: Sequence[str], in_scope: Sequence[bool]) -> str:
    rows = sorted(zip(texts, in_scope, strict=True))
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class ScopeExamples:
    """Labelled questions as vectors, and whether each is in scope."""

    vectors: np.ndarray
    in_scope: np.ndarray
    digest: str

    @classmethod
    def of(
        cls,
        questions: Sequence[LabelledQuestion],
        read: Callable[[str], str],
        encode: Callable[[list[str]], np.ndarray],
    ) -> ScopeExamples:
        """``read`` turns a question into the text search embeds; ``encode`` embeds it."""
        texts = [read(q.question) for q in questions]
        in_scope = [bool(q.gold) for q in questions]
        vectors = encode(texts) if texts else np.zeros((0, 1))
        return cls(
            vectors=np.asarray(vectors, dtype=np.float32),
            in_scope=np.array(in_scope, dtype=bool),
            digest=_digest(texts, in_scope),
        )

    @property
    def usable(self) -> bool:
        """Both kinds have enough examples to compare with."""
        inside = int(self.in_scope.sum())
        return min(inside, len(self.in_scope) - inside) >= NEIGHBOURS

    def closeness(self, vector: np.ndarray) -> float:
        """How much closer the question is to in-scope examples than to out-of-scope
        ones (mean cosine of the nearest on each side); negative: it looks out of scope."""
        # Not a matrix product: BLAS would start threads that keep spinning and slow the
        # model's next question (search p95 22 → 54 ms measured); this takes 0.3 ms.
        similarities = (self.vectors * np.asarray(vector, dtype=np.float32).reshape(1, -1)).sum(1)
        inside = np.sort(similarities[self.in_scope])[-NEIGHBOURS:]
        outside = np.sort(similarities[~self.in_scope])[-NEIGHBOURS:]
        return float(inside.mean() - outside.mean())

    def save(self, folder: Path) -> Path:
        """Written whole or not at all: a running server may load it at any moment."""
        path = folder / EXAMPLES_FILE
        partial = folder / f".{uuid.uuid4().hex}.npz"
        try:
            np.savez(
                partial, vectors=self.vectors, in_scope=self.in_scope, digest=np.array(self.digest)
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
                examples = cls(data["vectors"], data["in_scope"].astype(bool), str(data["digest"]))
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
