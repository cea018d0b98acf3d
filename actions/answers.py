"""Answers to each kind of question, written only from the knowledge base's fields.

Nothing here knows a fee, a time limit or a document: every fact comes from the
procedure record. A field the record lacks is said to be missing, with the human channel,
never filled in. The words around the facts are in ``messages.py``.
"""

from __future__ import annotations

import re

from actions import messages
from actions.deployment import DeploymentProfile
from actions.facets import Facet
from knowledge_base.schemas import ProcedureOut
from vntext.chat_format import bullets, clean, numbered

_ONLINE = ("trực tuyến", "online", "dịch vụ công")
_SUBMISSION = re.compile(r"\bnộp\b[^.;]*\b(tại|ở|đến|cho|qua)\b", re.IGNORECASE)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


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
        title = messages.documents_case(group) if group else messages.DOCUMENTS
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
    return messages.per_channel(label) + "\n" + bullets([f"{c}: {value}" for c, value in values])


def _fee(procedure: ProcedureOut) -> str | None:
    return _per_channel(procedure, "fee", messages.FEE)


def _time(procedure: ProcedureOut) -> str | None:
    return _per_channel(procedure, "processing_time", messages.PROCESSING_TIME)


def _where(procedure: ProcedureOut, profile: DeploymentProfile, place: str | None) -> str | None:
    lines = []
    if procedure.implementing_agency:
        lines.append(f"{messages.IMPLEMENTING_AGENCY}: {clean(procedure.implementing_agency)}")
    if procedure.submission_address:
        lines.append(f"{messages.SUBMISSION_ADDRESS}: {clean(procedure.submission_address)}")
    channels = [clean(c.channel) for c in procedure.channels if clean(c.channel)]
    if channels:
        lines.append(f"{messages.CHANNELS}: {', '.join(dict.fromkeys(channels))}")
    submission_step = next((step for step in procedure.steps if _SUBMISSION.search(step)), None)
    if submission_step:
        # The steps often say where exactly ("nộp hồ sơ tại Cơ quan Quản lý xuất nhập cảnh").
        lines.append(messages.submission_step(_shorten(clean(submission_step), 600)))
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
        channels = ", ".join(dict.fromkeys(clean(c.channel) for c in procedure.channels))
        return messages.not_online(channels)
    lines = [messages.online(profile)]
    for channel in online:
        if clean(channel.description):
            lines.append(clean(channel.description))
    return "\n".join(lines)


def _general(procedure: ProcedureOut, profile: DeploymentProfile) -> str:
    lines = []
    if procedure.levels:
        lines.append(f"{messages.LEVELS}: {', '.join(procedure.levels)}")
    if procedure.implementing_agency:
        lines.append(f"{messages.IMPLEMENTING_AGENCY}: {clean(procedure.implementing_agency)}")
    if procedure.applicants:
        lines.append(f"{messages.APPLICANTS}: {clean(procedure.applicants)}")
    for part in (_time(procedure), _fee(procedure)):
        if part and "\n" not in part:
            lines.append(part)
    if procedure.documents:
        lines.append(messages.document_count(len(procedure.documents)))
    lines.append(messages.ASK_NEXT)
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
        return f"{messages.STEPS}:\n{numbered(procedure.steps)}" if procedure.steps else None
    if facet is Facet.legal_basis:
        if not procedure.legal_bases:
            return None
        lines = [
            f"{clean(b.number)}: {clean(b.title)}" if b.number else clean(b.title)
            for b in procedure.legal_bases
        ]
        return f"{messages.LEGAL_BASIS}:\n{bullets(lines)}"
    if facet is Facet.conditions:
        parts = []
        if procedure.applicants:
            parts.append(f"{messages.ELIGIBLE_APPLICANTS}: {clean(procedure.applicants)}")
        if procedure.conditions:
            parts.append(f"{messages.CONDITIONS}: {clean(procedure.conditions)}")
        return "\n".join(parts) or None
    if facet is Facet.result:
        return f"{messages.RESULT}: {clean(procedure.result)}" if procedure.result else None
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
    body = facet_body(procedure, facet, profile, place) or messages.missing(facet, profile)
    heading = messages.procedure_heading(clean(procedure.name), procedure.code)
    source = messages.source_line(procedure.code, procedure.portal_url, profile)
    return f"{heading}\n\n{body}\n\n{source}"
