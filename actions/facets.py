"""The kinds of question a citizen asks about a procedure, and the intents that ask them."""

from __future__ import annotations

import re
from enum import Enum

from vntext.normalization import fold_diacritics, has_diacritics, normalize


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
    deadline = "deadline"  # by when the citizen must act ("phải báo trong bao lâu")


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
# diacritics when the whole message is, except "phí", which is "phi nông nghiệp" without
# its mark. Money alone is not a fee ("phạt tiền"). "online" is a way of doing it, not a
# question of its own, unless nothing else is asked ("làm online thì mất phí bao nhiêu").
FACET_CUES: dict[Facet, tuple[str, ...]] = {
    Facet.fee: (
        "lệ phí",
        "mất phí",
        "tốn phí",
        "chi phí",
        "phí bao nhiêu",
        "phí là bao nhiêu",
        "phí gì",
        "mất tiền",
        "tốn tiền",
        "bao nhiêu tiền",
        "hết bao nhiêu",
        "đóng tiền",
        "nộp tiền",
        "miễn phí",
        "bn tiền",
        "lệ fí",
        "tốn bao nhiêu",
        "mất bao nhiêu tiền",
    ),
    Facet.processing_time: (
        "bao lâu",
        "mấy ngày",
        "bao nhiêu ngày",
        "bn ngày",
        "mấy hôm",
        "thời hạn giải quyết",
        "thời gian giải quyết",
        "khi nào có",
        "bao giờ có",
        "bao giờ xong",
        "khi nào xong",
        "lâu không",
        "mấy tuần",
        "bao lâu thì",
        "trong bao lâu",
        "bn lâu",
        "mất mấy ngày",
    ),
    Facet.where_to_submit: (
        "ở đâu",
        "chỗ nào",
        "nơi nào",
        "nộp đâu",
        "làm đâu",
        "cơ quan nào",
        "nơi nộp",
        "đi đâu",
        "ở chỗ nào",
    ),
    Facet.documents: (
        "giấy tờ gì",
        "giấy tờ nào",
        "cần những giấy tờ",
        "những giấy tờ",
        "cần gì",
        "hồ sơ gì",
        "hồ sơ gồm",
        "hồ sơ cần",
        "hs gồm",
        "hs gì",
        "chuẩn bị gì",
        "mang gì",
        "cần những gì",
        "gồm những gì",
        "thành phần hồ sơ",
        "cần mang",
        "cần chuẩn bị",
        "mẫu nào",
        "mẩu nào",
        "tờ khai nào",
        "mẫu đơn",
        "cần giấy",
        # Someone else going instead: what they must bring is a document question ("ủy
        # quyền" alone may be the procedure: "chứng thực chữ ký trên giấy ủy quyền").
        *(
            f"{verb} {paper}ủy quyền"
            for verb in ("làm", "cần", "có", "phải")
            for paper in ("giấy ", "văn bản ", "")
        ),
        *(
            f"{paper}ủy quyền {verb}"
            for verb in ("có", "cần", "phải")
            for paper in ("giấy ", "văn bản ")
        ),
        "nhờ người",
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
        "bước đầu tiên",
    ),
    Facet.legal_basis: (
        "căn cứ pháp lý",
        "căn cứ vào",
        "văn bản pháp",
        "luật nào",
        "nghị định nào",
        "thông tư nào",
        "quy định ở đâu",
        "văn bản nào",
    ),
    Facet.conditions: (
        "điều kiện gì",
        "điều kiện để",
        "cần điều kiện",
        "ai được",
        "đối tượng nào",
    ),
    # A deadline the citizen must meet, not the processing time; the phrases that need a
    # pattern ("phải báo trong bao lâu", "hạn là bao lâu") are in _DEADLINE_QUESTION.
    Facet.deadline: (
        "báo trước",
        "trước mấy",
        "trc mấy",
        "trước bao lâu",
        "trước bao nhiêu ngày",
        "chậm nhất",
        "hạn chót",
        "trễ hạn",
    ),
    Facet.result: (
        "nhận được gì",
        "kết quả là gì",
        "được cấp gì",
        "nhận lại gì",
        "nhận được giấy",
        "được cấp giấy gì",
        "cấp giấy gì",
        "nhận giấy gì",
        "nhận giấy tờ gì",
    ),
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
# Cues that typed without diacritics are other words, counted only with diacritics: "phi"
# (phi nông nghiệp), "tre" (trẻ em), "muon" (muốn), "co mat" (có mất tiền).
_MARKED_ONLY_CUES: dict[Facet, tuple[str, ...]] = {
    Facet.fee: ("phí",),
    # Who must come in person is said in the steps ("có mặt tiền" is a shopfront).
    Facet.steps: ("cùng có mặt", "phải có mặt", "có mặt không", "có mặt ko", "có mặt hay"),
    Facet.deadline: ("làm trễ", "đi trễ", "báo trễ", "báo muộn", "đăng ký muộn", "đăng ký trễ"),
}
for _facet, _cues in _MARKED_ONLY_CUES.items():
    FACET_CUES[_facet] += _cues
_MARKED_ONLY = frozenset(cue for cues in _MARKED_ONLY_CUES.values() for cue in cues)

_HOW_LONG = r"(?:bao lâu|bn|mấy|bao nhiêu|khi nào)"
_UNIT = r"(?: ngày| giờ| tiếng| tháng| hôm| tuần)"
# The agency's time, whichever deadline words come first: "… trong mấy ngày thì có".
_NOT_THEN_RESULT = rf"(?!{_UNIT}? thì (?:có|xong|được|nhận|lấy))"


def _deadline_question(folded: bool) -> str:
    """ "hạn là bao lâu" but not "thời hạn giải quyết là bao lâu"; "phải báo trong bao
    lâu", "phải đk ... trong vòng bn ngày", "bao lâu thì phải đăng ký", but not "phải chờ
    trong bao lâu" nor "trong bao lâu thì có" (the processing time). Without diacritics
    "chờ", "đợi" are "cho", "doi" (also "đổi"): no exception is made for them there."""
    waiting = "" if folded else r"(?!(?:mất |ngồi )?(?:chờ|đợi)\b)"
    pattern = (
        rf"(?<!thời )(?<!hết )(?<!còn )(?<!gia )hạn (?:là |chót |cuối |cuối cùng "
        rf"|(?:nộp|báo|đăng ký|khai|làm) (?:là )?)?{_HOW_LONG}{_NOT_THEN_RESULT}"
        rf"|thời hạn phải(?: [^.?!]{{0,30}}?{_HOW_LONG}{_UNIT}?)?"
        rf"|phải {waiting}[^.?!]{{0,60}}?trong (?:vòng |thời hạn )?{_HOW_LONG}"
        rf"{_NOT_THEN_RESULT}{_UNIT}?"
        rf"|(?:trong |sau )?{_HOW_LONG}{_UNIT}? (?:thì |là )?phải\b"
        rf"|(?:báo |thông báo )?(?:trước|trc) (?:bao lâu|(?:mấy|bao nhiêu|bn){_UNIT})"
        rf"|chậm nhất (?:là )?{_HOW_LONG}{_NOT_THEN_RESULT}{_UNIT}?"
    )
    return fold_diacritics(pattern) if folded else pattern


def _cue_pattern(facet: Facet, cues: tuple[str, ...], folded: bool) -> re.Pattern[str]:
    kept = [c for c in cues if not (folded and c in _MARKED_ONLY)]
    words = sorted({fold_diacritics(c) if folded else c for c in kept}, key=len, reverse=True)
    alternatives = list(map(re.escape, words))
    if facet is Facet.deadline:
        # First: at one place, the whole question wins over a cue it starts with.
        alternatives.insert(0, _deadline_question(folded))
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


_CUES = {facet: _cue_pattern(facet, cues, folded=False) for facet, cues in FACET_CUES.items()}
_FOLDED_CUES = {facet: _cue_pattern(facet, cues, folded=True) for facet, cues in FACET_CUES.items()}


def cued_facets(text: str) -> list[Facet]:
    """The facets a message's words ask for, in the order the message asks them.

    A cue inside a longer cue of another facet does not count ("nhận được giấy tờ gì" asks
    for the result, not the documents).
    """
    lowered = normalize(text).lower()
    patterns = _CUES if has_diacritics(lowered) else _FOLDED_CUES
    spans = [(m.start(), m.end(), f) for f, p in patterns.items() for m in p.finditer(lowered)]
    kept = [
        (start, facet)
        for start, end, facet in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    ]
    return list(dict.fromkeys(facet for _, facet in sorted(kept, key=lambda pair: pair[0])))


def asked_facets(text: str, intent_facet: Facet | None) -> list[Facet]:
    """Every facet a message asks, from its words; the intent's when the words name none.

    The intent classifier gives one kind of question per message and is swayed by the
    topic's words ("luật sư" reads as a legal question); the question words settle it, and
    ask for several facets at once ("phí bao nhiêu, mấy ngày xong").
    """
    cued = cued_facets(text)
    specific = [facet for facet in cued if facet is not Facet.online_submission]
    if specific:
        return specific[:3]
    if intent_facet in (None, Facet.general) and cued:
        return cued
    return [intent_facet or Facet.general]
