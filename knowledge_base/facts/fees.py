"""A fee as the portal writes it, read into items a citizen can be told.

The national export's fee cell is a head ("Miễn phí", "100,000 Việt Nam Đồng") and a note in
brackets that often contradicts it: "Miễn phí (Lệ phí cấp giấy phép lái xe: 135.000
đồng/lần…)", or names the regulation that sets the amount instead of an amount ("Miễn phí
(Thực hiện theo Thông tư số 244/2016/TT-BTC…)"). This module decides what the record really
says: amounts with what they are charged per, the case and any period they hold for; or a
regulation without an amount; or free. It never computes an amount the text does not write.
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum

from pydantic import BaseModel, Field


class FeeKind(str, Enum):
    amounts = "amounts"
    """The record writes one or more amounts in đồng."""
    regulation = "regulation"
    """No amount, but the record names what sets it (a circular, the provincial council)."""
    free = "free"
    """Free, and nothing in the record names an amount or a fee regulation."""
    unclear = "unclear"
    """Something else is written (a foreign currency, a figure without a currency): quoted."""
    not_stated = "not_stated"
    """The record has no fee for this channel."""


class Period(BaseModel):
    """When a rate holds, as the record writes it; open at either end."""

    valid_from: date | None = None
    valid_until: date | None = Field(None, description="Last day it applies")

    def has_ended(self, day: date) -> bool:
        return self.valid_until is not None and day > self.valid_until

    def applies_on(self, day: date) -> bool:
        return not self.has_ended(day) and (self.valid_from is None or day >= self.valid_from)


class FeeItem(Period):
    """One amount of a fee: "135.000 đồng/lần" for "Lệ phí cấp giấy phép lái xe"."""

    amount_vnd: int = Field(ge=0)
    per: str | None = Field(None, description="What it is charged per: lần, bản, hồ sơ, …")
    case: str | None = Field(None, description="What or whom the amount is for, as written")


class FeeRemark(Period):
    """A time-limited change written without an amount ("bằng 50% mức phí nêu trên")."""

    text: str


class Fee(BaseModel):
    kind: FeeKind
    items: list[FeeItem] = Field(default_factory=list)
    remarks: list[FeeRemark] = Field(default_factory=list)
    references: list[str] = Field(
        default_factory=list, description="Regulations the record says set the fee"
    )


_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|VND|vnđ|vnd|đồng|Đồng|đ(?![^\W\d_])|Đ(?![^\W\d_]))"
_AMOUNT = re.compile(
    r"(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d{1,2})?)\s*"
    r"(triệu|nghìn|ngàn)?\s*(?:/\s*([^\W\d_]{1,10})\s*)?" + _CURRENCY
)
"""An amount with its currency, also "15000000/lần Đồng" (what it is per before the word)."""
_MULTIPLIERS = {"triệu": 1_000_000, "nghìn": 1_000, "ngàn": 1_000}
_PER = re.compile(r"\s*/\s*(?:0?1\s+)?([^\s/,.;:()]+(?:[ -][^\s/,.;:()]+){0,2})")
_PER_STOP = frozenset({"đối", "theo", "kể", "áp", "từ", "và", "riêng", "trường", "nếu", "đến"})
MIN_PLAUSIBLE_FEE = 1_000
"""No Vietnamese fee is below 1,000 đồng; smaller figures are the portal's thousands bug."""

_DATE = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)"
_WORDY_DATE = r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)"
_UNTIL = re.compile(rf"đến\s+(?:hết\s+)?(?:ngày\s+)?(?:{_DATE}|{_WORDY_DATE})", re.IGNORECASE)
_FROM = re.compile(rf"\btừ\s+(?:ngày\s+)?(?:{_DATE}|{_WORDY_DATE})", re.IGNORECASE)
# A document's own date ("Thông tư số 64/2025/TT-BTC ngày 30/6/2025") is not a period.
_DOCUMENT_NUMBER = re.compile(r"\d+(?:\.\d+)?/(?:(?:19|20)\d\d/)?[A-ZĐ]+(?:[-–][A-ZĐ]+)+")
_FREE_PERIOD = re.compile(r"[Mm]iễn(?: phí| lệ phí| thu)?[^.;()]{0,20}?\btừ ngày")
_REGULATION = re.compile(
    r"Thông tư|Nghị định|Nghị quyết|Quyết định|Luật|Hội đồng nhân dân|HĐND|Bộ Tài chính"
    r"|Ủy ban nhân dân|UBND|theo quy định|quy định của|quy định tại|mức thu|[Bb]iểu (?:phí|mức)",
)
_FREE_WORDS = frozenset(
    {"miễn phí", "miễn", "miễn lệ phí", "không", "không thu", "không thu phí", "không thu lệ phí"}
)
_ZERO = re.compile(rf"0\s*{_CURRENCY}?")
_NOTHING_NOTES = frozenset(
    {"không", "không có", "không quy định", "không thu", "miễn phí", "miễn lệ phí", "không thu phí"}
)
COUNCIL = "Hội đồng nhân dân cấp tỉnh"
"""The reference kept when a note says the provincial council sets the amount."""
_COUNCIL = re.compile(r"Hội đồng nhân dân(?: cấp)? tỉnh|HĐND(?: cấp)? tỉnh", re.IGNORECASE)
# Where one amount's clause ends and the next begins.
_CLAUSE_END = re.compile(r"[;\n]|\.\s|(?:^|\s)[-+•*]\s|,\s(?=riêng|trường hợp|đối với)", re.I)


