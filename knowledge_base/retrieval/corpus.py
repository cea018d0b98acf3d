"""What search indexes, and where it comes from: the narrow interface between the store
and retrieval (the store implements ``Catalogue``; retrieval never touches the ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from knowledge_base.retrieval.lexicon import WordListEntry
from knowledge_base.retrieval.views import IndexedProcedure


@dataclass(frozen=True)
class Corpus:
    """What an index is built from."""

    procedures: list[IndexedProcedure]
    # Everyday wording of the knowledge base (documents, results, applicants), from which
    # questions typed without diacritics get them back.
    wording: list[str]
    # Changes whenever an indexed procedure does (see ``store.kb_version``).
    version: str


@dataclass(frozen=True)
class ProcedureText:
    """What the embedding model is adapted from (``training_pairs.py``): a procedure as
    indexed, with what it produces and who may ask for it."""

    procedure: IndexedProcedure
    result: str | None = None
    applicants: str | None = None


class Catalogue(Protocol):
    """Where the procedures to index come from (the store, in the app)."""

    def corpus(self) -> Corpus: ...

    def version(self) -> str: ...

    def training_texts(self) -> list[ProcedureText]: ...

    def word_lists(self) -> list[WordListEntry]:
        """The word-list entries added in the back-office: (list, phrase, meaning)."""
        ...
