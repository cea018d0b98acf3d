"""Receipt codes (số biên nhận, mã hồ sơ) as the one-stop counters print them.

``000.00.04.H51-250221-0001``: the receiving agency's code, the date received (yymmdd) and a
sequence number. Both sides read them: the actions look a dossier up by one, and the portal
channel counts how many look-ups an address makes (the codes are sequential, so a look-up
without a budget answers whoever walks through them).
"""

from __future__ import annotations

import re

RECEIPT_CODE = re.compile(r"\b\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}\b", re.IGNORECASE)


def find_receipt_code(text: str) -> str | None:
    """The first receipt code in ``text``, in capitals as the counter prints it."""
    match = RECEIPT_CODE.search(text)
    return match.group(0).upper() if match else None


MASKED = "[mã hồ sơ]"


def without_receipt_codes(text: str) -> str:
    """The text with its receipt codes masked, for what is kept after the look-up: a code
    leads to a person's dossier."""
    return RECEIPT_CODE.sub(MASKED, text)
