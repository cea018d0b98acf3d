"""Lexical tokens for BM25: diacritics-folded syllables, syllable pairs and underthesea words.

Folding makes "dang ky ket hon" and "Đăng ký kết hôn" the same tokens. Syllable pairs stand
in for compound words when the text has no diacritics (underthesea cannot segment it
then); underthesea's words add the longer compounds of text that has them.
"""

from __future__ import annotations

import itertools
import re
import threading

from vntext.normalization import fold_diacritics, has_diacritics, normalize

_PHRASES = re.compile(r"[^\W_]+(?:[ \t]+[^\W_]+)*", re.UNICODE)
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
# "kí"/"ký", "lí"/"lý", "kĩ"/"kỹ" are both accepted spellings: a final y after a consonant
# reads as i ("quy", "tuy", "hay" keep their y).
_FINAL_Y = re.compile(r"(?<=[bcdghklmnpqrstvx])y\b")


def _fold(text: str) -> str:
    """Lower case, without diacritics, final y as i: the form lexical tokens are made of."""
    return _FINAL_Y.sub("i", fold_diacritics(text.lower()))


# underthesea loads its model on the first call and keeps a tagger that is not safe to share
# between threads: the first concurrent searches after a start failed. Its calls take about
# a millisecond, so they are made one at a time.
_UNDERTHESEA = threading.Lock()


def _segment(text: str) -> list[str]:
    with _UNDERTHESEA:
        from underthesea import word_tokenize

        return word_tokenize(text)


def warm_up() -> None:
    """Load underthesea's model now (at start), not during a citizen's first question."""
    _segment("đăng ký khai sinh")


def syllable_tokens(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """Folded syllables (minus stop-words) and pairs of neighbouring syllables."""
    tokens: list[str] = []
    folded = _fold(normalize(text))
    for phrase in _PHRASES.findall(folded):
        syllables = _WORDS.findall(phrase)
        tokens.extend(s for s in syllables if s not in stopwords)
        tokens.extend(
            f"{a}_{b}"
            for a, b in itertools.pairwise(syllables)
            if not (a in stopwords and b in stopwords)
        )
    return tokens


def folded_words(text: str, stopwords: frozenset[str] = frozenset()) -> frozenset[str]:
    """The distinct folded syllables of ``text``, stop-words left out."""
    return frozenset(w for w in _WORDS.findall(_fold(normalize(text))) if w not in stopwords)


def compound_tokens(text: str) -> list[str]:
    """underthesea's multi-syllable words of three or more syllables, folded ("giay_chung_nhan").

    Two-syllable words are already syllable pairs, so only longer ones add information.
    Text without diacritics is skipped: underthesea's model cannot segment it reliably.
    """
    if not has_diacritics(text):
        return []
    words = _segment(normalize(text).lower())
    compounds = []
    for word in words:
        parts = _WORDS.findall(_fold(word))
        if len(parts) >= 3:
            compounds.append("_".join(parts))
    return compounds


def lexical_tokens(
    text: str, stopwords: frozenset[str] = frozenset(), compounds: bool = True
) -> list[str]:
    tokens = syllable_tokens(text, stopwords)
    if compounds:
        tokens.extend(compound_tokens(text))
    return tokens
