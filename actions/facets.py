"""The kinds of question a citizen asks about a procedure, and the intents that ask them."""

from __future__ import annotations

import re
from enum import Enum

from vntext.normalization import fold_diacritics, has_diacritics


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


# Words that ask for a facet, as citizens type them; each also matches typed without
# diacritics when the whole message is. "online" is a way of doing it, not a question of
# its own, unless nothing else is asked ("làm online thì mất phí bao nhiêu" asks the fee).
FACET_CUES: dict[Facet, tuple[str, ...]] = {
    Facet.fee: (
        "lệ phí",
        "phí",
        "mất tiền",
        "tốn tiền",
        "bao nhiêu tiền",
        "hết bao nhiêu",
        "chi phí",
        "mất bao nhiêu",
        "đóng tiền",
        "nộp tiền",
        "miễn phí",
        "bn tiền",
        "tiền",
    ),
    Facet.processing_time: (
        "bao lâu",
        "mấy ngày",
        "bao nhiêu ngày",
        "mấy hôm",
        "thời hạn",
        "thời gian giải quyết",
        "khi nào có",
        "bao giờ có",
        "bao giờ xong",
        "khi nào xong",
        "mất mấy",
        "lâu không",
        "mấy tuần",
        "bao lâu thì",
        "trong bao lâu",
    ),
    Facet.where_to_submit: (
        "ở đâu",
        "chỗ nào",
        "nơi nào",
        "nộp đâu",
        "làm đâu",
        "đến đâu",
        "cơ quan nào",
        "chỗ nào nhận",
        "nơi nộp",
        "nộp tại",
        "đi đâu",
    ),
    Facet.documents: (
        "giấy tờ",
        "cần gì",
        "hồ sơ gì",
        "hồ sơ gồm",
        "hồ sơ cần",
        "chuẩn bị gì",
        "mang gì",
        "cần những gì",
        "thành phần hồ sơ",
        "hs gì",
        "cần mang",
        "cần chuẩn bị",
    ),
    Facet.steps: (
        "các bước",
        "quy trình",
        "trình tự",
        "làm thế nào",
        "làm như thế nào",
        "cách làm",
        "làm sao",
        "thủ tục thế nào",
        "làm ntn",
    ),
    Facet.legal_basis: (
        "căn cứ",
        "văn bản pháp",
        "luật nào",
        "nghị định nào",
        "thông tư nào",
        "quy định nào",
    ),
    Facet.conditions: ("điều kiện", "ai được", "đối tượng", "có được không", "yêu cầu gì"),
    Facet.result: ("nhận được gì", "kết quả là gì", "được cấp gì", "nhận lại gì"),
    Facet.online_submission: (
        "online",
        "trực tuyến",
        "qua mạng",
        "trên mạng",
        "dịch vụ công",
        "vneid",
        "onl",
    ),
}


def _cue_pattern(cues: tuple[str, ...], folded: bool) -> re.Pattern[str]:
    words = sorted({fold_diacritics(c) if folded else c for c in cues}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")


_CUES = {facet: _cue_pattern(cues, folded=False) for facet, cues in FACET_CUES.items()}
_FOLDED_CUES = {facet: _cue_pattern(cues, folded=True) for facet, cues in FACET_CUES.items()}


def cued_facets(text: str) -> list[Facet]:
    """The facets a message's words ask for, in the order the message asks them."""
    lowered = text.lower()
    patterns = _CUES if has_diacritics(lowered) else _FOLDED_CUES
    found = [(m.start(), facet) for facet, p in patterns.items() if (m := p.search(lowered))]
    return [facet for _, facet in sorted(found, key=lambda pair: pair[0])]


def asked_facets(text: str, intent_facet: Facet | None) -> list[Facet]:
    """Every facet a message asks: the intent's, or several when the words ask several.

    The intent classifier gives one kind of question per message; the words settle
    "phí bao nhiêu, mấy ngày xong" (two) and "online" in a fee question (the fee).
    """
    cued = cued_facets(text)
    specific = [facet for facet in cued if facet is not Facet.online_submission]
    if len(specific) >= 2:
        if intent_facet in specific or intent_facet in (None, Facet.general):
            return specific[:3]
        return [intent_facet, *specific][:3]
    if specific and intent_facet in (None, Facet.general, Facet.online_submission):
        return specific
    if intent_facet in (None, Facet.general) and cued:
        return cued
    return [intent_facet or Facet.general]
