"""Search as the app and the CLI use it: reindex from the database, search the live index.

The service notices a new build (the ``CURRENT`` pointer changed, e.g. after `tthc kb
reindex` in another process) and loads it before the next search; searches in flight keep
the index they started with.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.orm import Session

from knowledge_base import models, store
from knowledge_base.retrieval.hybrid import FusionWeights, HybridSearcher, SearchResult
from knowledge_base.retrieval.index import (
    FORMAT_VERSION,
    IndexMissing,
    build_index,
    current_build_id,
    load_index,
)
from knowledge_base.retrieval.views import IndexedProcedure
from knowledge_base.settings import Settings


def indexed_procedure(row: models.Procedure) -> IndexedProcedure:
    return IndexedProcedure(
        code=row.code,
        name=row.name,
        levels=list(row.levels or []),
        field=row.field,
        keywords=list(row.keywords or []),
    )


def knowledge_base_wording(rows: list[models.Procedure]) -> list[str]:
    """Everyday wording of the knowledge base, from which diacritics are restored."""
    texts: list[str] = []
    for row in rows:
        texts.extend(t for t in (row.result, row.applicants) if t)
        texts.extend(document.name for document in row.documents)
    return texts


class SearchService:
    def __init__(self, settings: Settings, encoder: object | None = None) -> None:
        self.settings = settings
        self._encoder = encoder
        self._searcher: HybridSearcher | None = None
        self._lock = threading.Lock()

    @property
    def index_root(self) -> Path:
        return self.settings.index_dir

    @property
    def encoder(self) -> object:
        if self._encoder is None:
            from knowledge_base.embedding.encoder import get_encoder

            self._encoder = get_encoder()
        return self._encoder

    def reindex(self, session: Session, show_progress: bool = False) -> Path:
        """Build a fresh index of the active procedures and make it live."""
        rows = store.active_procedures(session)
        folder = build_index(
            [indexed_procedure(row) for row in rows],
            self.encoder,
            self.index_root,
            kb_version=store.kb_version(session),
            show_progress=show_progress,
            wording=knowledge_base_wording(rows),
        )
        self._searcher = None
        return folder

    def is_current(self, session: Session) -> bool:
        """True when the live index was built by this code from this model, prompt and
        knowledge base."""
        try:
            searcher = self.searcher()
        except IndexMissing:
            return False
        return (
            searcher.index.meta.get("format") == FORMAT_VERSION
            and searcher.index.model == self.settings.resolved_embedding_model
            and searcher.index.meta.get("passage_prompt") == self.settings.passage_prompt
            and searcher.index.kb_version == store.kb_version(session)
        )

    def searcher(self) -> HybridSearcher:
        live = current_build_id(self.index_root)
        searcher = self._searcher
        if searcher is not None and searcher.index.build_id == live:
            return searcher
        with self._lock:
            if self._searcher is None or self._searcher.index.build_id != live:
                self._searcher = HybridSearcher(
                    load_index(self.index_root),
                    self.encoder,
                    weights=FusionWeights(
                        min_margin=self.settings.confidence_margin,
                        min_evidence=self.settings.confidence_evidence,
                    ),
                    preferred_levels=self.settings.preferred_levels,
                    candidates=self.settings.search_candidates,
                )
            return self._searcher

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        return self.searcher().search(question, top=top, mode=mode)
