"""Deadlines a citizen must meet, as the record's own sentences state them.

"Phải báo trong bao lâu" asks when the citizen must act (khai tử within 15 days of the
death, a lost passport reported within 2 working days), not how long the agency takes.
The portal has no field for it: the sentence sits in the conditions, a step or a
document's note. Such a sentence is quoted as written, never rephrased, and one that sets
the agency's time ("kể từ ngày nhận đủ hồ sơ", "Sở ... thẩm định") is not one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge_base.facts.durations import TIME_AMOUNT as _AMOUNT
from knowledge_base.facts.durations import sentences

_DEADLINE = re.compile(
    # "trong thời hạn 15 ngày kể từ ngày có người chết"
    rf"\btrong (?:thời hạn|vòng)\s*(?:không quá\s*)?{_AMOUNT}\s*,?\s*(?:\([^)]*\)\s*)?,?\s*"
    r"kể từ (?:ngày|khi|thời điểm)"
    # "chậm nhất 03 ngày làm việc trước ngày tạm ngừng"
    rf"|\bchậm nhất(?: là)?\s*(?:trong vòng\s*)?(?:sau\s*)?{_AMOUNT}\s*,?\s*(?:trước|sau|kể từ)"
    # "trước 23 giờ của ngày bắt đầu lưu trú"
    r"|\btrước\s*0*\d+\s*giờ\b"
    # "sau thời hạn ít nhất 6 tháng (kể từ ngày bị trừ hết điểm)"
    rf"|\b(?:trước|sau)(?: thời hạn)? ít nhất\s*{_AMOUNT}",
    re.IGNORECASE,
)
# The agency's own time limits and a document's validity are not the citizen's deadline.
_NOT_THE_CITIZENS = re.compile(
    r"nhận (?:được |đủ )*(?:hồ sơ|đơn|văn bản đề nghị|tờ khai)|tiếp nhận|hồ sơ hợp lệ"
    r"|hiệu lực|có giá trị|kể từ (?:ngày|khi) nhận|giải quyết|trả kết quả",
    re.IGNORECASE,
)
# An agency as the subject, first or after the time phrase: "Cục Đăng kiểm cấp ... trong
# thời hạn", "..., Cục Hàng không Việt Nam cấp ...".
_AGENCIES = (
    r"(?:cơ quan|ủy ban|ubnd|sở|phòng|bộ|cục|chi cục|công an|chủ tịch|hội đồng|cảng vụ|viện|"
    r"ngân hàng nhà nước|trưởng ban|trung tâm|văn phòng|người giải quyết|cơ sở đăng kiểm|"
    r"công chức|cán bộ|đoàn)\b"
)
_AGENCY_FIRST = re.compile(rf"^(?:[a-zđ]\)\s*)?{_AGENCIES}", re.IGNORECASE)
_AGENCY_ACTS = re.compile(rf"(?:,|\bthì)\s*(?:(?:các|một)\s+)?{_AGENCIES}", re.IGNORECASE)
MAX_CHARS = 300


def _around(sentence: str, start: int, end: int) -> str:
    """The sentence cut to 300 characters, keeping the deadline phrase in view."""
    if len(sentence) <= MAX_CHARS:
        return sentence
    head = ""
    if end > MAX_CHARS - 40:
        # The deadline comes late in a long sentence: keep what leads up to it.
        begin = sentence.rfind(" ", 0, max(end - MAX_CHARS + 60, start - 200, 0)) + 1
        sentence, head = sentence[begin:], "…"
    if len(sentence) > MAX_CHARS - len(head):
        sentence = sentence[: MAX_CHARS - len(head) - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return head + sentence


def citizen_deadlines(texts: Iterable[str], most: int = 3) -> list[str]:
    """The sentences of ``texts`` (conditions, document notes, steps, in the order given)
    that set a deadline for the citizen, each once, as written (around the deadline where
    a sentence is long)."""
    found: list[str] = []
    for text in texts:
        for sentence in sentences(text):
            deadline = _DEADLINE.search(sentence)
            if (
                deadline is None
                or _NOT_THE_CITIZENS.search(sentence)
                or _AGENCY_FIRST.search(sentence)
                or _AGENCY_ACTS.search(sentence, deadline.end())
            ):
                continue
            sentence = _around(sentence, deadline.start(), deadline.end())
            if sentence not in found:
                found.append(sentence)
            if len(found) == most:
                return found
    return found
