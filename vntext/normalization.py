"""Vietnamese text normalisation shared by both environments.

The Rasa engine (Python 3.10) and the knowledge base (Python 3.11) must read text the same
way, so this module uses the standard library only.

Citizens type the same word in several ways: composed or decomposed Unicode, the tone mark
on either vowel (``hoá``/``hóa``, ``thuỷ``/``thủy``), or no diacritics at all. ``normalize``
gives one spelling; ``fold_diacritics`` removes tone and vowel marks for matching text
typed without them.
"""

from __future__ import annotations

import re
import unicodedata

# Combining marks for the five tones (huyền, sắc, ngã, hỏi, nặng).
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
# Vowels carrying a shape mark take the tone whatever their position.
_SHAPED_VOWELS = set("ăâêôơư")
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+", re.UNICODE)
_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


def _split_tone(syllable: str) -> tuple[str, str | None]:
    """Return the syllable without its tone mark, and the mark (or None)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((c for c in decomposed if c in _TONE_MARKS), None)
    bare = "".join(c for c in decomposed if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", bare), tone


def _tone_position(bare: str) -> int | None:
    """Index of the vowel that carries the tone, in the classic placement (hóa, thủy)."""
    lower = bare.lower()
    start = 0
    # "qu" and "gi" before another vowel are consonants: quá, giá.
    if lower.startswith("qu") or (
        lower.startswith("gi") and len(lower) > 2 and lower[2] in _VOWELS
    ):
        start = 2
    positions = [i for i in range(start, len(lower)) if lower[i] in _VOWELS]
    if not positions:
        # "gì": the i of "gi" is the only vowel.
        positions = [i for i in range(len(lower)) if lower[i] in _VOWELS]
        return positions[-1] if positions else None
    shaped = [i for i in positions if lower[i] in _SHAPED_VOWELS]
    if shaped:
        return shaped[-1]
    if len(positions) == 1:
        return positions[0]
    ends_with_consonant = positions[-1] < len(lower) - 1
    if ends_with_consonant:
        return positions[-1]
    if len(positions) >= 3:
        return positions[1]
    return positions[0]


def _place_tone(match: re.Match[str]) -> str:
    word = match.group(0)
    bare, tone = _split_tone(word)
    if tone is None or len(bare) > 7:
        return unicodedata.normalize("NFC", word)
    position = _tone_position(bare)
    if position is None:
        return unicodedata.normalize("NFC", word)
    marked = bare[: position + 1] + tone + bare[position + 1 :]
    return unicodedata.normalize("NFC", marked)


def normalize_tone_marks(text: str) -> str:
    """Put every tone mark on the vowel the classic rule chooses (``hoá`` → ``hóa``)."""
    return _WORD.sub(_place_tone, text)


def normalize(text: str) -> str:
    """NFC, one tone-mark placement, single spaces; keeps case and punctuation."""
    text = unicodedata.normalize("NFC", text)
    text = normalize_tone_marks(text)
    return _SPACES.sub(" ", text).strip()


def fold_diacritics(text: str) -> str:
    """Remove every Vietnamese mark (``Đăng ký`` → ``Dang ky``) for diacritics-blind matching."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def has_diacritics(text: str) -> bool:
    """True when the text carries at least one Vietnamese mark (so was not typed bare)."""
    return fold_diacritics(text) != unicodedata.normalize("NFC", text)


# Characters people type by accident or decoration: zero-width marks, soft hyphens, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
# A run of the same punctuation mark ("???", "!!!", "....") reads as one.
_REPEATED_PUNCTUATION = re.compile(r"([!?.,;:~*\-_=+#^|])\1+")
# A chunk of pure decoration ("***", "~", "=>") carries no meaning.
_DECORATION = re.compile(r"^[~*^=_|#`<>+\-]+$")


def _clean_chunk(chunk: str) -> str:
    chunk = _REPEATED_PUNCTUATION.sub(r"\1", chunk)
    if _DECORATION.match(chunk):
        return ""
    return normalize_tone_marks(chunk)


def normalize_message(text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Normalise a chat message and say where each original chunk went.

    Returns the text (NFC, one tone placement, no invisible characters, repeated or
    decorative punctuation reduced, single spaces) and, for each kept whitespace-separated
    chunk, ``(old_start, old_end, new_start, new_end)``, so that entity offsets annotated
    on the original text can be moved onto the new one (see ``move_span``).
    """
    spans: list[tuple[int, int, int, int]] = []
    pieces: list[str] = []
    length = 0
    for match in re.finditer(r"\S+", text):
        chunk = unicodedata.normalize("NFC", _INVISIBLE.sub("", match.group(0)))
        chunk = _clean_chunk(chunk)
        if not chunk:
            continue
        if pieces:
            length += 1
        spans.append((match.start(), match.end(), length, length + len(chunk)))
        pieces.append(chunk)
        length += len(chunk)
    return " ".join(pieces), spans


def _cleaned_length(prefix: str) -> int:
    return len(_clean_chunk(unicodedata.normalize("NFC", _INVISIBLE.sub("", prefix))))


def move_span(
    text: str, start: int, end: int, spans: list[tuple[int, int, int, int]]
) -> tuple[int, int] | None:
    """Where ``text[start:end]`` of the original message lies in the normalised one."""
    inside = [s for s in spans if s[1] > start and s[0] < end]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    new_start = first[2] + _cleaned_length(text[first[0] : max(start, first[0])])
    new_end = last[2] + _cleaned_length(text[last[0] : min(end, last[1])])
    return (new_start, new_end) if new_end > new_start else None
