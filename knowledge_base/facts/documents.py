"""Dossier documents as a citizen reads them: no list markers, copies only when stated."""

from __future__ import annotations

import itertools
import re

from vntext.normalization import fold_diacritics

_BOILERPLATE = re.compile(r"^\W*số lượng hồ sơ\s*:?\s*\d+[^.]{0,30}\.?\s*$", re.IGNORECASE)
_MARKER = re.compile(r"^(?:[-+•*–]+|\(?[ivx]+\)|\(\d+\))\s*")
_COUNTS = re.compile(r"(\d{1,2}) bản (chính|sao)|Bản (chính|sao):\s?(\d{1,2})")


def strip_marker(name: str) -> str:
    """ "- Giấy chứng sinh" -> "Giấy chứng sinh"; the portal's bullets are not the name."""
    return _MARKER.sub("", name, count=1).strip()


def stated_copies(copies: str | None) -> str | None:
    """ "0 bản chính, 1 bản sao" -> "1 bản sao"; "0 bản chính" -> None (the portal's blank)."""
    if not copies:
        return None
    parts = []
    for match in _COUNTS.finditer(copies):
        count = int(match.group(1) or match.group(4))
        kind = match.group(2) or match.group(3)
        if count:
            parts.append(f"{count} bản {kind}")
    if not _COUNTS.search(copies):
        return copies
    return ", ".join(parts) or None


def is_boilerplate(name: str) -> bool:
    """A row the portal's table holds that is not a document ("Số lượng hồ sơ: 01 bộ")."""
    return _BOILERPLATE.match(name) is not None


# Word pairs that name documents in general, not one of them.
_GENERIC_PAIRS = frozenset(
    {
        "giay to",
        "ho so",
        "to khai",
        "ban sao",
        "ban chinh",
        "mau don",
        "don de",
        "de nghi",
        "thanh phan",
        "chung thuc",
        "cong chung",
        "theo mau",
        "co the",
        "phai nop",
    }
)
_SYLLABLE = re.compile(r"[^\W_]+")


def _syllables(text: str) -> list[str]:
    return _SYLLABLE.findall(fold_diacritics(text.lower()))


def documents_named(names: list[str], question: str, most: int = 2) -> list[int]:
    """The positions of the documents a question names ("có phải làm giấy ủy quyền không"),
    in the record's order: those with a pair of the question's words that at most two of
    the documents have, so that a word every document shares names none of them."""
    asked = {
        f"{a} {b}"
        for a, b in itertools.pairwise(_syllables(question))
        if f"{a} {b}" not in _GENERIC_PAIRS
    }
    texts = [f" {' '.join(_syllables(name))} " for name in names]
    named: set[int] = set()
    for pair in asked:
        having = [i for i, text in enumerate(texts) if f" {pair} " in text]
        if 1 <= len(having) <= 2:
            named.update(having)
    return sorted(named)[:most]
