"""Parse records of the national portal export (dichvucong.gov.vn) into ``ProcedureIn``.

The portal's detail pages come with their tables flattened: cells are glued together without
separators (``Trực tuyến7 Ngày làm việc10,000 Việt Nam Đồng...``). The functions here cut them
back into rows using the few fixed shapes the portal renders: channel names, time units,
currency words, copy counts (``1 bản chính``), document numbers (``05/2012/NĐ-CP``).

Everything is pure (no database, no I/O). A field that cannot be parsed is kept as well as
possible and reported as a ``ParseIssue`` with a short, stable reason, so that an import report
can count them; only a record without a code or a name is rejected (``RecordError``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from knowledge_base.facts.fees import MIN_PLAUSIBLE_FEE, amount_value
from knowledge_base.importers.errors import RecordError
from knowledge_base.schemas import (
    DossierDocument,
    LegalBasis,
    ParseIssue,
    ProcedureIn,
    SubmissionChannel,
)

SOURCE = "dichvucong"
NO_INFO = "Không có thông tin"

_Issue = tuple[str, str]
"""(field, reason) before it becomes a ``ParseIssue``; reasons never quote record text."""

# --------------------------------------------------------------------------- text helpers

_BLANKS = "\t\u00a0\u2002\u2003\u2009\u200a\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\ufeff"
_MULTI_SPACE = re.compile(r" {2,}")
_SPACED_NEWLINE = re.compile(r" \n ?|\n ")
_BLANK_LINES = re.compile(r"\n{3,}")


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _tidy(text: str) -> str:
    """Single spaces, trimmed lines, at most one blank line: the portal's text is ragged."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for blank in _BLANKS:  # str.replace is far faster than translate on Vietnamese text
        if blank in text:
            text = text.replace(blank, " ")
    for invisible in _INVISIBLE:
        if invisible in text:
            text = text.replace(invisible, "")
    if "  " in text:
        text = _MULTI_SPACE.sub(" ", text)
    if "\n" in text:
        text = _SPACED_NEWLINE.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _clean(text: str | None) -> str | None:
    """Tidy text, or None when empty or the portal's 'no information' placeholder."""
    if text is None:
        return None
    tidy = _tidy(text)
    if not tidy or (len(tidy) < 24 and tidy.rstrip(".").casefold() == NO_INFO.casefold()):
        return None
    return tidy


