"""Chat formatting: short paragraphs, bulleted lists, messages of at most 2,000 characters.

Chat clients (the portal widget, Zalo) show plain text; 2,000 characters is Zalo's limit
and about what a phone screen shows without endless scrolling. Shared by the actions (app
environment) and the channels (engine environment), so it uses the standard library only.
"""

from __future__ import annotations

import re

MAX_MESSAGE_CHARS = 2000
_SPACES = re.compile(r"[ \t\r\f\v]+")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


def clean(text: str | None) -> str:
    """A knowledge-base field as chat text: single spaces, no blank runs."""
    if not text:
        return ""
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def bullets(items: list[str]) -> str:
    return "\n".join(f"• {clean(item)}" for item in items if clean(item))


def numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {clean(item)}" for i, item in enumerate(items, start=1) if clean(item))


def _pieces(text: str, limit: int, before: str = "") -> list[tuple[str, str]]:
    """Break text at the largest boundary that fits (paragraph, line, sentence, word).

    Each piece comes with the separator that preceded it, so pieces can be rejoined.
    """
    if len(text) <= limit:
        return [(before, text)]
    for separator in ("\n\n", "\n"):
        if separator in text:
            parts = text.split(separator)
            return [
                piece
                for i, part in enumerate(parts)
                for piece in _pieces(part, limit, before if i == 0 else separator)
            ]
    sentences = _SENTENCE_END.split(text)
    if len(sentences) > 1:
        return [
            piece
            for i, sentence in enumerate(sentences)
            for piece in _pieces(sentence, limit, before if i == 0 else " ")
        ]
    chunks = [text[i : i + limit] for i in range(0, len(text), limit)]
    return [(before if i == 0 else "", chunk) for i, chunk in enumerate(chunks)]


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split a long answer into messages at paragraph, list-item or sentence boundaries."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    messages: list[str] = []
    current = ""
    for separator, piece in _pieces(text, limit):
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) > limit:
            messages.append(current.strip())
            candidate = piece
        current = candidate
    if current.strip():
        messages.append(current.strip())
    return messages
