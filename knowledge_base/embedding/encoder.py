"""The embedding encoder, built once per process by the composition root.

The model is a sentence-transformers folder or name (a setting). Where the folder carries
an ONNX export (``tthc model build`` makes one for the default model), ONNX Runtime runs
it, about 2.5x faster on a small CPU; otherwise sentence-transformers does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge_base.embedding import onnx_backend

_lock = threading.Lock()


@dataclass(frozen=True)
class EmbeddingConfig:
    """Which model embeds, with which prompts; an index records the model and passage
    prompt it was built with, so that a change of either rebuilds it."""

    model: str
    query_prompt: str
    passage_prompt: str
    batch_size: int = 64
    backend: str = "onnx"  # "onnx" where the folder has an export, else sentence-transformers


class Encoder:
    """Embeds questions and passages with the prompts the model was trained with (e5)."""

    def __init__(self, config: EmbeddingConfig) -> None:
        self.config = config
        folder = Path(self.name)
        self.onnx: onnx_backend.OnnxEncoder | None = None
        self.model = None
        if (
            config.backend == "onnx"
            and onnx_backend.is_exported(folder)
            and onnx_backend.supports(folder)
        ):
            self.onnx = onnx_backend.OnnxEncoder(folder)
        else:
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(self.name, device="cpu")

    @property
    def name(self) -> str:
        return self.config.model

    @property
    def passage_prompt(self) -> str:
        return self.config.passage_prompt

    @property
    def backend(self) -> str:
        return "onnx" if self.onnx is not None else "sentence-transformers"

    @property
    def dimension(self) -> int:
        if self.onnx is not None:
            return self.onnx.dimension
        return int(self.model.get_sentence_embedding_dimension() or 0)

    def _encode(self, texts: list[str], prompt: str, batch_size: int, progress: bool) -> np.ndarray:
        if self.onnx is not None:
            return self.onnx.encode([prompt + t for t in texts], batch_size=batch_size)
        vectors = self.model.encode(
            texts,
            prompt=prompt,
            normalize_embeddings=True,
            batch_size=batch_size,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with _lock:
            return self._encode(texts, self.config.query_prompt, 32, False)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, self.config.batch_size, show_progress)
