"""Answers to each kind of question, written only from the knowledge base's fields.

Nothing here knows a fee, a time limit or a document: every fact comes from the
procedure record, and from its structured fields where the import made them (fee items,
time units). A field the record lacks is said to be missing, with the human channel, never
filled in. The asked fact comes first and short; what does not fit in a phone screen is
behind a "show more" choice (``Answer.more``). The words around the facts are in
``messages.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from actions import messages
from actions.deployment import DeploymentProfile
from actions.facets import Facet
from knowledge_base.facts.deadlines import citizen_deadlines
from knowledge_base.facts.documents import stated_copies, strip_marker
from knowledge_base.facts.durations import TIME_AMOUNT, TIME_LIMIT, is_bare_number, sentences
from knowledge_base.facts.fees import (
    COUNCIL,
    Fee,
    FeeItem,
    FeeKind,
    FeeRemark,
    parse_fee,
    split_fee_text,
)
from knowledge_base.facts.named import named_passages
from knowledge_base.schemas import DossierDocument, ProcedureOut, SubmissionChannel
from vntext.chat_format import bullets, clean, numbered

FIRST_MESSAGE_CHARS = 1200
"""About one phone screen: the first documents message and any facet's short form."""
FIRST_DOCUMENTS = 8

_ONLINE = ("trực tuyến", "online", "dịch vụ công")
_AGENCIES = (
    r"(?:Cơ quan|Ủy ban nhân dân|UBND|Sở|Phòng|Bộ phận|Trung tâm|Công an|Văn phòng|Chi cục|"
    r"Cục|Bảo hiểm xã hội)"
)
# Where the citizen goes, in a sentence of the steps: "nộp hồ sơ tại …", "gửi trực tiếp
# tại …", "Công dân đến Công an cấp xã …" (near its start: "… chuyển đề nghị của công dân
# đến cơ quan …" is the agency's doing).
_SUBMISSION = re.compile(
    rf"\b(?:nộp|gửi hồ sơ|gửi trực tiếp)\b[^.;]*\b(tại|ở|đến|cho|qua)\b"
    rf"|^\W*[^.;]{{0,40}}?\bđến (?:trực tiếp )?{_AGENCIES}\b",
    re.IGNORECASE,
)
# Paying, forwarding and the clerks' work are not where the citizen submits.
_NOT_WHERE = re.compile(r"\b(?:phí|chuyển|cán bộ|công chức)\b", re.IGNORECASE)
_CONDITIONAL = re.compile(r"^(?:\(?\s*)(?:trường hợp|đối với|nếu|ngoài ra|lưu ý)\b", re.I)
_NOTE_GROUP = re.compile(r"^\W*lưu ý", re.IGNORECASE)
# Group titles under which the portal lists what everyone brings.
_COMMON_GROUP = re.compile(
    r"^\W*(?:[a-z]\)\s*)?(?:các )?(?:giấy tờ phải (?:nộp|xuất trình)|thành phần hồ sơ"
    r"|hồ sơ (?:bao )?gồm|giấy tờ cần nộp)",
    re.IGNORECASE,
)
_NAME_TAIL = re.compile(r"\s*\((?:thực hiện )?(?:tại|ở) [^)]*\)\s*$|\s+thực hiện tại .*$", re.I)


@dataclass(frozen=True)
class Answer:
    """What the assistant says, and the facet that was cut to fit one screen, if any (asked
    again with ``full=True``, it is shown whole)."""

    text: str
    more: Facet | None = None
    messages: tuple[str, ...] = ()
    """The text as chat messages: one per asked facet, each within one screen."""


# -- names ------------------------------------------------------------------------------


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def short_name(name: str) -> str:
    """The name without its level and place ("Cấp lại thẻ căn cước"), for a second mention."""
    short = _NAME_TAIL.sub("", clean(name)).strip() or clean(name)
    return _shorten(short, 70)


# -- fees -------------------------------------------------------------------------------