def amount_value(number: str, multiplier: str | None) -> int:
    """ "135.000" -> 135000, "1,5" with "triệu" -> 1500000: the portal writes both groupings."""
    if multiplier:
        whole, _, fraction = number.replace(".", ",").partition(",")
        if fraction and len(fraction) != 3:
            return round(float(f"{whole}.{fraction}") * _MULTIPLIERS[multiplier])
        return int(number.replace(",", "").replace(".", "")) * _MULTIPLIERS[multiplier]
    return int(number.replace(",", "").replace(".", ""))


def _date(match: re.Match[str]) -> date | None:
    day, month, year = (match.group(i) or match.group(i + 3) for i in (1, 2, 3))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of text an amount belongs to: from the last break before it to the next."""
    left = 0
    for found in _CLAUSE_END.finditer(text, 0, start):
        left = found.end()
    following = _CLAUSE_END.search(text, end)
    return left, following.start() if following else len(text)


def _without_document_dates(text: str) -> str:
    """Blank out "Thông tư số … ngày dd/mm/yyyy" so that only periods are read as dates."""

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    return re.sub(
        rf"{_DOCUMENT_NUMBER.pattern}\s*,?\s*ngày\s+(?:{_DATE}|{_WORDY_DATE})", blank, text
    )


def _period(text: str) -> tuple[date | None, date | None]:
    plain = _without_document_dates(text)
    start = _FROM.search(plain)
    until = _UNTIL.search(plain)
    return (_date(start) if start else None, _date(until) if until else None)


def _per(text: str, end: int) -> tuple[str | None, int]:
    """What the amount is charged per ("/01 Giấy chứng nhận" -> "giấy chứng nhận"), and
    where that ends."""
    match = _PER.match(text, end)
    if match is None:
        return None, end
    words: list[str] = []
    position = match.start(1)
    for word in match.group(1).split():
        if word.casefold() in _PER_STOP:
            break
        words.append(word)
        position = text.index(word, position) + len(word)
    return (" ".join(words).lower() or None), (position if words else end)


_CASE_NOISE = re.compile(r"^(?:áp dụng\s*)?(?:mức (?:phí|thu|lệ phí)\s*)?(?:là\s*)?", re.I)


def _case(text: str, left: int, start: int) -> str | None:
    """What the amount is for: the words of its clause before it ("Lệ phí cấp GPLX:")."""
    case = _FROM.sub("", _UNTIL.sub("", text[left:start]))
    case = case.strip(" :,-–+(").strip()
    case = re.sub(r"\s*(?:là|:|bằng|mức)\s*$", "", case).strip(" :,")
    case = _CASE_NOISE.sub("", case).strip(" :,")
    if not case or len(case) < 3 or not any(ch.isalpha() for ch in case):
        return None
    return case if len(case) <= 160 else case[:159].rsplit(" ", 1)[0] + "…"


def references(text: str) -> list[str]:
    """The regulations a fee note names: document numbers, or the provincial council."""
    found = list(dict.fromkeys(m.group(0) for m in _DOCUMENT_NUMBER.finditer(text)))
    if _COUNCIL.search(text):
        found.append(COUNCIL)
    return found


_TRAILING_CASE = re.compile(r"\s*\(?\s*((?:đối với|áp dụng (?:cho|đối với)|cho|với) [^;()]{3,100})")
_BETWEEN = re.compile(r",\s|\svà\s|\shoặc\s")
_OPENING = re.compile(r"\(")
_WAIVER = re.compile(r"\b(?:[Mm]iễn|[Gg]iảm)\b|\d\s*%")


def _items(text: str, note_start: int) -> list[FeeItem]:
    """Each amount with what its own stretch of text says: per what, for whom, until when.

    An amount's stretch runs from the end of the amount before it (or its clause's start)
    to the last comma before the next amount: "50.000 đồng đến 31/12/2025, từ 01/01/2026 là
    100.000 đồng" gives each rate its own date.
    """
    matches = [
        m
        for m in _AMOUNT.finditer(text)
        if amount_value(m.group(1), m.group(2)) >= MIN_PLAUSIBLE_FEE
    ]
    items: list[FeeItem] = []
    left_bound = 0
    for index, match in enumerate(matches):
        left, right = _clause(text, match.start(), match.end())
        left = max(left, left_bound, note_start if match.start() >= note_start else 0)
        if index + 1 < len(matches) and matches[index + 1].start() < right:
            # A bracket holding the next amount describes that one; else the last comma.
            following = matches[index + 1].start()
            opening = _OPENING.search(text, match.end(), following)
            cuts = [m.start() for m in _BETWEEN.finditer(text, match.end(), following)]
            right = opening.start() if opening else (cuts[-1] if cuts else following)
        left_bound = right
        valid_from, valid_until = _period(text[left:right])
        if _WAIVER.search(text, match.end(), right):
            # "250.000 đồng (miễn từ 07/4 đến 30/6/2026)": the period is the waiver's.
            valid_from = valid_until = None
        case = _case(text, left, match.start())
        per, per_end = _per(text, match.end())
        per = per or match.group(3)
        trailing = _TRAILING_CASE.match(text, per_end, right)
        if trailing:
            after = trailing.group(1).strip(" ,.;")
            case = f"{case} ({after})" if case else after
        item = FeeItem(
            amount_vnd=amount_value(match.group(1), match.group(2)),
            per=per,
            case=case,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        same = [kept for kept in items if _same(item, kept)]
        if not same:
            items.append(item)
        elif not (same[0].per or same[0].case) and (item.per or item.case):
            items[items.index(same[0])] = item  # the note says it better than the cell
    return items


def _same(left: FeeItem, right: FeeItem) -> bool:
    return (left.amount_vnd, left.valid_from, left.valid_until) == (
        right.amount_vnd,
        right.valid_from,
        right.valid_until,
    )


def _free_periods(text: str) -> list[FeeItem]:
    """ "Miễn phí từ ngày 07/4/2026 đến 30/6/2026": a zero amount for that period."""
    periods = []
    for match in _FREE_PERIOD.finditer(text):
        _left, right = _clause(text, match.start(), match.end())
        valid_from, valid_until = _period(text[match.start() : right])
        if valid_until is not None:
            periods.append(FeeItem(amount_vnd=0, valid_from=valid_from, valid_until=valid_until))
    return periods


_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*%")


def _remarks(note: str) -> list[FeeRemark]:
    """Clauses that change the fee for a period by a share, not an amount."""
    remarks = []
    for match in _PERCENT.finditer(note):
        left, right = _clause(note, match.start(), match.end())
        left = max(left, note.rfind("(", 0, match.start()) + 1)
        clause = note[left:right]
        valid_from, valid_until = _period(clause)
        if (valid_until is None and valid_from is None) or _AMOUNT.search(clause):
            continue  # a clause with an amount is an item of its own
        text = _DOCUMENT_TAIL.sub("", clause).strip(" ,.;()")
        if len(text) > 200:
            text = text[:199].rsplit(" ", 1)[0] + "…"
        remarks.append(FeeRemark(text=text, valid_from=valid_from, valid_until=valid_until))
    return remarks


# "… theo quy định tại Thông tư 64/2025/TT-BTC ngày … của Bộ trưởng …": the reference, cut.
_DOCUMENT_TAIL = re.compile(
    rf"(\s(?:theo|tại)[^.;]*?{_DOCUMENT_NUMBER.pattern})[^.;]*", re.IGNORECASE
)


def split_fee_text(text: str) -> tuple[str, str | None]:
    """The head of a fee cell and the note in its closing brackets, if it ends with one."""
    text = text.strip()
    if not text.endswith(")"):
        return text, None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            return text[:index].strip(), text[index + 1 : -1].strip() or None
    return text, None  # unbalanced: no note to speak of


_EMPTY_NOTE = re.compile(
    r"(?:cổng )?(?:không|chưa)\b(?!.*(?:đối với|trường hợp|người|nếu))[^\d]{0,40}", re.IGNORECASE
)
"""A note that adds nothing: "Không", "Không quy định", "Cổng không ghi mức phí"."""


def _says_free(head: str, note: str | None) -> bool:
    words = head.strip(" .;:-").casefold()
    free_head = words in _FREE_WORDS or _ZERO.fullmatch(words) is not None
    bare = (note or "").strip(" .-()")
    note_says_nothing = (
        not bare or bare.casefold() in _NOTHING_NOTES or _EMPTY_NOTE.fullmatch(bare) is not None
    )
    return free_head and note_says_nothing


def parse_fee(text: str | None) -> Fee:
    """What a fee cell says, as items; "Miễn phí" only when nothing names an amount or rule."""
    if text is None or not text.strip():
        return Fee(kind=FeeKind.not_stated)
    head, note = split_fee_text(text)
    note_start = len(text) if note is None else text.rindex(note)
    items = _items(text, note_start) + _free_periods(text)
    named = references(text)
    if items:
        return Fee(kind=FeeKind.amounts, items=items, remarks=_remarks(text), references=named)
    if named or (note and _REGULATION.search(note)) or _REGULATION.search(head):
        return Fee(kind=FeeKind.regulation, references=named)
    if _says_free(head, note):
        return Fee(kind=FeeKind.free)
    if _AMOUNT.search(text):
        return Fee(kind=FeeKind.not_stated)  # only the portal's "100 VNĐ" thousands bug
    return Fee(kind=FeeKind.unclear)
