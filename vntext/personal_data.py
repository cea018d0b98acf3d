"""Personal data in what citizens type, found and masked before anything is stored or logged.

Every channel masks a message before Rasa sees it (so trackers, Rasa's logs, the action
calls and the app's records only ever hold the masked text), and the app masks what it
keeps of its own. Standard library only: both environments use it.

Recognisers, in the spirit of Microsoft Presidio's (a pattern, the words around it, a kind):
- identifiers by their shape and the words before them: CCCD / personal id (12 digits),
  CMND (9), passports (a letter and 7 digits), phone numbers (0…, +84…, 84…), emails, bank
  accounts, tax codes (10 digits, or 10-3 for a branch), social and health insurance
  numbers, licence plates; any other run of nine or more digits is masked as a number;
- person names after the words that introduce them ("tên là", "tôi là", "ông", "chị"…)
  or written as a capitalised name that starts with a Vietnamese surname;
- street-level addresses: a house number with its street, lane or alley, and thôn, xóm,
  ấp, tổ, khu phố with their name (a ward, district or province alone is not personal,
  and the assistant needs it to route the question).

What is never masked, because the assistant needs it and it names no one: receipt codes
(000.00.04.H51-250221-0001, looked up by the dossier action), procedure codes (1.000894),
amounts of money, dates, ages, years.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from vntext.receipt_codes import RECEIPT_CODE

MASKS = {
    "cccd": "[số CCCD]",
    "cmnd": "[số CMND]",
    "passport": "[số hộ chiếu]",
    "phone": "[số điện thoại]",
    "email": "[email]",
    "bank": "[số tài khoản]",
    "tax": "[mã số thuế]",
    "bhxh": "[mã số BHXH]",
    "plate": "[biển số]",
    "number": "[mã số]",
    "name": "[họ tên]",
    "address": "[địa chỉ]",
}
IDENTIFIERS = frozenset(MASKS) - {"name", "address"}
_MASKED = re.compile("|".join(re.escape(m) for m in MASKS.values()))


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int


def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    return unicodedata.normalize("NFD", char)[0].lower()


def fold(text: str) -> str:
    """Lower case without diacritics, one character for each of ``text``'s (positions hold)."""
    return "".join(_fold_char(char) for char in text)


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


# ---- what is never masked -----------------------------------------------------------------

_KEPT = re.compile(
    RECEIPT_CODE.pattern  # a receipt code
    + r"|(?<![\d.])\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2})?(?![\d.]*\d)"  # procedure
    r"|(?<![\d.,])[1-9]\d{0,2}(?:[.,]\d{3}){1,3}(?![\d.,]*\d)"  # an amount of money
    r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",  # dates
    re.IGNORECASE,
)

# ---- identifiers --------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PLATE = re.compile(
    r"(?<![\w.])\d{2}\s?-?\s?[A-Za-z]{1,2}\d?\s?[-.]?\s?\d{3}\.?\d{2}(?![\w])"
    r"|(?<![\w.])\d{2}[A-Za-z]{1,2}\d?-\d{4,5}(?![\w])"
)
_PASSPORT = re.compile(r"(?<![\w])[A-Za-z]\d{7}(?![\w])")
_HEALTH_CARD = re.compile(r"(?<![\w])[A-Za-z]{2}\d{13}(?![\w])")
_TAX_BRANCH = re.compile(r"(?<![\w])\d{10}-\d{3}(?![\w])")
# A run of digits as people group them: spaces, dots or dashes between groups; "+84" kept.
_DIGITS = re.compile(r"(?<![\w.])(?:\(\+?84\)\s?|\+)?\d(?:[ .\-]?\d)*(?![\w])")

