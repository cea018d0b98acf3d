"""Answers to each kind of question, written only from the knowledge base's fields.

Nothing here knows a fee, a time limit or a document: every fact comes from the
procedure record. A field the record lacks is said to be missing, with the human channel,
never filled in.
"""

from __future__ import annotations

import re
from enum import Enum

from bot.chat_format import bullets, clean, numbered
from knowledge_base.deployment import DeploymentProfile
from knowledge_base.schemas import ProcedureOut


class Facet(str, Enum):
    general = "general"
    documents = "documents"
    fee = "fee"
    processing_time = "processing_time"
    where_to_submit = "where_to_submit"
    steps = "steps"
    legal_basis = "legal_basis"
    conditions = "conditions"
    result = "result"
    online_submission = "online_submission"


INTENT_FACETS: dict[str, Facet] = {
    "ask_procedure": Facet.general,
    "ask_documents": Facet.documents,
    "ask_fee": Facet.fee,
    "ask_processing_time": Facet.processing_time,
    "ask_where_to_submit": Facet.where_to_submit,
    "ask_steps": Facet.steps,
    "ask_legal_basis": Facet.legal_basis,
    "ask_conditions": Facet.conditions,
    "ask_result": Facet.result,
    "ask_online_submission": Facet.online_submission,
}

FACET_LABELS: dict[Facet, str] = {
    Facet.general: "thông tin chung",
    Facet.documents: "thành phần hồ sơ",
    Facet.fee: "phí, lệ phí",
    Facet.processing_time: "thời hạn giải quyết",
    Facet.where_to_submit: "nơi nộp hồ sơ",
    Facet.steps: "trình tự thực hiện",
    Facet.legal_basis: "căn cứ pháp lý",
    Facet.conditions: "yêu cầu, điều kiện",
    Facet.result: "kết quả giải quyết",
    Facet.online_submission: "cách nộp trực tuyến",
}

_ONLINE = ("trực tuyến", "online", "dịch vụ công")
_SUBMISSION = re.compile(r"\bnộp\b[^.;]*\b(tại|ở|đến|cho|qua)\b", re.IGNORECASE)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def heading(procedure: ProcedureOut) -> str:
    return f"Thủ tục: {clean(procedure.name)} (mã {procedure.code})"


def source_line(procedure: ProcedureOut, profile: DeploymentProfile) -> str:
    if procedure.portal_url:
        return f"Chi tiết trên Cổng dịch vụ công: {procedure.portal_url}"
    return (
        f"Chi tiết trên Cổng dịch vụ công quốc gia ({profile.national_portal_url}), "
        f"tìm theo mã {procedure.code}."
    )


def missing(facet: Facet, profile: DeploymentProfile) -> str:
    return (
        f"Cơ sở dữ liệu chưa có thông tin về {FACET_LABELS[facet]} của thủ tục này, nên tôi "
        f"không dám trả lời thay. Bạn vui lòng gọi tổng đài {profile.hotline} hoặc hỏi "
        f"{profile.service_centre} để được hướng dẫn chính xác."
    )


def _document_line(document) -> str:  # type: ignore[no-untyped-def]
    extras = [clean(x) for x in (document.template, document.copies) if clean(x)]
    return f"{clean(document.name)} ({'; '.join(extras)})" if extras else clean(document.name)


def _documents(procedure: ProcedureOut) -> str | None:
    if not procedure.documents:
        return None
    groups: dict[str | None, list[str]] = {}
    for document in procedure.documents:
        groups.setdefault(clean(document.group) or None, []).append(_document_line(document))
    parts = []
    for group, lines in groups.items():
        title = f"Trường hợp {group}:" if group else "Hồ sơ gồm:"
        parts.append(f"{title}\n{bullets(lines)}")
    return "\n\n".join(parts)


def _per_channel(procedure: ProcedureOut, attribute: str, label: str) -> str | None:
    """One line when every submission channel says the same, else one bullet per channel."""
    values = [
        (clean(channel.channel), clean(getattr(channel, attribute)))
        for channel in procedure.channels
        if clean(getattr(channel, attribute))
    ]
    if not values:
        return None
    if len({value for _, value in values}) == 1:
        return f"{label}: {values[0][1]}"
    return f"{label} theo cách nộp:\n" + bullets([f"{c}: {value}" for c, value in values])


def _fee(procedure: ProcedureOut) -> str | None:
    return _per_channel(procedure, "fee", "Phí, lệ phí")


def _time(procedure: ProcedureOut) -> str | None:
    return _per_channel(procedure, "processing_time", "Thời hạn giải quyết")


