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
    not_stated = "not_stated"


class FeeItem(BaseModel):
    """One amount of a fee: "135.000 đồng/lần" for "Lệ phí cấp giấy phép lái xe"."""

    amount_vnd: int = Field(ge=0)
    per: str | None = Field(None, description="What it is charged per: lần, bản, hồ sơ, …")
    case: str | None = Field(None, description="What or whom the amount is for, as written")
    valid_from: date | None = None
    valid_until: date | None = Field(None, description="Last day the amount applies")

    def applies_on(self, day: date) -> bool:
        if self.valid_until is not None and day > self.valid_until:
            return False
        return self.valid_from is None or day >= self.valid_from


class FeeRemark(BaseModel):
    """A time-limited change written without an amount ("bằng 50% mức phí nêu trên")."""

    text: str
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        if self.valid_until is not None and day > self.valid_until:
            return False
        return self.valid_from is None or day >= self.valid_from


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
    r"(triệu|nghìn|ngàn)?\s*" + _CURRENCY
)
_MULTIPLIERS = {"triệu": 1_000_000, "nghìn": 1_000, "ngàn": 1_000}
_PER = re.compile(r"\s*/\s*(?:0?1\s+)?([^\s/,.;:()]+(?:[ -][^\s/,.;:()]+){0,2})")
_PER_STOP = frozenset({"đối", "theo", "kể", "áp", "từ", "và", "riêng", "trường", "nếu", "đến"})
_MIN_PLAUSIBLE = 1_000
"""No Vietnamese fee is below 1,000 đồng; smaller figures are the portal's thousands bug."""

_DATE = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)"
_WORDY_DATE = r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)"
_UNTIL = re.compile(rf"đến\s+(?:hết\s+)?(?:ngày\s+)?(?:{_DATE}|{_WORDY_DATE})", re.IGNORECASE)
_FROM = re.compile(rf"\btừ\s+(?:ngày\s+)?(?:{_DATE}|{_WORDY_DATE})", re.IGNORECASE)
# A document's own date ("Thông tư số 64/2025/TT-BTC ngày 30/6/2025") is not a period.
_DOCUMENT_NUMBER = re.compile(r"\d+(?:\.\d+)?/(?:(?:19|20)\d\d/)?[A-ZĐ]+(?:[-–][A-ZĐ]+)+")
_FREE_PERIOD = re.compile(r"[Mm]iễn (?:phí|lệ phí|thu)[^.;()]{0,20}?\bt(?:ừ|u) ngày")
_REGULATION = re.compile(
    r"Thông tư|Nghị định|Nghị quyết|Quyết định|Luật|Hội đồng nhân dân|HĐND|Bộ Tài chính"
    r"|theo quy định|quy định của|quy định tại|mức thu|[Bb]iểu (?:phí|mức)",
)
_NOTHING_NOTES = frozenset(
    {"không", "không có", "không quy định", "không thu", "miễn phí", "miễn lệ phí", "không thu phí"}
)
COUNCIL = "Hội đồng nhân dân cấp tỉnh"
"""The reference kept when a note says the provincial council sets the amount."""
_COUNCIL = re.compile(r"Hội đồng nhân dân(?: cấp)? tỉnh|HĐND(?: cấp)? tỉnh", re.IGNORECASE)
# Where one amount's clause ends and the next begins.
_CLAUSE_END = re.compile(r"[;\n]|\.\s|(?:^|\s)[-+•*]\s|,\s(?=riêng|trường hợp|đối với)", re.I)


def _amount_value(number: str, multiplier: str | None) -> int:
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


def _per(text: str, end: int) -> str | None:
    match = _PER.match(text, end)
    if match is None:
        return None
    words: list[str] = []
    for word in match.group(1).split():
        if word.casefold() in _PER_STOP:
            break
        words.append(word)
    return " ".join(words).lower() or None


_CASE_NOISE = re.compile(r"^(?:áp dụng\s*)?(?:mức (?:phí|thu|lệ phí)\s*)?(?:là\s*)?", re.I)


def _case(text: str, left: int, start: int) -> str | None:
    """What the amount is for: the words of its clause before it ("Lệ phí cấp GPLX:")."""
    case = text[left:start].strip(" :,-–+(").strip()
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


def _items(text: str) -> list[FeeItem]:
    items: list[FeeItem] = []
    previous_end = 0
    for match in _AMOUNT.finditer(text):
        amount = _amount_value(match.group(1), match.group(2))
        if amount < _MIN_PLAUSIBLE:
            continue
        left, right = _clause(text, match.start(), match.end())
        # "lý thuyết 100.000 đồng, thực hành: 350.000 đồng": a case starts after the last amount.
        left = max(left, previous_end)
        previous_end = match.end()
        valid_from, valid_until = _period(text[left:right])
        item = FeeItem(
            amount_vnd=amount,
            per=_per(text, match.end()),
            case=_case(text, left, match.start()),
            valid_from=valid_from,
            valid_until=valid_until,
        )
        if not any(_same(item, kept) for kept in items):
            items.append(item)
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
        clause = note[left:right]
        valid_from, valid_until = _period(clause)
        if valid_until is None and valid_from is None:
            continue
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
    """The head of a fee cell and its bracketed note, if any."""
    head, bracket, rest = text.partition("(")
    if not bracket:
        return text.strip(), None
    note = rest[:-1] if rest.endswith(")") else rest
    return head.strip(), note.strip() or None


def parse_fee(text: str | None) -> Fee:
    """What a fee cell says, as items; "Miễn phí" only when nothing names an amount or rule."""
    if text is None or not text.strip():
        return Fee(kind=FeeKind.not_stated)
    head, note = split_fee_text(text)
    items = _items(head)
    note_items = _items(note) if note else []
    if note_items:
        # "70,000 VNĐ (70.000 đồng/Giấy chứng nhận)": the note says the same, better.
        items = [item for item in items if item.amount_vnd not in _amounts(note_items)]
        items += note_items
    items += _free_periods(text)
    if items:
        return Fee(
            kind=FeeKind.amounts,
            items=items,
            remarks=_remarks(note or ""),
            references=references(note or ""),
        )
    named = references(text)
    note_says_nothing = note is None or note.strip(" .-").casefold() in _NOTHING_NOTES
    if named or (not note_says_nothing and _REGULATION.search(note or "")):
        return Fee(kind=FeeKind.regulation, references=named)
    if head.casefold().startswith(("miễn", "không")):
        return Fee(kind=FeeKind.free)
    return Fee(kind=FeeKind.not_stated)


def _amounts(items: list[FeeItem]) -> set[int]:
    return {item.amount_vnd for item in items}
