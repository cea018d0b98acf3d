"""Build, persist and load the search index; swap versions atomically.

Each build goes into its own folder under ``<data_dir>/index/builds/``; the file
``CURRENT`` names the live one and is replaced with ``os.replace``, so a reader sees the
old index or the new one, never a half-built one.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np

from knowledge_base.embedding.adaptation import adaptation_summary
from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon
from knowledge_base.retrieval.query import DiacriticsRestorer
from knowledge_base.retrieval.tokens import lexical_tokens
from knowledge_base.retrieval.views import IndexedProcedure, dense_views, lexical_document

# Raised whenever what a build holds changes (texts indexed, tokens, restoration), so that
# an older build is rebuilt at the next start.
FORMAT_VERSION = 2
CURRENT = "CURRENT"
KEEP_BUILDS = 2


class IndexMissing(RuntimeError):
    """No index has been built yet (run `tthc kb reindex`)."""


@dataclass
class SearchIndex:
    """A loaded index: everything search needs, in memory."""

    build_id: str
    meta: dict[str, Any]
    procedures: list[IndexedProcedure]
    dense: faiss.Index
    view_owner: np.ndarray
    lexical: bm25s.BM25
    restorer: DiacriticsRestorer
    centroid: np.ndarray

    @property
    def model(self) -> str:
        return str(self.meta["model"])

    @property
    def kb_version(self) -> str:
        return str(self.meta["kb_version"])


def _build_lexical(procedures: list[IndexedProcedure], lexicon: Lexicon) -> bm25s.BM25:
    corpus = [
        lexical_tokens(lexical_document(p, lexicon.abbreviations), lexicon.stopwords)
        for p in procedures
    ]
    retriever = bm25s.BM25(k1=1.2, b=0.9)
    retriever.index(corpus, show_progress=False)
    return retriever


def diacritics_restorer(
    procedures: list[IndexedProcedure], lexicon: Lexicon, wording: list[str] | None = None
) -> DiacriticsRestorer:
    """What gives questions typed without diacritics their marks back: the knowledge base's
    own wording (an index stores it; the adaptation reads questions with it too)."""
    return DiacriticsRestorer.from_texts(
        [p.name for p in procedures]
        + [p.field or "" for p in procedures]
        + [k for p in procedures for k in p.keywords]
        + list(lexicon.synonyms.values())
        + list(lexicon.abbreviations.values())
        + (wording or []),
        preferred=lexicon.common_phrases,
    )


def build_index(
    procedures: list[IndexedProcedure],
    encoder: Any,
    index_root: Path,
    kb_version: str,
    lexicon: Lexicon | None = None,
    show_progress: bool = False,
    wording: list[str] | None = None,
) -> Path:
    """Build a new index folder and make it the current one; return its path.

    ``wording`` is extra knowledge-base text (documents, results, applicants) from which
    questions typed without diacritics get them back.
    """
    lexicon = lexicon or default_lexicon()
    started = time.perf_counter()
    builds = index_root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    folder = builds / f".{build_id}.partial"
    folder.mkdir()

    texts: list[str] = []
    owners: list[int] = []
    for position, procedure in enumerate(procedures):
        for view in dense_views(procedure):
            texts.append(view)
            owners.append(position)
    vectors = (
        encoder.encode_passages(texts, show_progress=show_progress)
        if texts
        else np.zeros((0, encoder.dimension), dtype=np.float32)
    )
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)
    faiss.write_index(dense, str(folder / "dense.faiss"))
    np.save(folder / "view_owner.npy", np.asarray(owners, dtype=np.int32))

    lexical = _build_lexical(procedures, lexicon) if procedures else None
    if lexical is not None:
        lexical.save(str(folder / "bm25"))

    restorer = diacritics_restorer(procedures, lexicon, wording)
    (folder / "restorer.json").write_text(
        json.dumps(restorer.table, ensure_ascii=False), encoding="utf-8"
    )
    (folder / "procedures.json").write_text(
        json.dumps([p.model_dump() for p in procedures], ensure_ascii=False), encoding="utf-8"
    )
    meta = {
        "format": FORMAT_VERSION,
        "build_id": build_id,
        "model": encoder.name,
        # What the model was adapted from, when it was (``embedding/adaptation.py``).
        "adaptation": adaptation_summary(Path(encoder.name)),
        "passage_prompt": getattr(encoder, "passage_prompt", None),
        "dimension": int(vectors.shape[1]),
        "kb_version": kb_version,
        "procedures": len(procedures),
        "vectors": len(texts),
        "built_at": datetime.now(timezone.utc).isoformat(),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    final = builds / build_id
    folder.rename(final)
    _point_current(index_root, build_id)
    _remove_old_builds(builds, keep=build_id)
    return final


def _point_current(index_root: Path, build_id: str) -> None:
    pointer = index_root / CURRENT
    temporary = index_root / f".{CURRENT}.{uuid.uuid4().hex}"
    temporary.write_text(build_id, encoding="utf-8")
    os.replace(temporary, pointer)


def _remove_old_builds(builds: Path, keep: str) -> None:
    """Keep the newest builds (a reader may still be loading the previous one)."""
    finished = sorted(p for p in builds.iterdir() if not p.name.startswith("."))
    for old in finished[:-KEEP_BUILDS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


def current_build_id(index_root: Path) -> str | None:
    try:
        return (index_root / CURRENT).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def live_meta(index_root: Path) -> dict[str, Any] | None:
    """What the live build records of itself (model, prompt, format, knowledge base), read
    without loading the index."""
    build_id = current_build_id(index_root)
    if build_id is None:
        return None
    return json.loads((index_root / "builds" / build_id / "meta.json").read_text(encoding="utf-8"))


def load_index(index_root: Path) -> SearchIndex:
    build_id = current_build_id(index_root)
    if build_id is None:
        raise IndexMissing(f"no search index in {index_root}; run `tthc kb reindex`")
    folder = index_root / "builds" / build_id
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    procedures = [
        IndexedProcedure.model_validate(p)
        for p in json.loads((folder / "procedures.json").read_text(encoding="utf-8"))
    ]
    lexical = bm25s.BM25.load(str(folder / "bm25")) if (folder / "bm25").exists() else bm25s.BM25()
    dense = faiss.read_index(str(folder / "dense.faiss"))
    vectors = dense.reconstruct_n(0, dense.ntotal) if dense.ntotal else np.zeros((1, dense.d))
    return SearchIndex(
        build_id=build_id,
        meta=meta,
        procedures=procedures,
        dense=dense,
        view_owner=np.load(folder / "view_owner.npy"),
        lexical=lexical,
        restorer=DiacriticsRestorer(
            json.loads((folder / "restorer.json").read_text(encoding="utf-8"))
        ),
        centroid=vectors.mean(axis=0).astype(np.float32),
    )