def _text_field(raw: Mapping[str, Any], key: str, issues: list[_Issue]) -> str | None:
    """Read one raw field as NFC text; anything but a string or a number is an issue."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        issues.append((_TARGETS.get(key, key), "value is not text"))
        return None
    return _nfc(str(value))


def _dedupe(issues: Iterable[_Issue]) -> list[ParseIssue]:
    """One issue per (field, reason) per record: counts then mean 'records affected'."""
    seen: dict[_Issue, None] = dict.fromkeys(issues)
    return [ParseIssue(field=field, reason=reason) for field, reason in seen]


# --------------------------------------------------------------------------- channels

CHANNEL_NAMES: tuple[str, ...] = ("Dịch vụ bưu chính", "Trực tuyến", "Trực tiếp")
"""Every channel name the national export uses (checked on the 2026 crawl)."""

TIME_UNITS: tuple[str, ...] = ("Ngày làm việc", "Ngày", "Giờ", "Tháng", "Năm", "Tuần", "Phút")

_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNEL = re.compile("|".join(re.escape(name) for name in CHANNEL_NAMES))
_UNIT = "|".join(re.escape(unit) for unit in TIME_UNITS)
_TIME_WITH_UNIT = re.compile(rf"(\d+(?:[.,]\d+)?)\s*({_UNIT})")
_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|VND|USD|[Đđ]ồng)"
# The fee cell opens with one of these; some exports label it ("Lệ phí : 50.000 Đồng").
_FEE_HEAD = re.compile(
    rf"Miễn phí|{NO_INFO}|(?:(?:Lệ phí|Phí)\s*:?\s*)?(\d[\d.,]*)\s*({_CURRENCY})"
)
# Digits glued straight to a fee cell: the time lost its unit ("1Miễn phí", "140,000 VNĐ").
_TIME_WITHOUT_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)(?=Miễn phí|Không)")
_DIGITS_INTO_AMOUNT = re.compile(rf"(\d[\d.,]*)\s*({_CURRENCY})")
_GROUPED_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})*|[1-9]\d*")
# Time cells that say "none" in words; not a parse failure.
_TIME_WORDS_NONE = frozenset({"Không", "Không quy định"})

_VND_WORD = r"(?:Việt Nam Đồng|VNĐ|VND|vnđ|vnd|đồng|Đồng|đ(?!\w)|Đ(?!\w))"
_VND_AMOUNT = re.compile(
    r"(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d{1,2})?)\s*"
    r"(triệu|nghìn|ngàn)?\s*(?:/\s*[^\W\d_]{1,10}\s*)?" + _VND_WORD
)


def vnd_amounts(text: str) -> list[int]:
    """Every amount written with a Vietnamese currency word (đồng, VNĐ, triệu đồng, ...)."""
    return [amount_value(m.group(1), m.group(2)) for m in _VND_AMOUNT.finditer(text)]


def fee_vnd(head: str | None, note: str | None) -> tuple[int | None, list[str]]:
    """Smallest fee in VND from the fee cell and its note; 0 when free, None when unknown.

    Returns the amount and the reasons it may be wrong (for ``ParseIssue``).
    """
    if head is None and note is None:
        return None, []
    if head is not None and head.startswith("Miễn phí"):
        return 0, []
    if head is not None and head.strip().casefold() in {"không", "không thu"}:
        return 0, []
    amounts = vnd_amounts(head or "") + vnd_amounts(note or "")
    plausible = [a for a in amounts if a == 0 or a >= MIN_PLAUSIBLE_FEE]
    reasons: list[str] = []
    if len(plausible) < len(amounts):
        reasons.append("amount below 1,000 VNĐ ignored")
    if plausible:
        return min(plausible), reasons
    if head is not None and "USD" in head:
        reasons.append("fee only in a foreign currency")
    elif head is not None and not amounts:
        reasons.append("no amount found in fee")
    return None, reasons


def _split_fee(rest: str) -> tuple[str | None, str | None, str, list[_Issue]]:
    """Cut the fee cell (head and its bracketed note) off the front of ``rest``.

    Returns (head, note, remainder, issues); head is None when the cell says 'no information'.
    """
    rest = rest.lstrip()
    match = _FEE_HEAD.match(rest)
    if match is None:
        return None, None, rest, [("channels.fee", "fee cell not recognised")]
    head: str | None = match.group(0)
    if head == NO_INFO:
        head = None
    position = match.end()
    if position >= len(rest) or rest[position] != "(":
        return head, None, rest[position:], []
    depth = 0
    for index in range(position, len(rest)):
        char = rest[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return head, rest[position + 1 : index], rest[index + 1 :], []
    # Never closed: the note most likely ends at the row's last ')', if it has one.
    issue = ("channels.fee", "unbalanced parenthesis in fee note")
    close = rest.rfind(")")
    if close > position:
        return head, rest[position + 1 : close], rest[close + 1 :], [issue]
    return head, rest[position + 1 :], "", [issue]


def _split_time(body: str) -> tuple[str | None, float | None, str | None, str, list[_Issue]]:
    """Cut the time cell off the front of a row: (text, number, unit, remainder, issues)."""
    match = _TIME_WITH_UNIT.match(body)
    if match:
        number = float(match.group(1).replace(",", "."))
        return match.group(0), number, match.group(2), body[match.end() :], []
    match = _TIME_WITHOUT_UNIT.match(body)
    if match:
        number = float(match.group(1).replace(",", "."))
        if number == 0:
            return (
                match.group(1),
                None,
                None,
                body[match.end() :],
                [("channels.processing_time", "time limit is 0 without a unit")],
            )
        return (
            match.group(1),
            number,
            None,
            body[match.end() :],
            [("channels.processing_time", "time limit has no unit")],
        )
    match = _DIGITS_INTO_AMOUNT.match(body)
    if match:
        digits = match.group(1)
        # The time lost its unit and runs into the amount: keep the shortest time that
        # leaves a well-formed amount ("140,000" -> 1 + "40,000").
        for cut in range(1, len(digits)):
            if digits[cut - 1].isdigit() and _GROUPED_AMOUNT.fullmatch(digits[cut:]):
                number = float(digits[:cut])
                return (
                    digits[:cut],
                    number,
                    None,
                    body[cut:],
                    [("channels.processing_time", "time limit has no unit")],
                )
        return None, None, None, body, [("channels.processing_time", "time cell missing")]
    if body.startswith(NO_INFO):
        return None, None, None, body[len(NO_INFO) :], []
    fee = _FEE_HEAD.search(body)
    end = fee.start() if fee else len(body)
    text = body[:end].strip() or None
    issues: list[_Issue] = []
    if text is not None and text not in _TIME_WORDS_NONE:
        issues.append(("channels.processing_time", "time limit is not a number"))
    return text, None, None, body[end:], issues


def _free_time_cell(after: str) -> str | None:
    """The time cell of a row whose time is written in words, if it can be delimited."""
    fee = _FEE_HEAD.search(after)
    if fee is None or fee.start() < 4:
        return None
    return after[: fee.start()]


def _row_starts(table: str) -> list[re.Match[str]]:
    """Channel names that open a row, not the same words inside a description.

    A row's channel is glued to its time cell: a digit, 'Không...' or, for the rare time
    written in words, the same words the first row used.
    """
    starts: list[re.Match[str]] = []
    free_times: set[str] = set()
    for match in _CHANNEL.finditer(table):
        after = table[match.end() :]
        if after[:1].isdigit() or after.startswith("Không"):
            starts.append(match)
        elif match.start() == 0 or any(after.startswith(cell) for cell in free_times):
            starts.append(match)
            cell = _free_time_cell(after)
            if cell:
                free_times.add(cell)
    return starts


def _table_body(text: str | None, header: str) -> str | None:
    """The rows of a flattened table without its header; None when the table is empty."""
    if text is None:
        return None
    table = _nfc(text).strip()
    if table.startswith(header):
        table = table[len(header) :].strip()
    return None if not table or table == NO_INFO else table


def parse_channels(text: str | None) -> tuple[list[SubmissionChannel], list[_Issue]]:
    """Split the flattened 'Cách thức thực hiện' table into one channel per row."""
    table = _table_body(text, _CHANNEL_HEADER)
    if table is None:
        return [], []
    issues: list[_Issue] = []
    starts = _row_starts(table)
    if not starts:
        return [], [("channels", "no channel row found")]
    if table[: starts[0].start()].strip():
        issues.append(("channels", "text before the first channel ignored"))
    channels: list[SubmissionChannel] = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(table)
        body = table[start.end() : end]
        time_text, number, unit, rest, time_issues = _split_time(body)
        head, note, remainder, fee_issues = _split_fee(rest)
        amount, amount_reasons = fee_vnd(head, note)
        issues += time_issues + fee_issues
        issues += [("channels.fee_vnd", reason) for reason in amount_reasons]
        fee_text = head
        if note is not None and _clean(note):
            fee_text = f"{head} ({_tidy(note)})" if head else _tidy(note)
        channels.append(
            SubmissionChannel(
                channel=start.group(0),
                processing_time=_clean(time_text),
                processing_days=number,
                time_unit=unit,
                fee=_clean(fee_text),
                fee_vnd=amount,
                description=_clean(remainder),
            )
        )
    return channels, issues


# --------------------------------------------------------------------------- documents

_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# The copies cell, glued to the name: one digit of originals, optionally a digit of copies
# ("0 bản chính,1 bản sao"); some portals write "Bản chính: 1 - Bản sao: 0" instead.
_COPIES = re.compile(
    r"(\d) bản chính(?:,\s?(\d) bản sao)?|Bản chính:\s?(\d{1,2})\s?-\s?Bản sao:\s?(\d{1,2})"
)
_TEMPLATE_END = re.compile(r"\.(?:docx?|pdf|xlsx?|odt|rtf|zip|rar)$", re.IGNORECASE)
_TEMPLATE_SPLIT = re.compile(r"(?<=\.docx|\.xlsx)|(?<=\.doc|\.pdf|\.xls)(?=[^\sxX])", re.I)
_MAX_TEMPLATE_CHARS = 150


def _is_glue(text: str, position: int) -> bool:
    """Whether two cells were glued at ``position`` (no space where words should part)."""
    before, here = text[position - 1], text[position]
    if here.isspace():
        return False
    if before in ";)]:":
        return here.isalnum()
    if before.islower() and here.isupper():
        return True
    previous = text[position - 2] if position >= 2 else ""
    if before == "." and (here.isalpha() or (here.isdigit() and not previous.isdigit())):
        return True
    after = text[position + 1] if position + 1 < len(text) else ""
    if before.isdigit() and here.isupper() and after.islower():
        return True
    # An all-caps code running into a word: "...TT-BGTVTMẫu số 3", "...NĐ-CPmau so 09".
    if previous.isupper() and before.isupper():
        if here.islower():
            return after.islower()  # not "QĐ-TTg của"
        return here.isupper() and after.islower()
    return False


def _is_digit_glue(text: str, position: int) -> bool:
    return text[position - 1].isalpha() and text[position].isdigit()


_NAME_ENDINGS = re.compile(r"theo mẫu quy định|theo mẫu(?! quy định)|theo quy định")


def _is_phrase_glue(text: str, position: int) -> bool:
    """Last resort: a name ending "theo mẫu" glued to a lowercase file name."""
    if text[position].isspace():
        return False
    found = _NAME_ENDINGS.search(text, max(0, position - 20), position)
    return found is not None and found.end() == position


def _split_template(segment: str) -> tuple[str, str | None]:
    """Split 'name' + 'template file name' glued together: (name, template or None).

    The file name is the shortest tail after a glue point; a tail never holds '/', which
    file names cannot contain while document numbers in the name do.
    """
    if not _TEMPLATE_END.search(segment):
        return segment, None
    lower = max(1, segment.rfind("/") + 1, len(segment) - _MAX_TEMPLATE_CHARS)
    # Strong glue first; a word running into digits ("theo mẫu1.000312.docx") is weaker,
    # since names also hold things like "100m2".
    for is_glue in (_is_glue, _is_digit_glue, _is_phrase_glue):
        for position in range(lower, len(segment) - 4):
            if is_glue(segment, position):
                name = segment[:position].strip()
                if name:
                    return name, _join_templates(segment[position:].strip())
    # No glue: take a diacritic-free tail ("... nhập khẩu. Don khai bao ... .docx").
    match = re.search(r"(?:^|(?<=[\s.;:]))[\x20-\x7e]+$", segment[lower:])
    if match and " " in match.group(0).strip() and match.start() > 0:
        position = lower + match.start()
        name = segment[:position].strip()
        if name:
            return name, _join_templates(segment[position:].strip())
    return segment, None


def _join_templates(text: str) -> str:
    """Several file names glued together ('a.docxb.docx') become 'a.docx; b.docx'."""
    return "; ".join(part.strip() for part in _TEMPLATE_SPLIT.split(text) if part.strip())


def _group_title(text: str) -> str | None:
    title = _clean(text)
    if title is None:
        return None
    title = title.strip(" -\t:*+")
    return title or None


def _is_prose_count(block: str, end: int) -> bool:
    """A count inside a sentence (": 01 bản chính;", "02 bản chính tờ khai") is no cell."""
    following = block[end : end + 1]
    if following in {";", ".", ",", ":", ")"}:
        return True
    if following.isspace():
        rest = block[end:].lstrip()
        return rest[:1].islower()
    return False


def _copies_text(cell: re.Match[str]) -> str:
    if cell.group(1) is None:
        return f"Bản chính: {cell.group(3)} - Bản sao: {cell.group(4)}"
    if cell.group(2) is None:
        return f"{cell.group(1)} bản chính"
    return f"{cell.group(1)} bản chính, {cell.group(2)} bản sao"


def _copy_cells(block: str) -> list[re.Match[str]]:
    cells = []
    for match in _COPIES.finditer(block):
        if _is_prose_count(block, match.end()):
            continue
        if match.start() == 0 or (cells and cells[-1].end() == match.start()):
            continue  # a count with no document name before it
        cells.append(match)
    return cells


def _document(segment: str, copies: str | None, group: str | None) -> DossierDocument | None:
    text = _clean(segment)
    if text is None:
        return None
    name, template = _split_template(text)
    name = name.rstrip(" ;,") or name
    return DossierDocument(name=name, template=template, copies=copies, group=group)


def parse_documents(text: str | None) -> tuple[list[DossierDocument], list[_Issue]]:
    """Split the flattened 'Thành phần hồ sơ' table(s) into documents.

    The portal repeats the table header once per case; the text before each header names the
    case (``group``). Each row is 'name', an optional template file name, then the copies cell.
    """
    if text is None:
        return [], []
    source = _nfc(text).strip()
    if not source or source == NO_INFO or source.strip("- ") == "":
        return [], []
    blocks = source.split(_DOC_HEADER)
    if len(blocks) == 1:
        return [], [("documents", "no document table found")]
    issues: list[_Issue] = []
    documents: list[DossierDocument] = []
    group = _group_title(blocks[0])
    for index, block in enumerate(blocks[1:], start=1):
        last_block = index == len(blocks) - 1
        cells = _copy_cells(block)
        cursor = 0
        for cell in cells:
            copies = _copies_text(cell)
            document = _document(block[cursor : cell.start()], copies, group)
            if document is not None:
                documents.append(document)
                if document.template is None and _TEMPLATE_END.search(document.name):
                    issues.append(("documents.template", "template file name not separable"))
            cursor = cell.end()
        tail = block[cursor:]
        if last_block:
            document = _document(tail, None, group)
            if document is not None:
                documents.append(document)
                issues.append(("documents.copies", "last document has no copies cell"))
        else:
            group = _group_title(tail)
        if not cells and _clean(block) is not None and not last_block:
            issues.append(("documents", "table section without copies cells"))
    if not documents:
        issues.append(("documents", "no document row found"))
    return documents, issues


# --------------------------------------------------------------------------- legal bases

_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# "05/2012/NĐ-CP", "02/2011/QH13", "53/2013/QĐ-TTg", and year-less "601/QĐ-BTC".
_DOC_NUMBER = re.compile(
    r"(\d+(?:\.\d+)?)/(?:((?:19|20)\d\d)/([A-ZĐÐ]+(?:\s?[-_–]\s?[A-ZĐÐ]+)*)"
    r"|()([A-ZĐÐ]+(?:\s?[-_–]\s?[A-ZĐÐ]+)+))(?:(?<=TT)g|(?<=QH)\d\d)?"
)
# Issuers seen in the export; used to give back letters glued from the next title.
_KNOWN_ISSUERS = frozenset(
    {
        "CP",
        "QH",
        "BTC",
        "BTP",
        "BCA",
        "NHNN",
        "BNNMT",
        "BGTVT",
        "BXD",
        "BNNPTNT",
        "BTNMT",
        "UBTVQH",
        "BKHĐT",
        "BLĐTBXH",
        "UBND",
        "HĐND",
        "VPCP",
        "BYT",
        "BCT",
        "BQP",
        "BNG",
        "BNV",
        "BGDĐT",
        "BVHTTDL",
        "BTTTT",
        "BKHCN",
        "TANDTC",
        "VKSNDTC",
        "KTNN",
        "BTM",
        "BKH",
        "BNN",
        "BHXH",
        "TCHQ",
        "TCT",
        "CTN",
        "MTTQVN",
        "TLĐLĐVN",
        "HĐTP",
        "UBDT",
        "BVHTT",
        "BGD",
    }
)
_IN_TITLE_WORDS = frozenset({"ngày", "của"})
_DOC_TYPE_TAIL = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=\n))"
    r"(?:Luật|Nghị định|Nghị quyết|Thông tư(?: liên tịch)?|Quyết định|Pháp lệnh)(?:\s+số)?\s*$"
)
_YEAR_PREFIX = re.compile(r"(?:19|20)\d\d")


def _number_span(table: str, match: re.Match[str]) -> tuple[int, int]:
    """Where a document number really starts and ends, undoing the glue at both sides.

    "năm 2016" glued to "01/2016/QH14" reads "201601/2016/QH14"; "NĐ-CP" glued to the next
    title reads "NĐ-CPNghị định" or "NĐ-CPQUY ĐỊNH": the issuer gives back what is not its own.
    """
    start, end = match.start(), match.end()
    leading = match.group(1)
    if len(leading) > 4 and _YEAR_PREFIX.match(leading):
        start += 4
    group = 3 if match.group(3) is not None else 5
    if match.end(group) != end:  # ends with "TTg" or a legislature number: nothing glued
        return start, end
    issuer = match.group(group)
    last = re.split(r"[-_–]\s?", issuer)[-1].strip()
    if last in _KNOWN_ISSUERS:
        return start, end
    for size in range(len(last) - 1, 0, -1):
        if last[:size] in _KNOWN_ISSUERS:
            return start, end - (len(last) - size)
    following = table[end : end + 1]
    if len(last) > 1 and following.islower():
        return start, end - 1
    return start, end


def _same_number(left: str, right: str) -> bool:
    return re.sub(r"\s", "", left) == re.sub(r"\s", "", right)


def _ends_row(table: str, spans: list[tuple[int, int]], index: int, cursor: int) -> bool:
    """Whether the number at ``spans[index]`` is a row's number cell, not part of a title.

    The cell is glued to the next row's title (or ends the table); numbers inside a title are
    followed by a space and a lowercase word, by punctuation, or by the cell repeating them.
    """
    start, end = spans[index]
    rest = table[end:]
    if not rest.strip():
        return True
    if not table[cursor:start].strip():
        return False  # the title itself starts with this number
    if index + 1 < len(spans) and spans[index + 1][0] == end:
        # Two numbers glued: the first belongs to the title ("Luật 54/2014/QH13" + cell),
        # unless the second is a title made of a number followed by its own cell.
        if index + 2 < len(spans) and spans[index + 2][0] == spans[index + 1][1]:
            second = table[spans[index + 1][0] : spans[index + 1][1]]
            third = table[spans[index + 2][0] : spans[index + 2][1]]
            return _same_number(second, third)
        return False
    first = rest[0]
    if first.isspace():
        following = rest.lstrip()
        return following[:1].isupper()
    if first in ",;:)/":
        return False
    if first.islower():
        return _leading_lower_word(rest) not in _IN_TITLE_WORDS
    return True


def _leading_lower_word(text: str) -> str:
    end = 0
    while end < len(text) and text[end].isalpha() and text[end].islower():
        end += 1
    return text[:end]


def parse_legal_bases(text: str | None) -> tuple[list[LegalBasis], list[_Issue]]:
    """Split the flattened 'Căn cứ pháp lý' table: each title is followed by its number."""
    table = _table_body(text, _LEGAL_HEADER)
    if table is None:
        return [], []
    spans = [_number_span(table, match) for match in _DOC_NUMBER.finditer(table)]
    bases: list[LegalBasis] = []
    issues: list[_Issue] = []
    cursor = 0
    for index, (start, end) in enumerate(spans):
        if start < cursor or not _ends_row(table, spans, index, cursor):
            continue
        number = _tidy(table[start:end])
        title = table[cursor:start].lstrip(" .,;:")
        # The tail check only needs the end of the title (and is slow on long ones).
        untyped = title[:-40] + _DOC_TYPE_TAIL.sub("", title[-40:])
        title_text = _clean(untyped) or _clean(title) or number
        bases.append(LegalBasis(number=number, title=title_text))
        cursor = end
    tail = _clean(table[cursor:].strip(" .,;:-"))
    if tail is not None and sum(char.isalnum() for char in tail) >= 3:
        bases.append(LegalBasis(number=None, title=tail))
        issues.append(("legal_bases", "document without a recognisable number"))
    return bases, issues


# --------------------------------------------------------------------------- steps, result

_STEP_MARK = re.compile(
    r"(?:^|(?<=\n)|(?<=[.;:!?])\s*)[ \t]*(?:[-+*•]\s*|[a-zđ]\)\s*)?Bước\s+(\d{1,2})\s*[:.\-–)]?",
    re.MULTILINE,
)
_LETTER_MARK = re.compile(r"^[ \t]*([a-zđ])\)\s", re.MULTILINE)
_NUMBER_MARK = re.compile(r"^[ \t]*(\d{1,2})[.)]\s", re.MULTILINE)
_LETTERS = "abcdđefghijklmnopqrstuvwxyz"


def _sequential(matches: list[re.Match[str]], order: str | None) -> list[re.Match[str]]:
    """Keep markers that count up (1, 2, 3 or a, b, c), allowing a fresh start at 1 or a."""
    kept: list[re.Match[str]] = []
    previous: int | None = None
    for match in matches:
        token = match.group(1)
        value = order.index(token) if order else int(token)
        first = 0 if order else 1
        if value == first or (previous is not None and value == previous + 1):
            kept.append(match)
            previous = value
    return kept


def _cut(text: str, marks: list[re.Match[str]]) -> list[str]:
    pieces: list[str] = []
    head = text[: marks[0].start()].strip()
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        pieces.append(text[mark.start() : end].strip())
    if head:
        # A short lead-in ("a)", "* Trường hợp ...:") stays in front of the first step.
        if len(head) < 80:
            pieces[0] = f"{head}\n{pieces[0]}"
        else:
            pieces.insert(0, head)
    return [piece for piece in pieces if piece]


def parse_steps(text: str | None) -> list[str]:
    """Ordered steps: on 'Bước N', else on a), b) or 1., 2. at line starts, else paragraphs."""
    cleaned = _clean(_nfc(text)) if text is not None else None
    if cleaned is None:
        return []
    for pattern, order in ((_STEP_MARK, None), (_LETTER_MARK, _LETTERS), (_NUMBER_MARK, None)):
        if pattern is _STEP_MARK and "Bước" not in cleaned:
            continue
        marks = _sequential(list(pattern.finditer(cleaned)), order)
        if len(marks) >= 2:
            return _cut(cleaned, marks)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", cleaned) if p.strip()]
    if len(paragraphs) == 1:
        paragraphs = [line.strip() for line in cleaned.split("\n") if line.strip()]
    return paragraphs


# A result code ("KQ.G19.000213") is glued to the next name ("...000213Văn bản"): an
# uppercase letter only belongs to the code when another code character follows it.
_RESULT_CODE = re.compile(r"Mã:\s*[A-Z0-9](?:[.\-](?=[A-Z0-9])|[0-9]|[A-Z](?=[A-Z0-9.\-]|$))*")
_RESULT_BOILERPLATE = re.compile(r"Từ khóa|Chọn cơ quan thực hiện")
_RESULT_DESCRIPTION = re.compile(r"Mô tả(.*?)(?:Chọn cơ quan thực hiện|$)", re.DOTALL)


def parse_result(text: str | None) -> str | None:
    """Result names, one per line, without the page's codes, keywords and agency picker.

    A real description under 'Mô tả' is kept after the names.
    """
    if text is None:
        return None
    source = _nfc(text)
    boiler = _RESULT_BOILERPLATE.search(source)
    names_part = source[: boiler.start()] if boiler else source
    description = None
    if boiler and boiler.group(0) == "Từ khóa":
        found = _RESULT_DESCRIPTION.search(source, boiler.end())
        description = _clean(found.group(1)) if found else None
    names = [_clean(part) for part in _RESULT_CODE.split(names_part)]
    lines = [name for name in names if name]
    if description:
        lines.append(description)
    return "\n".join(lines) or None


# --------------------------------------------------------------------------- record

_CODE_SHAPE = re.compile(r"\d\.\d{6}")
_SCALARS: dict[str, str] = {
    "linh_vuc": "field",
    "loai_thu_tuc": "procedure_type",
    "so_quyet_dinh": "decision_number",
    "co_quan_co_tham_quyen": "competent_authority",
    "co_quan_thuc_hien": "implementing_agency",
    "dia_chi_tiep_nhan": "submission_address",
    "doi_tuong_thuc_hien": "applicants",
    "yeu_cau_dieu_kien": "conditions",
    "thu_tuc_lien_quan": "related_procedures",
}
# Raw field -> ProcedureIn field, so every issue names the field as the API shows it.
_TARGETS: dict[str, str] = {
    **_SCALARS,
    "ma_thu_tuc": "code",
    "ten_thu_tuc": "name",
    "cap_thuc_hien": "levels",
    "detail_url": "portal_url",
    "trinh_tu_thuc_hien": "steps",
    "cach_thuc_thuc_hien": "channels",
    "thanh_phan_ho_so": "documents",
    "can_cu_phap_ly": "legal_bases",
    "ket_qua_xu_ly": "result",
}


def parse_levels(text: str | None) -> list[str]:
    """'Cấp tỉnh, Cấp xã' -> ['Cấp tỉnh', 'Cấp xã']."""
    if text is None:
        return []
    levels = [_clean(part) for part in re.split(r"[,;]", _nfc(text))]
    return [level for level in levels if level]


def parse_record(raw: dict[str, Any]) -> tuple[ProcedureIn, list[ParseIssue]]:
    """One portal record -> (procedure, parse issues). Raises RecordError if unstorable."""
    if not isinstance(raw, Mapping):
        raise RecordError("a record must be a JSON object")
    issues: list[_Issue] = []
    code = _clean(_text_field(raw, "ma_thu_tuc", issues))
    if code is None:
        raise RecordError("no procedure code (ma_thu_tuc)")
    name = _clean(_text_field(raw, "ten_thu_tuc", issues))
    if name is None:
        raise RecordError(f"procedure {code} has no name (ten_thu_tuc)")
    if not _CODE_SHAPE.fullmatch(code):
        issues.append(("code", "code is not in the national N.NNNNNN form"))

    scalars = {target: _clean(_text_field(raw, key, issues)) for key, target in _SCALARS.items()}
    channels, channel_issues = parse_channels(_text_field(raw, "cach_thuc_thuc_hien", issues))
    documents, document_issues = parse_documents(_text_field(raw, "thanh_phan_ho_so", issues))
    bases, basis_issues = parse_legal_bases(_text_field(raw, "can_cu_phap_ly", issues))
    steps = parse_steps(_text_field(raw, "trinh_tu_thuc_hien", issues))
    result = parse_result(_text_field(raw, "ket_qua_xu_ly", issues))
    issues += channel_issues + document_issues + basis_issues

    procedure = ProcedureIn(
        code=code,
        name=name,
        levels=parse_levels(_text_field(raw, "cap_thuc_hien", issues)),
        steps=steps,
        documents=documents,
        channels=channels,
        legal_bases=bases,
        result=result,
        portal_url=_clean(_text_field(raw, "detail_url", issues)),
        source=SOURCE,
        **scalars,
    )
    return procedure, _dedupe(issues)
