"""The texts under which a procedure is indexed.

A citizen may name a procedure by its official title, by its field and everyday words, or
by what it produces; each view is embedded separately and the best one counts.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from knowledge_base.retrieval.phrases import expand_abbreviations
from vntext.normalization import normalize

_PARENTHESES = re.compile(r"\s*\([^)]*\)")


class IndexedProcedure(BaseModel):
    """What the index keeps of a procedure, enough to answer a search without the database."""

    code: str
    name: str
    levels: list[str]
    field: str | None
    keywords: list[str]

    @property
    def base_name(self) -> str:
        """The name without parenthesised qualifiers, which variants of one procedure share."""
        return _PARENTHESES.sub("", self.name).strip().lower()


def dense_views(procedure: IndexedProcedure) -> list[str]:
    """Passages to embed: the name, then the name with its field and everyday words."""
    name = normalize(procedure.name)
    views = [name]
    context = [name]
    if procedure.field:
        context.append(f"Lĩnh vực: {normalize(procedure.field)}")
    if procedure.keywords:
        context.append("Còn gọi là: " + ", ".join(normalize(k) for k in procedure.keywords))
    if len(context) > 1:
        views.append(". ".join(context))
    return views


def lexical_document(procedure: IndexedProcedure, abbreviations: dict[str, str]) -> str:
    """Text for BM25: the name counts twice, then keywords and field.

    The name's abbreviations are spelled out the way the question's are: "thẻ BHYT" in a
    name must match "bhyt" and "bảo hiểm y tế" alike.
    """
    name = expand_abbreviations(procedure.name, abbreviations)
    parts = [procedure.name, name, *procedure.keywords]
    if procedure.field:
        parts.append(procedure.field)
    return " . ".join(normalize(p) for p in parts)