def vnd(amount: int) -> str:
    """20000 -> "20.000 đồng", as Vietnamese readers write amounts."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def _period(valid_from: date | None, valid_until: date | None, today: date) -> str:
    until = f"đến hết ngày {valid_until:%d/%m/%Y}" if valid_until else ""
    if valid_from and valid_from > today:
        return f"từ ngày {valid_from:%d/%m/%Y} {until}".strip()
    return until


def _fee_item(item: FeeItem, today: date) -> str:
    if item.amount_vnd == 0:
        text = messages.FREE_FOR_NOW
    else:
        text = vnd(item.amount_vnd) + (f"/{item.per}" if item.per else "")
        if item.case:
            text = f"{clean(item.case).rstrip(':')}: {text}"
    period = _period(item.valid_from, item.valid_until, today)
    return f"{text} ({messages.applies(period)})" if period else text


def structured_fee(channel: SubmissionChannel) -> Fee:
    """The fee as the import structured it; read from the text for a record stored before."""
    if channel.fee_kind is None:
        return parse_fee(channel.fee)
    return Fee(
        kind=channel.fee_kind,
        items=channel.fee_items,
        remarks=channel.fee_remarks,
        references=channel.fee_references,
    )


def _fee_of_channel(channel: SubmissionChannel, fee: Fee, today: date) -> str | None:
    """One channel's fee, today: current items, current remarks; None when not stated."""
    if fee.kind is FeeKind.amounts:
        items = [item for item in fee.items if not item.has_ended(today)]
        if not items:
            return messages.rates_ended(_shorten(clean(channel.fee), 300))
        lines = [_fee_item(item, today) for item in items[:6]]
        if len(items) > 6:
            lines.append(messages.more_rates(len(items) - 6))
        lines += [_remark(remark, today) for remark in fee.remarks]
        return "\n".join(line for line in lines if line)
    if fee.kind is FeeKind.regulation:
        head, note = split_fee_text(clean(channel.fee))
        quoted = _shorten(note or head, 300) if (note or head) else None
        return messages.fee_by_regulation(fee.references, quoted)
    if fee.kind is FeeKind.free:
        return messages.FREE
    if fee.kind is FeeKind.unclear:
        return messages.fee_as_written(_shorten(clean(channel.fee), 300))
    return None


def _remark(remark: FeeRemark, today: date) -> str | None:
    return None if remark.has_ended(today) else messages.fee_remark(remark.text)


def _channel_label(channel: SubmissionChannel) -> str:
    return messages.CHANNEL_LABELS.get(clean(channel.channel), clean(channel.channel).lower())


def _by_channel(
    values: list[tuple[SubmissionChannel, str]], label: str, channels: int
) -> str | None:
    """ "Lệ phí: X" when every channel says the same, else each value with its channels (also
    when some channels say nothing, so that X is not read as every channel's)."""
    if not values:
        return None
    channels_of: dict[str, list[str]] = {}
    for channel, value in values:
        channels_of.setdefault(value, []).append(_channel_label(channel))
    if len(channels_of) == 1 and len(values) == channels:
        value = values[0][1]
        if "\n" not in value:
            return f"{label}: {value}"
        return f"{label}:\n{bullets(value.splitlines())}"
    if all("\n" not in value for value in channels_of):
        parts = [f"{value} {messages.when(labels)}" for value, labels in channels_of.items()]
        return f"{label}: " + "; ".join(parts) + "."
    lines = [f"{label}:"]
    for value, labels in channels_of.items():
        lines.append(messages.when(labels).capitalize() + ":")
        lines.append(bullets(value.splitlines()))
    return "\n".join(lines)


def fee(procedure: ProcedureOut, today: date) -> str | None:
    fees = [(channel, structured_fee(channel)) for channel in procedure.channels]
    values = [
        (channel, text)
        for channel, fee in fees
        if (text := _fee_of_channel(channel, fee, today)) is not None
    ]
    text = _by_channel(values, messages.FEE, len(procedure.channels))
    council = any(fee.kind is FeeKind.amounts and COUNCIL in fee.references for _, fee in fees)
    return f"{text}\n{messages.COUNCIL_SETS_FEE}" if text and council else text


# -- times ------------------------------------------------------------------------------