_CONTEXT = {
    "bhxh": re.compile(r"bhxh|bhyt|bao hiem|so so|vssid"),
    "tax": re.compile(r"\bmst\b|ma so thue|\bthue\b"),
    "bank": re.compile(
        r"\bstk\b|\btk\b|tai khoan|ngan hang|chuyen khoan|vietcombank|vcb|techcombank|"
        r"agribank|bidv|vietinbank|mb bank|acb|sacombank|vpbank|tpbank"
    ),
    "cmnd": re.compile(r"cmnd|cmt|chung minh"),
    "phone": re.compile(r"\bsdt\b|\bdt\b|dien thoai|\bso may\b|zalo|goi|hotline|lien he"),
}
_CONTEXT_CHARS = 40


def _number_kind(digits: str, before: str) -> str | None:
    """The kind of a run of ``digits``, from its length and the words ``before`` it."""
    n = len(digits)
    near = before[-_CONTEXT_CHARS:]

    def said(kind: str) -> bool:
        return bool(_CONTEXT[kind].search(near))

    if said("bank") and 6 <= n <= 19:
        return "bank"
    if said("tax") and n in (10, 13):
        return "tax"
    if said("bhxh") and n == 10:
        return "bhxh"
    if digits.startswith("84") and n in (11, 12):
        return "phone"
    if digits.startswith("0") and n in (10, 11):
        return "phone"
    if n == 12:
        return "cccd"
    if n == 9:
        return "cmnd"
    if said("phone") and 8 <= n <= 11:
        return "phone"
    if n >= 9:
        return "number"
    return None


def _phone_like_amount(match: re.Match[str], folded: str) -> bool:
    """84.912.603.485 after "gọi", "sđt"…: a phone number, not 84 billion đồng."""
    digits = re.sub(r"\D", "", match.group())
    near = folded[max(0, match.start() - _CONTEXT_CHARS) : match.start()]
    return len(digits) == 11 and digits.startswith("84") and bool(_CONTEXT["phone"].search(near))


def _identifiers(text: str, folded: str) -> list[Found]:
    found: list[Found] = []
    # What is never masked, then each identifier found: nothing after may overlap them.
    taken = [m.span() for m in _KEPT.finditer(text) if not _phone_like_amount(m, folded)]

    def free(start: int, end: int) -> bool:
        return not any(start < t_end and t_start < end for t_start, t_end in taken)

    def add(kind: str, start: int, end: int) -> None:
        found.append(Found(kind, start, end))
        taken.append((start, end))

    for match in _EMAIL.finditer(text):
        add("email", *match.span())
    for pattern, kind in ((_HEALTH_CARD, "bhxh"), (_TAX_BRANCH, "tax"), (_PASSPORT, "passport")):
        for match in pattern.finditer(text):
            if free(*match.span()):
                add(kind, *match.span())
    for match in _PLATE.finditer(text):
        if free(*match.span()) and re.search(r"[A-Za-z]", match.group()):
            add("plate", *match.span())
    for match in _DIGITS.finditer(text):
        start, end = match.span()
        if not free(start, end):
            continue
        kind = _number_kind(re.sub(r"\D", "", match.group()), folded[:start])
        if kind:
            add(kind, start, end)
    return found


# ---- names --------------------------------------------------------------------------------

