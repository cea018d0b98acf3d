"""Processing times: a number only counts with its unit.

The portal's time cell sometimes lost its unit ("1", "5"). The record's own text (steps,
the channel's description) often still says it ("trong thời hạn 05 ngày làm việc"); where
it does not, the time is not stated. A unit is never guessed.
"""

from __future__ import annotations

import re

UNITS: tuple[str, ...] = ("ngày làm việc", "ngày", "giờ làm việc", "giờ", "tháng", "năm", "tuần")
_UNIT = "|".join(re.escape(unit) for unit in UNITS)
_BARE_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_LIMIT_CUE = (
    r"(?:trong (?:thời hạn |vòng |thời gian )?|thời hạn(?: giải quyết)?(?: là)? |không quá "
    r"|chậm nhất(?: là)? )"
)
_SENTENCE = re.compile(r"[^.;\n]+")


def sentences(text: str | None) -> list[str]:
    """The record's prose as sentences, single-spaced and without list markers, as an
    answer quotes them."""
    return [" ".join(m.group(0).split()).strip(" -+*•") for m in _SENTENCE.finditer(text or "")]


TIME_AMOUNT = rf"0*(\d+)\s*(?:\([^)]{{1,12}}\)\s*)?({_UNIT})\b"
"""A number of time units as the record's prose writes it: "05 ngày làm việc", "06 (sáu) tháng"."""
TIME_LIMIT = re.compile(rf"\b{_LIMIT_CUE}\s*{TIME_AMOUNT}", re.IGNORECASE)
"""A time limit as the record's prose writes it: "trong thời hạn 05 ngày làm việc"."""


def is_bare_number(text: str | None) -> bool:
    """A time written as a number without a unit: not a time a citizen can be told."""
    return text is not None and _BARE_NUMBER.fullmatch(text.strip()) is not None


def recover_unit(number: float, texts: list[str]) -> str | None:
    """The unit the record's own time limits give this number, if exactly one unit is used.

    Only a time limit counts ("trong thời hạn 05 ngày làm việc", "không quá 3 ngày"), never
    any number with a unit ("ngày 01 tháng 8" is a date, "01 năm một lần" a frequency).
    """
    if number != int(number):
        return None
    found = {
        match.group(2).lower()
        for text in texts
        for match in TIME_LIMIT.finditer(text)
        if int(match.group(1)) == int(number)
    }
    if "ngày làm việc" in found:
        found.discard("ngày")
    if "giờ làm việc" in found:
        found.discard("giờ")
    return found.pop().capitalize() if len(found) == 1 else None
