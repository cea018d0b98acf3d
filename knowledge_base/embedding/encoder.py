"""The sentence-transformers encoder, loaded once per process."""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from knowledge_base.settings import Settings, get_settings

_lock = threading.Lock()


class Encoder:
    """Embeds questions and passages with the prompts the model was trained with (e5)."""

    def __init__(self, settings: Settings) -> None:
        from sentence_transformers import SentenceTransformer

        self.name = settings.resolved_embedding_model
        self.model = SentenceTransformer(self.name, device="cpu")
        self.query_prompt = settings.query_prompt
        self.passage_prompt = settings.passage_prompt
        self.batch_size = settings.embedding_batch_size

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension() or 0)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with _lock:
            vectors = self.model.encode(
                texts, prompt=self.query_prompt, normalize_embeddings=True, batch_size=32
            )
        return np.asarray(vectors, dtype=np.float32)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            prompt=self.passage_prompt,
            normalize_embeddings=True,
            batch_size=self.batch_size,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache
def get_encoder() -> Encoder:
    return Encoder(get_settings())