_SURNAMES = _words(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Trịnh Mai "
    "Cao Lâm Hà Tạ Quách Phùng Trương Kim Lương Châu Thái Tô Triệu Mạc Khổng Tăng Lục Chu Đàm "
    "Doãn Kiều Âu La Giang Vương Tống Ninh Thân Hứa Nghiêm Tiêu Lưu Lã"
)
# Words that introduce a person's name (folded), just before it.
_NAME_CUES = re.compile(
    r"(?:\bho (?:va )?ten|\bten (?:day du |that |cua (?:toi|em|minh) )?(?:la|:)|"
    r"\bten(?: la)?|\b(?:toi|em|minh|e|a|c) la|\bchu (?:tai khoan|tk)|"
    r"\b(?:ong|ba|anh|chi|co|chu|bac|be|chau|thang|em trai|em gai|con trai|con gai)|"
    r"\bdung ten)"
    r"\s*:?\s*$"
)
_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
# Words no name is made of: they end a name typed in lower case ("ten la nguyen van an sinh
# nam 1990") and are never a one-word name after a cue ("chị Hà" is, "chị ơi" is not).
# Compared without diacritics, so none may fold to a name's syllable (thì/Thị, vấn/Văn,
# thủ/Thu, đó/Đỗ, năm/Nam, tháng/Thắng, tại/Tài, làm/Lâm, đang/Đăng, trong/Trọng…).
_NOT_NAME = _words(
    "sinh ngày tuổi ở là có không muốn cần hỏi xin đã sẽ bị được cho với và hoặc của số sđt "
    "cccd cmnd email nhé nha ạ ơi học lớp người mới nhờ đi về trên dưới ngoài này kia ấy thế "
    "sao gì nào giúp"
)
# A surname followed by one of these is a place (Hồ Chí Minh, Hà Nội, Hà Đông, Hà Giang,
# Hà Tĩnh, Hà Nam, Thái Bình, Thái Nguyên, Cao Bằng, Lâm Đồng, Phan Thiết…) or, in lower
# case, a word (hồ sơ, lý lịch, lý do, hộ khẩu, hộ chiếu, hộ tịch, hộ gia đình…).
_PLACE_AFTER_SURNAME = _words("so lich chi noi dong giang tinh nam binh nguyen bang thiet doc")
_WORD_AFTER_SURNAME = _PLACE_AFTER_SURNAME | _words(
    "do khau chieu tich kinh ngheo gia thuyet tuong"
)


def _syllables_from(text: str, start: int, most: int = 4) -> list[re.Match[str]]:
    """Up to ``most`` syllables from ``start``, separated by spaces only."""
    run: list[re.Match[str]] = []
    for match in _SYLLABLE.finditer(text, start):
        before = text[run[-1].end() if run else start : match.start()]
        if before.strip() or len(run) == most:
            break
        run.append(match)
    return run


def _name_at(text: str, start: int, after_cue: bool) -> Found | None:
    syllables = _syllables_from(text, start)
    if not syllables:
        return None
    first = fold(syllables[0].group())
    if syllables[0].group()[0].isupper():
        run = []
        for syllable in syllables:
            if not syllable.group()[0].isupper():
                break
            run.append(syllable)
        surname = first in _SURNAMES and len(run) >= 2
        if surname and fold(run[1].group()) in _PLACE_AFTER_SURNAME:
            return None
        if not surname and not (after_cue and first not in _NOT_NAME):
            return None
    elif after_cue and first in _SURNAMES:  # typed in lower case, after "tên là"
        run = []
        for syllable in syllables:
            if fold(syllable.group()) in _NOT_NAME:
                break
            run.append(syllable)
        if len(run) < 2 or fold(run[1].group()) in _WORD_AFTER_SURNAME:
            return None
    else:
        return None
    return Found("name", run[0].start(), run[-1].end())


def _names(text: str, folded: str) -> list[Found]:
    found: list[Found] = []
    previous: re.Match[str] | None = None
    for match in _SYLLABLE.finditer(text):
        start = match.start()
        inside_a_capitalised_run = (
            previous is not None
            and previous.group()[0].isupper()
            and match.group()[0].isupper()
            and not text[previous.end() : start].strip()
        )
        previous = match
        if (found and start < found[-1].end) or inside_a_capitalised_run:
            continue
        cue = bool(_NAME_CUES.search(folded[max(0, start - 30) : start]))
        name = _name_at(text, start, cue)
        if name is not None:
            found.append(name)
    return found


# ---- addresses ----------------------------------------------------------------------------

