"""Tagging text with labels from a phrase list, whole words, diacritics-insensitive."""

from __future__ import annotations

from bot.text_normalization import fold_diacritics, normalize


class PhraseTagger:
    """Finds the labels of the phrases in a text, longest phrase first ("thay đổi" ≠ "đổi")."""

    def __init__(self, phrases: dict[str, frozenset[str]]) -> None:
        self.phrases = phrases
        self.longest = max((len(key.split()) for key in phrases), default=1)

    def tags(self, text: str) -> frozenset[str]:
        words = fold_diacritics(normalize(text).lower()).replace(",", " ").split()
        found: set[str] = set()
        i = 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                labels = self.phrases.get(" ".join(words[i : i + n]))
                if labels is not None:
                    found |= labels
                    i += n
                    break
            else:
                i += 1
        return frozenset(found)
