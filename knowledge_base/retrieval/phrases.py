"""Finding word-list phrases in text: whole words, longest first, diacritics-insensitive.

The word lists of ``resources/`` are loaded by ``lexicon.py``; this module applies them:
replacing runs of words (everyday words, restored spellings), spelling out abbreviations,
and tagging a text with the labels of the phrases it contains (actions, special cases).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from vntext.normalization import fold_diacritics, has_diacritics, normalize

_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)


def _is_bare(token: str) -> bool:
    """True for a token without tone or vowel marks (đ aside): "hong" is an abbreviation of
    "không", "hỏng" is not."""
    return not has_diacritics(token.replace("đ", "d").replace("Đ", "D"))


def expand_abbreviations(text: str, abbreviations: dict[str, str]) -> str:
    """Spell out abbreviations ("cty tnhh" → "công ty trách nhiệm hữu hạn")."""
    return " ".join(
        abbreviations.get(fold_diacritics(token.lower()), token) if _is_bare(token) else token
        for token in _TOKEN.findall(text)
    )


def replace_longest(
    words: list[str], lookup: Callable[[list[str]], str | None], longest: int
) -> tuple[list[str], list[str]]:
    """Replace runs of words left to right, longest run first; return words and what matched."""
    out: list[str] = []
    matched: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            replacement = lookup(words[i : i + n])
            if replacement is not None:
                out.append(replacement)
                matched.append(replacement)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out, matched


class PhraseTagger:
    """Finds the labels of the phrases in a text, longest phrase first ("thay đổi" ≠ "đổi")."""

    def __init__(
        self, phrases: dict[str, frozenset[str]], spellings: frozenset[str] = frozenset()
    ) -> None:
        """``phrases``: folded phrase → labels; ``spellings``: their words as spelled."""
        self.phrases = phrases
        self.spellings = spellings
        self.longest = max((len(key.split()) for key in phrases), default=1)

    def tags(self, text: str) -> frozenset[str]:
        found = self._found(self._words(text))
        return frozenset().union(*(self.phrases[phrase] for phrase in found))

    def covers(self, text: str) -> bool:
        """True when every word of ``text`` belongs to one of the phrases ("đổi", "bị mất");
        text with diacritics must spell them as the phrases do ("đợi" folds to "doi" too)."""
        words = self._words(text)
        if not words or sum(len(p.split()) for p in self._found(words)) != len(words):
            return False
        spelled = self._words(text, folded=False)
        return not (self.spellings and has_diacritics(text)) or set(spelled) <= self.spellings

    @staticmethod
    def _words(text: str, folded: bool = True) -> list[str]:
        # Folding alone is enough: tone-mark placement, which normalize() fixes, is folded away.
        text = fold_diacritics(text.lower()) if folded else normalize(text).lower()
        return text.replace(",", " ").split()

    def _found(self, words: list[str]) -> list[str]:
        def lookup(chunk: list[str]) -> str | None:
            phrase = " ".join(chunk)
            return phrase if phrase in self.phrases else None

        return replace_longest(words, lookup, self.longest)[1]