def _time_of_channel(channel: SubmissionChannel) -> str | None:
    text = clean(channel.processing_time)
    if text and is_bare_number(text) and channel.time_unit:
        # The cell lost its unit; the import found it in the record's own time limits.
        return f"{text} {channel.time_unit.lower()} {messages.UNIT_FROM_TEXT}"
    if not text or is_bare_number(text):
        return None
    if channel.time_unit:
        text = text.replace(channel.time_unit, channel.time_unit.lower())
    return text


def _sentences_with(pattern: re.Pattern[str], texts: list[str], most: int = 1) -> list[str]:
    """The first sentences of the record's text that match, to quote as they are written."""
    found: list[str] = []
    for text in texts:
        for sentence in sentences(text):
            quoted = _shorten(sentence, 300)
            if pattern.search(sentence) and quoted not in found:
                found.append(quoted)
                if len(found) == most:
                    return found
    return found


_AMOUNT = re.compile(TIME_AMOUNT, re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,2}\s*tháng\s*\d{1,2}\b", re.IGNORECASE)  # "14 tháng 11 năm 2016"
# How long a result lasts, not how long it takes ("Giấy phép có thời hạn 05 năm"): the
# amount is not a time, the rest of the sentence may give one.
_VALIDITY = re.compile(
    r"\b(?:có (?:giá trị|hiệu lực|thời hạn)|thời hạn (?:sử dụng|hiệu lực))(?: sử dụng)?"
    rf"(?: trong| là)?\s*{TIME_AMOUNT}",
    re.IGNORECASE,
)


def _time_cases(procedure: ProcedureOut) -> list[str]:
    """The sentences of the channels' descriptions that give other times than the cells:
    the cases a cell sums up ("Nhận hồ sơ từ NLĐ…: Tối đa 03 ngày làm việc…")."""
    cells = {
        (c.processing_days, _unit(c.time_unit or ""))
        for c in procedure.channels
        if c.processing_days is not None
    }
    found: dict[str, bool] = {}  # each sentence with a time: whether it differs from the cells
    for channel in procedure.channels:
        for text in sentences(channel.description):
            amounts = {
                (float(m.group(1)), _unit(m.group(2)))
                for m in _AMOUNT.finditer(_VALIDITY.sub(" ", _DATE.sub(" ", text)))
            }
            if amounts:
                found.setdefault(text, bool(amounts - cells))
    if not any(found.values()):
        return []
    # At most three, those that differ first, said in the record's order.
    chosen = set(sorted(found, key=lambda text: not found[text])[:3])
    return [_shorten(text, 200) for text in found if text in chosen]


def _unit(unit: str) -> str:
    """ "Ngày làm việc" and "ngày" are days alike; "tháng" is not."""
    return unit.split()[0].lower() if unit.strip() else ""


def processing_time(procedure: ProcedureOut) -> str | None:
    """The time cell of each channel, with the other times their descriptions give; where no
    cell states it, the steps' own sentence."""
    values = [(c, text) for c in procedure.channels if (text := _time_of_channel(c))]
    cases = _time_cases(procedure)
    if values:
        cells = _by_channel(values, messages.PROCESSING_TIME, len(procedure.channels))
        return f"{cells}\n{messages.TIME_CASES}\n{bullets(cases)}" if cases else cells
    if cases:
        return f"{messages.TIME_FROM_DESCRIPTION}\n{bullets(cases)}"
    quoted = _sentences_with(TIME_LIMIT, procedure.steps)
    if quoted:
        return messages.time_from_steps(quoted[0])
    if any(is_bare_number(c.processing_time) for c in procedure.channels):
        return messages.TIME_WITHOUT_UNIT
    return None


# -- documents --------------------------------------------------------------------------


def _document_line(document: DossierDocument, limit: int | None) -> str:
    name = strip_marker(clean(document.name))
    if limit:
        first = re.split(r";\s|\s(?=\(?trường hợp\b)", name, maxsplit=1)[0]
        name = _shorten(first if len(first) >= 12 else name, limit)
    copies = stated_copies(clean(document.copies))
    extras = [copies] if copies else []
    if document.template and (not limit or len(clean(document.template)) <= 40):
        extras.insert(0, clean(document.template))
    return f"{name} ({'; '.join(extras)})" if extras else name