# A house number and its street, lane or alley, to the end of the clause:
# "số 15 ngõ 42 phố Trần Duy Hưng", "27/3 hẻm 12 đường Lê Văn Sỹ".
_HOUSE = re.compile(
    r"(?:\bso nha\s*|\bnha so\s*|\bso\s+)?\d+[a-z]?(?:/\d+[a-z]?)*\s*,?\s+"
    r"(?:duong|pho|ngo|ngach|hem|kiet)\b[^,;!?\n]*"
)
# A hamlet, village, residential group or quarter, then its number or capitalised name.
_HAMLET = re.compile(r"\b(?:to dan pho|khu pho|thon|xom|ap|to|khom)\s+")
_HAMLET_WORDS = ("tổ dân phố", "khu phố", "thôn", "xóm", "ấp", "tổ", "khóm")
_NUMBER = re.compile(r"(?:số\s+|so\s+)?\d+[a-zA-Z]?\b")


def _addresses(text: str, folded: str) -> list[Found]:
    found = [
        Found("address", m.start(), m.start() + len(m.group().rstrip()))
        for m in _HOUSE.finditer(folded)
    ]
    with_diacritics = folded != text.lower()
    for match in _HAMLET.finditer(folded):
        word = text[match.start() : match.end()].strip().lower()
        if with_diacritics and word not in _HAMLET_WORDS:
            continue  # "ô tô 17B…", "tờ khai": written with diacritics, it is not "tổ"
        number = _NUMBER.match(text, match.end())
        if number:
            found.append(Found("address", match.start(), number.end()))
            continue
        name = []
        for syllable in _syllables_from(text, match.end(), most=3):
            if not syllable.group()[0].isupper():
                break
            name.append(syllable)
        if name:  # "thôn Đông", "ấp Bình Thạnh"; not "tổ chức", "tờ khai"
            found.append(Found("address", match.start(), name[-1].end()))
    return found


# ---- together -----------------------------------------------------------------------------


def find(text: str) -> list[Found]:
    """The personal data in ``text`` (as NFC), in order, without overlaps."""
    return _find(unicodedata.normalize("NFC", text)) if text else []


def _find(text: str) -> list[Found]:
    folded = fold(text)
    found = _identifiers(text, folded)  # they do not overlap one another
    for more in (_addresses(text, folded), _names(text, folded)):  # in this order of trust
        for item in sorted(more, key=lambda f: (f.start, -(f.end - f.start))):
            if not any(item.start < f.end and f.start < item.end for f in found):
                found.append(item)
    return sorted(found, key=lambda f: f.start)


def mask(text: str) -> str:
    """``text`` with each piece of personal data replaced by what kind it was."""
    if not text:
        return text
    text = unicodedata.normalize("NFC", text)
    pieces, last = [], 0
    for item in _find(text):
        pieces.append(text[last : item.start])
        pieces.append(MASKS[item.kind])
        last = item.end
    pieces.append(text[last:])
    return "".join(pieces)


# A phone number or email given with its label ("sđt: …", "email của em là …") is the
# citizen's own contact, not a question about telephones or a request to be reached.
_CONTACT = re.compile(
    r"(?:\b(?:so dien thoai|dien thoai|sdt|dt|so may|zalo|e-?mail|gmail|mail)"
    r"(?: cua (?:toi|em|minh|chi|anh))?(?: la)?\s*:?\s*)?"
    r"(?:\[so dien thoai\]|\[email\])"
)


def has_masks(text: str) -> bool:
    return bool(_MASKED.search(text))


def without_masks(text: str) -> str:
    """A masked message as if its personal data had not been typed: what the intent
    classifier and the search read ("[số điện thoại]" asks for no telephone, "[số CCCD]"
    for no identity card)."""
    folded = fold(text)
    kept, last = [], 0
    for match in _CONTACT.finditer(folded):
        kept.append(text[last : match.start()])
        last = match.end()
    kept.append(text[last:])
    return " ".join(_MASKED.sub(" ", "".join(kept)).split())
