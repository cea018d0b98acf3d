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

from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon
from knowledge_base.retrieval.phrases import expand_abbreviations, replace_longest
from vntext.normalization import fold_diacritics, has_diacritics, normalize

MAX_QUERY_CHARS = 1_000
_MAX_NGRAM = 3
_MAX_TEXT_CHARS = 160
_DOMINANT = 0.6
_CLAUSES = re.compile(r"[^\w\s]")
_SENTENCES = re.compile(r"(?<=[.!?])\s+")
# A question this long is usually a story with the request in one or two sentences.
_STORY_WORDS = 25
# Folded words that mark the sentence of a story where the citizen asks for something.
_REQUEST_CUES = (
    "muon", "can ", "phai", "lam sao", "the nao", "o dau", "thu tuc", "xin ", "?",
    "duoc khong", "lam gi", "ntn", "nhu nao",
)  # fmt: skip


class DiacriticsRestorer:
    """Gives diacritics back to bare syllables, using phrases seen in the knowledge base."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    @classmethod
    def from_texts(cls, texts: Iterable[str], preferred: Iterable[str] = ()) -> DiacriticsRestorer:
        """Count spellings in ``texts``; ``preferred`` phrases override what was counted."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for text in texts:
            for phrase in _CLAUSES.split(normalize(text[:_MAX_TEXT_CHARS]).lower()):
                words = phrase.split()
                for n in range(1, _MAX_NGRAM + 1):
                    for i in range(len(words) - n + 1):
                        gram = " ".join(words[i : i + n])
                        counts[fold_diacritics(gram)][gram] += 1
        table = {}
        for folded, forms in counts.items():
            best, seen = forms.most_common(1)[0]
            # A lone syllable is restored only when one spelling dominates: "dong" may be
            # đồng, động, đóng or dòng, and a wrong guess misleads more than none.
            # Phrases are kept even when spelled bare ("khai sinh"): they anchor their words.
            if " " in folded or (best != folded and seen >= _DOMINANT * forms.total()):
                table[folded] = best
        for phrase in preferred:
            spelled = normalize(phrase).lower()
            table[fold_diacritics(spelled)] = spelled
        return cls(table)

    def restore(self, text: str) -> str:
        """Restore bare words, each from the longest known phrase around it.

        The phrases are chosen to cover as many words as possible with phrases of two or
        more syllables (then with as few phrases as possible), so that "chung thuc hop
        dong" reads "chứng thực" + "hợp đồng", not "chứng thực hợp" + a lone "dong".
        Words with diacritics stay as typed.
        """
        words = text.split()
        bare = [not has_diacritics(w) for w in words]
        # best[i]: (words covered by multi-syllable phrases, -phrases, phrases) for words[:i]
        best: list[tuple[int, int, list[str]]] = [(0, 0, [])] + [(-1, 0, [])] * len(words)
        for i in range(len(words)):
            covered, count, phrases = best[i]
            for n in range(1, min(_MAX_NGRAM, len(words) - i) + 1):
                chunk = words[i : i + n]
                spelled = None
                if all(bare[i : i + n]):
                    spelled = self.table.get(" ".join(chunk).lower())
                if n > 1 and spelled is None:
                    continue
                candidate = (covered + (n if n > 1 else 0), count - 1)
                if candidate > best[i + n][:2]:
                    best[i + n] = (*candidate, [*phrases, spelled or chunk[0]])
        return " ".join(best[-1][2])


@dataclass
class AnalyzedQuery:
    """One question, read several ways: for BM25, for the embedding model, for display."""

    original: str
    text: str = ""
    official_terms: list[str] = field(default_factory=list)
    dense_text: str = ""
    # For a long story, the sentences that carry the request: what is embedded.
    request_text: str = ""
    typed_without_diacritics: bool = False

    @property
    def embedded_text(self) -> str:
        """What the embedding model reads: a long story's request sentences, else the
        question."""
        return self.request_text or self.dense_text

    @property
    def lexical_text(self) -> str:
        """The question as typed (folded later) plus the official terms its words stand for."""
        return " ".join([self.text, *self.official_terms]).strip()


def request_sentences(text: str) -> str:
    """The sentences of a long story that ask for something; empty for a short question.

    In "Em sinh bé được một tháng, chồng đi làm xa... Giờ em muốn tự đi làm giấy tờ cho
    bé, cần mang gì ạ?" the circumstances drown the request when the whole is embedded.
    """
    if len(text.split()) < _STORY_WORDS:
        return ""
    sentences = [s for s in _SENTENCES.split(text) if s.strip()]
    if len(sentences) < 2:
        return ""
    requests = [s for s in sentences if _asks(fold_diacritics(s.lower()))]
    return " ".join(requests or sentences[-2:])


def _asks(folded_sentence: str) -> bool:
    return any(cue in folded_sentence for cue in _REQUEST_CUES)


class QueryAnalyzer:
    def __init__(
        self,
        restorer: DiacriticsRestorer | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.restorer = restorer
        self.lexicon = lexicon or default_lexicon()

    def _replace_everyday_words(self, text: str) -> tuple[str, list[str]]:
        """Swap everyday phrases for official terms, longest first; return text and terms."""
        synonyms = self.lexicon.synonyms

        def lookup(chunk: list[str]) -> str | None:
            return synonyms.get(fold_diacritics(" ".join(chunk).lower()))

        words, matched = replace_longest(text.split(), lookup, self.lexicon.longest_synonym)
        return " ".join(words), list(dict.fromkeys(matched))

    def analyze(self, question: str) -> AnalyzedQuery:
        text = normalize(question)[:MAX_QUERY_CHARS]
        expanded = expand_abbreviations(text, self.lexicon.abbreviations)
        official, terms = self._replace_everyday_words(expanded)
        # Bare words are restored even in a question that has some diacritics: typos drop them.
        dense_text = self.restorer.restore(official) if self.restorer is not None else official
        return AnalyzedQuery(
            original=question,
            text=expanded,
            official_terms=terms,
            dense_text=dense_text,
            request_text=request_sentences(dense_text),
            typed_without_diacritics=not has_diacritics(text),
        )