def _is_special(document: DossierDocument) -> bool:
    """A case's document or a note, not what everyone brings: shown behind "more"."""
    group = clean(document.group)
    if _CONDITIONAL.match(clean(document.name)):
        return True
    return bool(group) and not _COMMON_GROUP.match(group)


def documents(
    procedure: ProcedureOut,
    full: bool = False,
    room: int = FIRST_MESSAGE_CHARS,
    question: str | None = None,
) -> Answer | None:
    """The documents the question names, whole; then what everyone brings (at most eight,
    one screen); the cases behind "more"."""
    if not procedure.documents:
        return None
    if full:
        return Answer(_grouped(procedure.documents, limit=None))
    named = named_passages([d.name for d in procedure.documents], question or "", procedure.name)
    if named:
        lines = [_shorten(_document_line(procedure.documents[i], None), 300) for i in named]
        asked = f"{messages.ASKED_DOCUMENTS}\n{bullets(lines)}"
        rest = _listed_documents(procedure, max(room - len(asked) - 2, 300), frozenset(named))
        return Answer(f"{asked}\n\n{rest.text}".strip(), more=rest.more)
    return _listed_documents(procedure, room)


def _listed_documents(
    procedure: ProcedureOut, room: int, quoted: frozenset[int] = frozenset()
) -> Answer:
    """What everyone brings, but the ``quoted`` documents already shown above the list."""
    unquoted = [d for i, d in enumerate(procedure.documents) if i not in quoted]
    common = [d for d in unquoted if not _is_special(d)]
    # The quoted documents are some of what everyone brings: the list is the rest.
    common_quoted = any(not _is_special(procedure.documents[i]) for i in quoted)
    if not common and not common_quoted:
        cases = list(dict.fromkeys(clean(d.group) for d in procedure.documents if d.group))
        titles = [_shorten(case, 120) for case in cases if not _NOTE_GROUP.match(case)][:6]
        while len(messages.documents_by_case(bullets(titles))) > room and len(titles) > 1:
            titles.pop()
        return Answer(messages.documents_by_case(bullets(titles)), more=Facet.documents)
    shown: list[DossierDocument] = []
    for document in common[:FIRST_DOCUMENTS]:
        if len(_grouped([*shown, document], limit=160)) > room - 120:
            break
        shown.append(document)
    text = _grouped(shown, limit=160)
    if text and common_quoted:
        listed = text.removeprefix(messages.DOCUMENTS + "\n")
        text = f"{messages.OTHER_DOCUMENTS}\n{listed}"
    rest = len(procedure.documents) - len(shown) - len(quoted)
    if rest:
        cases = [
            _shorten(group, 90)
            for group in dict.fromkeys(clean(d.group) for d in unquoted if _is_special(d))
            if group and not _NOTE_GROUP.match(group)
        ]
        note = messages.more_documents(rest, cases[:5])
        if len(text) + len(note) + 2 > room:
            note = messages.more_documents(rest, [])
        text = f"{text}\n\n{note}" if text else note
    return Answer(text, more=Facet.documents if rest else None)


def _grouped(items: list[DossierDocument], limit: int | None) -> str:
    groups: dict[str | None, list[str]] = {}
    for document in items:
        groups.setdefault(clean(document.group) or None, []).append(_document_line(document, limit))
    if len(groups) == 1 and not limit:
        group, lines = next(iter(groups.items()))
        title = messages.documents_case(group) if group else messages.DOCUMENTS
        return f"{title}\n{bullets(lines)}"
    parts = []
    for group, lines in groups.items():
        title = messages.documents_case(group) if group else messages.DOCUMENTS
        parts.append(f"{title}\n{bullets(lines)}")
    return "\n\n".join(parts)


# -- the other facets -------------------------------------------------------------------


_AGENCY = re.compile(rf"\b{_AGENCIES}\b[^.,;:()\n]{{3,60}}")


def _agency_in_steps(procedure: ProcedureOut) -> str | None:
    """The body the steps name most often ("Cơ quan đăng ký kinh doanh cấp xã")."""
    found = [m.group(0).strip() for step in procedure.steps for m in _AGENCY.finditer(step)]
    if not found:
        return None
    counts: dict[str, int] = {}
    for name in found:
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda name: (counts[name], -found.index(name)))


