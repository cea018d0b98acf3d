"""Rasa tokenizer built on underthesea's Vietnamese word segmentation.

Vietnamese writes a word as several space-separated syllables (``căn cước``, ``hộ chiếu``),
so whitespace tokenisation splits words apart. underthesea joins them again. Rasa finds
each token in the message by its text, so every token here is an exact slice of the
message: offsets come from the message, never from underthesea's (possibly re-spelled)
output.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from vntext.normalization import has_diacritics

# Kept whole: receipt codes (000.00.04.H51-250221-0001), procedure codes (1.004222), legal
# document numbers (59/2019/QH14), dates, amounts, phone numbers, web addresses.
_PROTECTED = re.compile(r"https?://\S+|www\.\S+|[\w@.\-/]*\d[\w@.\-/]*[\w]", re.UNICODE)
_SYLLABLE = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)


def _is_token_text(text: str) -> bool:
    """Words, numbers and pictographs (👍 is feedback) are tokens; punctuation is not."""
    return any(c.isalnum() or (not c.isascii() and not c.isspace()) for c in text) and not all(
        c in ",.;:!?\"'()[]{}…-–—" for c in text
    )


def _syllable_spans(text: str, offset: int) -> list[tuple[int, int]]:
    return [(offset + m.start(), offset + m.end()) for m in _SYLLABLE.finditer(text)]


def _word_spans(text: str, offset: int) -> list[tuple[int, int]]:
    """underthesea's words, located syllable by syllable in the original text."""
    from underthesea import word_tokenize

    spans: list[tuple[int, int]] = []
    cursor = 0
    for word in word_tokenize(text, use_token_normalize=False):
        start = end = None
        for syllable in word.split():
            found = text.find(syllable, cursor)
            if found < 0:
                break
            start = found if start is None else start
            end = cursor = found + len(syllable)
        else:
            if start is not None and end is not None:
                spans.append((offset + start, offset + end))
                continue
        # underthesea changed the spelling: fall back to plain syllables for this word.
        spans.extend(_syllable_spans(text[cursor:], offset + cursor)[: len(word.split())])
        if spans:
            cursor = spans[-1][1] - offset
    return spans


def segment(text: str) -> list[tuple[int, int]]:
    """Word spans of a message.

    Text typed without diacritics is segmented into syllables: underthesea's model is
    trained on marked text and glues bare syllables into wrong words (``lam can | cuoc``).
    """
    use_words = has_diacritics(text)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > cursor:
            part = text[cursor : match.start()]
            spans.extend(_word_spans(part, cursor) if use_words else _syllable_spans(part, cursor))
        spans.append(match.span())
        cursor = match.end()
    if cursor < len(text):
        part = text[cursor:]
        spans.extend(_word_spans(part, cursor) if use_words else _syllable_spans(part, cursor))
    return spans


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class UndertheseaTokenizer(Tokenizer):
    """Vietnamese words as tokens (``căn cước``, ``hộ chiếu``); syllables for bare text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Intents are single kinds of question; never split their names.
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute) or ""
        tokens = [
            Token(text[start:end], start)
            for start, end in segment(text)
            if _is_token_text(text[start:end])
        ]
        if not tokens and text.strip():
            # Rasa needs at least one token; an all-punctuation message is its own token.
            stripped = text.strip()
            tokens = [Token(stripped, text.index(stripped))]
        return self._apply_token_pattern(tokens)
