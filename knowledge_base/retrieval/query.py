"""Question analysis: normalise, expand abbreviations and everyday words, restore diacritics.

The embedding model reads "dang ky ket hon" poorly but "đăng ký kết hôn" well, so a
question typed without diacritics gets them back from the knowledge base's own wording:
the most frequent spelling of each folded phrase of up to four syllables.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.text_normalization import fold_diacritics, has_diacritics, normalize
from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon

MAX_QUERY_CHARS = 1_000
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_MAX_NGRAM = 4


class DiacriticsRestorer:
    """Gives diacritics back to bare syllables, using phrases seen in the knowledge base."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> DiacriticsRestorer:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            for phrase in re.split(r"[^\w\s]", normalize(text).lower()):
                words = phrase.split()
                for n in range(1, _MAX_NGRAM + 1):
                    for i in range(len(words) - n + 1):
                        gram = " ".join(words[i : i + n])
                        counts[fold_diacritics(gram)][gram] += 1
        table = {
            folded: forms.most_common(1)[0][0]
            for folded, forms in counts.items()
            if folded != forms.most_common(1)[0][0]
        }
        return cls(table)

    def restore(self, text: str) -> str:
        """Restore greedily, longest known phrase first; words with diacritics stay as typed."""
        words = text.split()
        out: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
                chunk = words[i : i + n]
                if any(has_diacritics(w) for w in chunk):
                    continue
                restored = self.table.get(" ".join(chunk).lower())
                if restored is not None:
                    out.append(restored)
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out)


@dataclass
class AnalyzedQuery:
    original: str
    text: str = field(default="", metadata={"doc": "normalised, abbreviations expanded"})
    official_terms: list[str] = field(default_factory=list)
    typed_without_diacritics: bool = False
    restored: str | None = None

    @property
    def dense_text(self) -> str:
        """What the embedding model reads: restored wording plus the official terms."""
        base = self.restored or self.text
        extra = [t for t in self.official_terms if fold_diacritics(t) not in fold_diacritics(base)]
        return " ".join([base, *extra]).strip()

    @property
    def lexical_text(self) -> str:
        return " ".join([self.text, *self.official_terms]).strip()


class QueryAnalyzer:
    def __init__(
        self, restorer: DiacriticsRestorer | None = None, lexicon: Lexicon | None = None
    ) -> None:
        self.restorer = restorer
        self.lexicon = lexicon or default_lexicon()

    def _expand_abbreviations(self, text: str) -> str:
        abbreviations = self.lexicon.abbreviations
        tokens = [
            abbreviations.get(fold_diacritics(token.lower()), token)
            for token in _TOKEN.findall(text)
        ]
        return " ".join(tokens)

    def _official_terms(self, text: str) -> list[str]:
        words = fold_diacritics(text.lower()).split()
        found: list[str] = []
        for n in range(min(self.lexicon.longest_synonym, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                term = self.lexicon.synonyms.get(" ".join(words[i : i + n]))
                if term is not None and term not in found:
                    found.append(term)
        return found

    def analyze(self, question: str) -> AnalyzedQuery:
        text = normalize(question)[:MAX_QUERY_CHARS]
        expanded = self._expand_abbreviations(text)
        bare = not has_diacritics(text)
        analyzed = AnalyzedQuery(
            original=question,
            text=expanded,
            official_terms=self._official_terms(expanded),
            typed_without_diacritics=bare,
        )
        if self.restorer is not None and bare:
            analyzed.restored = self.restorer.restore(expanded)
        return analyzed
