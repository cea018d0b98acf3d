"""Search as the app and the CLI use it: reindex from the knowledge base, search the live
index.

The service notices a new build (the ``CURRENT`` pointer changed, e.g. after `tthc kb
reindex` in another process) and loads it before the next search; searches in flight keep
the index they started with. It reads procedures through ``Catalogue`` (``corpus.py``),
which the store implements, and never touches the database itself.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from knowledge_base.embedding.encoder import EmbeddingConfig, Encoder
from knowledge_base.retrieval.corpus import Catalogue
from knowledge_base.retrieval.hybrid import HybridSearcher, SearchConfig
from knowledge_base.retrieval.index import (
    FORMAT_VERSION,
    build_index,
    current_build_id,
    live_meta,
    load_index,
)
from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon
from knowledge_base.retrieval.phrases import PhraseTagger, expand_abbreviations
from knowledge_base.retrieval.results import SearchResult


def embeds_as(config: EmbeddingConfig) -> tuple[str, str, str]:
    """What decides the vectors: the model and its two prompts (not batch size or backend)."""
    return config.model, config.query_prompt, config.passage_prompt


class SearchService:
    def __init__(
        self,
        index_root: Path,
        catalogue: Catalogue,
        embedding: EmbeddingConfig,
        config: SearchConfig,
        encoder: Encoder | None = None,
    ) -> None:
        """``encoder``, when given (tests share one), must embed as ``embedding`` says."""
        if encoder is not None and embeds_as(encoder.config) != embeds_as(embedding):
            raise ValueError(
                f"the encoder embeds with {embeds_as(encoder.config)}, the service was told "
                f"{embeds_as(embedding)}"
            )
        self.index_root = index_root
        self.catalogue = catalogue
        self.embedding = embedding
        self.config = config
        self._encoder = encoder
        self._searcher: HybridSearcher | None = None
        self._lock = threading.RLock()

    @property
    def encoder(self) -> Encoder:
        """Loaded at first use, so that commands which never search do not load a model."""
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    self._encoder = Encoder(self.embedding)
        return self._encoder

    def lexicon(self) -> Lexicon:
        """The built-in word lists with the entries added in the back-office."""
        return default_lexicon().with_entries(self.catalogue.word_lists())

    def refresh_lexicon(self) -> None:
        """Word lists changed: the next search reads them again (the index stays)."""
        with self._lock:
            self._searcher = None

    def reindex(self, show_progress: bool = False) -> Path:
        """Build a fresh index of the active procedures and make it live."""
        corpus = self.catalogue.corpus()
        folder = build_index(
            corpus.procedures,
            self.encoder,
            self.index_root,
            kb_version=corpus.version,
            show_progress=show_progress,
            wording=corpus.wording,
            lexicon=self.lexicon(),
        )
        self._searcher = None
        return folder

    def is_current(self) -> bool:
        """True when the live index was built by this code from this model, prompt and
        knowledge base (read from the build's record; no model is loaded)."""
        meta = live_meta(self.index_root)
        return (
            meta is not None
            and meta.get("format") == FORMAT_VERSION
            and meta.get("model") == self.embedding.model
            and meta.get("passage_prompt") == self.embedding.passage_prompt
            and meta.get("kb_version") == self.catalogue.version()
        )

    def searcher(self) -> HybridSearcher:
        live = current_build_id(self.index_root)
        searcher = self._searcher
        if searcher is not None and searcher.index.build_id == live:
            return searcher
        with self._lock:
            if self._searcher is None or self._searcher.index.build_id != live:
                index = load_index(self.index_root)
                self._searcher = HybridSearcher(
                    index, self._encoder_for(index.model), self.config, self.lexicon()
                )
            return self._searcher

    def _encoder_for(self, model: str) -> Encoder:
        """The encoder the index was built with: `tthc kb adapt` in another process
        rebuilds the index with a new adapted model, which queries must then be embedded
        with too."""
        if model != self.encoder.name and Path(model).is_dir():
            self.embedding = replace(self.embedding, model=model)
            self._encoder = Encoder(self.embedding)
        return self.encoder

    def action_phrases(self) -> PhraseTagger:
        """What citizens want done to a procedure's object, as search reads it."""
        return self.searcher().variants.actions

    def spell_out(self, text: str) -> str:
        """The text with its abbreviations spelled out ("cccd"), as search reads them: with
        the word lists search has loaded, not read again for each message."""
        return expand_abbreviations(text, self.searcher().analyzer.lexicon.abbreviations)

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        return self.searcher().search(question, top=top, mode=mode)
