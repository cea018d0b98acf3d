"""Dossier documents as a citizen reads them: no list markers, copies only when stated."""

from __future__ import annotations

import itertools
import re

from vntext.normalization import fold_diacritics, has_diacritics, normalize

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


# Syllables of asking and of documents in general: a pair with one of them names no
# particular document ("nộp hồ sơ", "những giấy tờ", "bản sao"); nor do these pairs.
_ASKING_AND_GENERIC = """
    giấy tờ hồ sơ bản mẫu đơn khai nộp mang cần phải làm đi xin gồm những các có không ko
    k đc được gì nào đâu ở của và với thì là để trong theo cho về tại hoặc này đó cũng hay
    nếu khi chuẩn bị em anh chị mình tôi cháu ông bà mẹ bố ạ à ơi vậy nhé nhỉ mà
"""
_GENERIC_WORDS = frozenset(_ASKING_AND_GENERIC.split())
_GENERIC_PAIRS = frozenset(
    {
        "công chứng",
        "chứng thực",
        "đề nghị",
        "thành phần",
        "công dân",
        "nhân dân",
        "ủy ban",
        "cơ quan",
        "quy định",
        "pháp luật",
        "trường hợp",
    }
)
_FOLDED_WORDS = frozenset(map(fold_diacritics, _GENERIC_WORDS))
_FOLDED_PAIRS = frozenset(map(fold_diacritics, _GENERIC_PAIRS))
_SYLLABLE = re.compile(r"[^\W_]+")


def _syllables(text: str, folded: bool) -> list[str]:
    text = normalize(text).lower()
    return _SYLLABLE.findall(fold_diacritics(text) if folded else text)


def documents_named(names: list[str], question: str, most: int = 2) -> list[int]:
    """The positions of the documents a question names ("có phải làm giấy ủy quyền không"),
    in the record's order: those with a pair of the question's words that at most two of
    the documents have, so that a word every document shares names none of them."""
    folded = not has_diacritics(question)
    words, pairs = (_FOLDED_WORDS, _FOLDED_PAIRS) if folded else (_GENERIC_WORDS, _GENERIC_PAIRS)
    asked = {
        f"{a} {b}"
        for a, b in itertools.pairwise(_syllables(question, folded))
        if a not in words and b not in words and f"{a} {b}" not in pairs
    }
    texts = [f" {' '.join(_syllables(name, folded))} " for name in names]
    named: set[int] = set()
    for pair in asked:
        having = [i for i, text in enumerate(texts) if f" {pair} " in text]
        if 1 <= len(having) <= 2:
            named.update(having)
    return sorted(named)[:most]
