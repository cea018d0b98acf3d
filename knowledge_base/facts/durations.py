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


def is_bare_number(text: str | None) -> bool:
    """A time written as a number without a unit: not a time a citizen can be told."""
    return text is not None and _BARE_NUMBER.fullmatch(text.strip()) is not None


def recover_unit(number: float, texts: list[str]) -> str | None:
    """The unit the record's own text gives this number, if exactly one unit is used."""
    if number != int(number):
        return None
    pattern = re.compile(rf"(?<![\d.,/])0*{int(number)}\s*\(?[^\W\d_ ]*\)?\s*({_UNIT})\b", re.I)
    found = {match.group(1).lower() for text in texts for match in pattern.finditer(text)}
    if "ngày làm việc" in found:
        found.discard("ngày")
    if "giờ làm việc" in found:
        found.discard("giờ")
    return found.pop().capitalize() if len(found) == 1 else None