def _where(procedure: ProcedureOut, profile: DeploymentProfile, place: str | None) -> str | None:
    lines = []
    if procedure.implementing_agency:
        lines.append(f"Cơ quan thực hiện: {clean(procedure.implementing_agency)}")
    if procedure.submission_address:
        lines.append(f"Nơi tiếp nhận: {clean(procedure.submission_address)}")
    channels = [clean(c.channel) for c in procedure.channels if clean(c.channel)]
    if channels:
        lines.append(f"Cách nộp: {', '.join(dict.fromkeys(channels))}")
    submission_step = next((step for step in procedure.steps if _SUBMISSION.search(step)), None)
    if submission_step:
        # The steps often say where exactly ("nộp hồ sơ tại Cơ quan Quản lý xuất nhập cảnh").
        lines.append(f"Theo trình tự thực hiện: {_shorten(clean(submission_step), 600)}")
    if not lines:
        return None
    levels = {level.lower() for level in procedure.levels}
    if "cấp xã" in levels and place and place.lower().startswith(("xã", "phường", "xa ", "phuong")):
        lines.append(f"Với bạn ở {place}: đó là cơ quan cấp xã của {place}.")
    elif "cấp tỉnh" in levels:
        lines.append(f"Tại {profile.province}, hồ sơ cấp tỉnh nộp ở {profile.service_centre_line}.")
    return "\n".join(lines)


def _online(procedure: ProcedureOut, profile: DeploymentProfile) -> str | None:
    if not procedure.channels:
        return None
    online = [c for c in procedure.channels if any(w in c.channel.lower() for w in _ONLINE)]
    if not online:
        channels = ", ".join(dict.fromkeys(clean(c.channel) for c in procedure.channels))
        return (
            "Theo cơ sở dữ liệu, thủ tục này chưa có cách nộp trực tuyến. "
            f"Bạn có thể nộp theo cách: {channels}."
        )
    lines = [
        "Thủ tục này nộp trực tuyến được, trên Cổng dịch vụ công "
        f"({profile.portal_url} hoặc {profile.national_portal_url})."
    ]
    for channel in online:
        if clean(channel.description):
            lines.append(clean(channel.description))
    return "\n".join(lines)


def _general(procedure: ProcedureOut, profile: DeploymentProfile) -> str:
    lines = []
    if procedure.levels:
        lines.append(f"Cấp thực hiện: {', '.join(procedure.levels)}")
    if procedure.implementing_agency:
        lines.append(f"Cơ quan thực hiện: {clean(procedure.implementing_agency)}")
    if procedure.applicants:
        lines.append(f"Đối tượng: {clean(procedure.applicants)}")
    for part in (_time(procedure), _fee(procedure)):
        if part and "\n" not in part:
            lines.append(part)
    if procedure.documents:
        lines.append(f"Hồ sơ: {len(procedure.documents)} loại giấy tờ.")
    lines.append(
        "Bạn có thể hỏi tiếp: cần giấy tờ gì, lệ phí bao nhiêu, mất bao lâu, nộp ở đâu, "
        "các bước thực hiện."
    )
    return "\n".join(lines)


def facet_body(
    procedure: ProcedureOut,
    facet: Facet,
    profile: DeploymentProfile,
    place: str | None = None,
) -> str | None:
    """The asked facet from the record's fields, or None when the record lacks it."""
    if facet is Facet.general:
        return _general(procedure, profile)
    if facet is Facet.documents:
        return _documents(procedure)
    if facet is Facet.fee:
        return _fee(procedure)
    if facet is Facet.processing_time:
        return _time(procedure)
    if facet is Facet.where_to_submit:
        return _where(procedure, profile, place)
    if facet is Facet.steps:
        return f"Các bước thực hiện:\n{numbered(procedure.steps)}" if procedure.steps else None
    if facet is Facet.legal_basis:
        if not procedure.legal_bases:
            return None
        lines = [
            f"{clean(b.number)}: {clean(b.title)}" if b.number else clean(b.title)
            for b in procedure.legal_bases
        ]
        return f"Căn cứ pháp lý:\n{bullets(lines)}"
    if facet is Facet.conditions:
        parts = []
        if procedure.applicants:
            parts.append(f"Đối tượng thực hiện: {clean(procedure.applicants)}")
        if procedure.conditions:
            parts.append(f"Yêu cầu, điều kiện: {clean(procedure.conditions)}")
        return "\n".join(parts) or None
    if facet is Facet.result:
        return f"Kết quả: {clean(procedure.result)}" if procedure.result else None
    if facet is Facet.online_submission:
        return _online(procedure, profile)
    raise ValueError(facet)


def answer(
    procedure: ProcedureOut,
    facet: Facet,
    profile: DeploymentProfile,
    place: str | None = None,
) -> str:
    """The whole answer: which procedure, the facet (or that it is missing), the source."""
    body = facet_body(procedure, facet, profile, place) or missing(facet, profile)
    return f"{heading(procedure)}\n\n{body}\n\n{source_line(procedure, profile)}"