def _where(procedure: ProcedureOut, profile: DeploymentProfile, place: str | None) -> str | None:
    lines = []
    if procedure.implementing_agency:
        lines.append(f"{messages.IMPLEMENTING_AGENCY}: {clean(procedure.implementing_agency)}")
    elif agency := _agency_in_steps(procedure):
        lines.append(messages.agency_from_steps(agency))
    if procedure.submission_address:
        lines.append(f"{messages.SUBMISSION_ADDRESS}: {clean(procedure.submission_address)}")
    channels = [_channel_label(c) for c in procedure.channels if clean(c.channel)]
    if channels:
        lines.append(f"{messages.CHANNELS}: {', '.join(dict.fromkeys(channels))}")
    # The steps often say where exactly ("nộp hồ sơ tại Cơ quan Quản lý xuất nhập cảnh",
    # "đến Công an cấp xã … không phụ thuộc vào nơi cư trú").
    submission = [
        sentence
        for sentence in _sentences_with(_SUBMISSION, procedure.steps, most=4)
        if not _NOT_WHERE.search(sentence)
    ][:2]
    if submission:
        lines.append(messages.submission_steps(submission))
    if not lines:
        return None
    levels = {level.lower() for level in procedure.levels}
    if "cấp xã" in levels and place and place.lower().startswith(("xã", "phường", "xa ", "phuong")):
        lines.append(messages.commune_level_here(place))
    elif "cấp tỉnh" in levels:
        lines.append(messages.province_level_here(profile))
    return "\n".join(lines)


def _online(procedure: ProcedureOut, profile: DeploymentProfile) -> str | None:
    if not procedure.channels:
        return None
    online = [c for c in procedure.channels if any(w in c.channel.lower() for w in _ONLINE)]
    if not online:
        channels = ", ".join(dict.fromkeys(_channel_label(c) for c in procedure.channels))
        return messages.not_online(channels)
    lines = [messages.online(profile)]
    for channel in online:
        if clean(channel.description):
            lines.append(_shorten(clean(channel.description), 400))
    return "\n".join(lines)


def _general(procedure: ProcedureOut, today: date) -> str:
    lines = []
    if procedure.levels:
        lines.append(f"{messages.LEVELS}: {', '.join(procedure.levels)}")
    if procedure.implementing_agency:
        lines.append(
            f"{messages.IMPLEMENTING_AGENCY}: {_shorten(clean(procedure.implementing_agency), 200)}"
        )
    if procedure.applicants:
        lines.append(f"{messages.APPLICANTS}: {_shorten(clean(procedure.applicants), 200)}")
    for part in (processing_time(procedure), fee(procedure, today)):
        if part and "\n" not in part and len(part) <= 200:
            lines.append(part)
    if procedure.documents:
        lines.append(messages.document_count(len(procedure.documents)))
    lines.append(messages.ASK_NEXT)
    return "\n".join(lines)


def _conditions_line(procedure: ProcedureOut) -> str | None:
    return f"{messages.CONDITIONS}: {clean(procedure.conditions)}" if procedure.conditions else None


def _conditions(procedure: ProcedureOut) -> str | None:
    parts = []
    if procedure.applicants:
        parts.append(f"{messages.ELIGIBLE_APPLICANTS}: {clean(procedure.applicants)}")
    if line := _conditions_line(procedure):
        parts.append(line)
    return "\n".join(parts) or None


def _deadline(procedure: ProcedureOut) -> str | None:
    """The record's sentences that set the citizen's deadline; where there are none, the
    conditions, which may state it in other words."""
    texts = [
        clean(procedure.conditions),
        *(clean(d.name) for d in procedure.documents),
        *(clean(step) for step in procedure.steps),
    ]
    if deadlines := citizen_deadlines(texts):
        return f"{messages.DEADLINES}:\n{bullets(deadlines)}"
    line = _conditions_line(procedure)
    return f"{messages.NO_DEADLINE_STATED}\n{line}" if line else None


