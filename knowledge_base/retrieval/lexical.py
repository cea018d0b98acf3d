"""Lexical evidence: BM25 over diacritics-folded syllables, syllable pairs and words."""

from __future__ import annotations

import numpy as np

from knowledge_base.retrieval.index import SearchIndex
from knowledge_base.retrieval.query import AnalyzedQuery
from knowledge_base.retrieval.scoring import Scores, no_scores
from knowledge_base.retrieval.tokens import lexical_tokens


class LexicalRetriever:
    def __init__(self, index: SearchIndex, stopwords: frozenset[str]) -> None:
        self.index = index
        self.stopwords = stopwords

    def score(self, query: AnalyzedQuery) -> Scores:
        tokens = lexical_tokens(query.lexical_text, self.stopwords)
        known = [t for t in tokens if t in self.index.lexical.vocab_dict]
        if not known or not self.index.procedures:
            return no_scores(len(self.index.procedures))
        return Scores(np.asarray(self.index.lexical.get_scores(known), dtype=np.float32))