def _steps(procedure: ProcedureOut, full: bool, room: int, question: str | None) -> Answer | None:
    """The steps; the sentences of them the question names first ("cả hai cùng có mặt")."""
    if not procedure.steps:
        return None
    steps = f"{messages.STEPS}:\n{numbered(procedure.steps)}"
    said = [sentence for step in procedure.steps for sentence in sentences(step)]
    positions = named_passages(said, question or "", procedure.name) if not full else []
    named = [said[i] for i in positions]
    if not named:
        return _screen(Facet.steps, steps, full, room)
    asked = f"{messages.ASKED_STEPS}\n{bullets([_shorten(s, 300) for s in named])}"
    rest = _screen(Facet.steps, steps, full, max(room - len(asked) - 2, 300))
    return Answer(f"{asked}\n\n{rest.text}", more=rest.more) if rest else Answer(asked)


def _screen(facet: Facet, text: str | None, full: bool, room: int) -> Answer | None:
    """A long facet cut at one screen, the rest behind "more"."""
    if text is None:
        return None
    if full or len(text) <= room:
        return Answer(text)
    cut = text[: room - 2].rsplit("\n", 1)[0]
    if len(cut) < room // 2:
        cut = _shorten(text, room - 2)
    return Answer(cut + "\n…", more=facet)


def facet_answer(
    procedure: ProcedureOut,
    facet: Facet,
    profile: DeploymentProfile,
    today: date,
    place: str | None = None,
    full: bool = False,
    room: int = FIRST_MESSAGE_CHARS,
    question: str | None = None,
) -> Answer | None:
    """The asked facet from the record's fields, or None when the record lacks it.

    ``room`` is what the facet may take of the first message unless ``full``; the
    ``question`` as typed (abbreviations spelled out) may name documents or a sentence of
    the steps to show first.
    """
    if facet is Facet.documents:
        return documents(procedure, full, room, question)
    if facet is Facet.general:
        return Answer(_general(procedure, today))
    if facet is Facet.fee:
        return _screen(facet, fee(procedure, today), full, room)
    if facet is Facet.processing_time:
        return _screen(facet, processing_time(procedure), full, room)
    if facet is Facet.where_to_submit:
        return _screen(facet, _where(procedure, profile, place), full, room)
    if facet is Facet.steps:
        return _steps(procedure, full, room, question)
    if facet is Facet.legal_basis:
        if not procedure.legal_bases:
            return None
        lines = [
            f"{clean(b.number)}: {clean(b.title)}" if b.number else clean(b.title)
            for b in procedure.legal_bases
        ]
        return _screen(facet, f"{messages.LEGAL_BASIS}:\n{bullets(lines)}", full, room)
    if facet is Facet.conditions:
        return _screen(facet, _conditions(procedure), full, room)
    if facet is Facet.deadline:
        return _screen(facet, _deadline(procedure), full, room)
    if facet is Facet.result:
        result = f"{messages.RESULT}: {clean(procedure.result)}" if procedure.result else None
        return _screen(facet, result, full, room)
    if facet is Facet.online_submission:
        return _screen(facet, _online(procedure, profile), full, room)
    raise ValueError(facet)


def answer(
    procedure: ProcedureOut,
    facets: list[Facet],
    profile: DeploymentProfile,
    today: date,
    place: str | None = None,
    first_mention: bool = True,
    full: bool = False,
    question: str | None = None,
) -> Answer:
    """The whole answer: which procedure (its full name once), each asked facet, the source."""
    name = _shorten(clean(procedure.name), 240) if first_mention else short_name(procedure.name)
    heading = messages.procedure_heading(name, procedure.code)
    source = messages.source_line(procedure.code, procedure.source, profile)
    room = max(FIRST_MESSAGE_CHARS - len(heading) - len(source) - 4, 400)
    bodies = []
    more: Facet | None = None
    for facet in facets:
        part = facet_answer(procedure, facet, profile, today, place, full, room, question)
        if part is None:
            bodies.append(messages.missing(facet, profile))
        else:
            bodies.append(part.text)
            more = more or part.more
    # Several facets go one to a message, the name with the first and the source with the
    # last, so that each message stays within a screen.
    parts = [f"{heading}\n\n{bodies[0]}", *bodies[1:]]
    parts[-1] = f"{parts[-1]}\n\n{source}"
    return Answer("\n\n".join([heading, *bodies, source]), more=more, messages=tuple(parts))
