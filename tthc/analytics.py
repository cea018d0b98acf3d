"""What the assistant did over a period, from the turn records: the dashboard, the yearly
report and the open monthly statistics all read these figures.

Turns are read for the period and counted here rather than in SQL, so the figures are the
same on SQLite and PostgreSQL; a year of 100,000 turns takes well under a second. Days and
months are Vietnam's (UTC+7), as the province reports them.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Procedure, ServiceHeartbeat, Turn
from vntext.normalization import fold_diacritics

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
QUESTION_OUTCOMES = {"answered", "clarified", "not_found", "handed_off", "dossier"}
UNANSWERED = {"not_found", "handed_off"}
CHANNEL_LABELS = {"portal": "Cổng dịch vụ công", "zalo": "Zalo", "rest": "Tích hợp (REST)"}
OUTCOME_LABELS = {
    "answered": "Đã trả lời",
    "clarified": "Hỏi lại để chọn thủ tục",
    "not_found": "Chưa trả lời được",
    "handed_off": "Chuyển cán bộ",
    "dossier": "Tra cứu hồ sơ",
    "rated_good": "Đánh giá hữu ích",
    "rated_bad": "Đánh giá chưa đúng",
    "greeted": "Chào hỏi",
}


def question_key(question: str) -> str:
    """One question however it was typed: folded, lower case, single spaces."""
    return " ".join(fold_diacritics(question.lower()).split())


def questions_in(outcomes: Counter[str]) -> int:
    """The questions among counted outcomes (greetings and ratings are not questions)."""
    return sum(outcomes[o] for o in QUESTION_OUTCOMES)


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def period(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of ``start`` to the end of ``end``, in Vietnam."""
    return (
        datetime.combine(start, time.min, VIETNAM).astimezone(timezone.utc),
        datetime.combine(end + timedelta(days=1), time.min, VIETNAM).astimezone(timezone.utc),
    )


def in_vietnam(at: datetime) -> datetime:
    """A stored instant on Vietnam's clock (SQLite gives it back naive, in UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(VIETNAM)


def local_day(at: datetime) -> date:
    return in_vietnam(at).date()


def percentile(values: list[int], share: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Figures:
    start: date
    end: date
    turns: int = 0
    questions: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    per_day: dict[date, Counter[str]] = field(default_factory=dict)  # questions by channel
    per_month: dict[str, Counter[str]] = field(default_factory=dict)  # outcomes
    top_procedures: list[tuple[str, str, int]] = field(default_factory=list)
    top_fields: list[tuple[str, int]] = field(default_factory=list)
    top_unanswered: list[tuple[str, int]] = field(default_factory=list)
    latency_p95_ms: int | None = None
    days_with_questions: int = 0
    availability: float | None = None  # share of the minutes the assistant could answer
    availability_since: datetime | None = None

    @property
    def share_answered(self) -> float | None:
        return self.outcomes["answered"] / self.questions if self.questions else None

    @property
    def share_good(self) -> float | None:
        rated = self.outcomes["rated_good"] + self.outcomes["rated_bad"]
        return self.outcomes["rated_good"] / rated if rated else None


def availability(
    session: Session, since: datetime, until: datetime, every: float = 60.0
) -> tuple[float | None, datetime | None]:
    """The share of the minutes from the first heartbeat of the period to its end (or now)
    in which the assistant noted it could answer, and when that measurement starts."""
    beats = list(
        session.execute(
            select(ServiceHeartbeat.at, ServiceHeartbeat.engine)
            .where(ServiceHeartbeat.at >= since, ServiceHeartbeat.at < until)
            .order_by(ServiceHeartbeat.at)
        )
    )
    if not beats:
        return None, None
    first = in_vietnam(beats[0][0])
    end = min(until, datetime.now(timezone.utc))
    expected = max(1, round((end - first).total_seconds() / every))
    answering = sum(1 for _, engine in beats if engine in ("ok", "not-run"))
    return min(1.0, answering / expected), first


def figures(session: Session, start: date, end: date, top: int = 10) -> Figures:
    since, until = period(start, end)
    rows = session.execute(
        select(
            Turn.at, Turn.channel, Turn.outcome, Turn.procedure_code, Turn.question, Turn.latency_ms
        )
        .where(Turn.at >= since, Turn.at < until)
        .order_by(Turn.at)
    )
    result = Figures(start, end)
    procedures: Counter[str] = Counter()
    unanswered: Counter[str] = Counter()
    shown: dict[str, str] = {}
    latencies: list[int] = []
    per_day: dict[date, Counter[str]] = defaultdict(Counter)
    per_month: dict[str, Counter[str]] = defaultdict(Counter)
    for at, channel, outcome, code, question, latency in rows:
        result.turns += 1
        result.outcomes[outcome] += 1
        day = local_day(at)
        per_month[day.strftime("%Y-%m")][outcome] += 1
        if outcome not in QUESTION_OUTCOMES:
            continue
        result.questions += 1
        result.channels[channel] += 1
        per_day[day][channel] += 1
        if latency is not None:
            latencies.append(latency)
        if outcome == "answered" and code:
            procedures[code] += 1
        if outcome in UNANSWERED:
            key = question_key(question)
            unanswered[key] += 1
            shown.setdefault(key, question)
    result.per_day = dict(per_day)
    result.per_month = dict(per_month)
    result.days_with_questions = len(per_day)
    result.latency_p95_ms = percentile(latencies, 0.95)
    result.top_unanswered = [(shown[k], n) for k, n in unanswered.most_common(top)]
    known = {
        code: (name, field_name)
        for code, name, field_name in session.execute(
            select(Procedure.code, Procedure.name, Procedure.field).where(
                Procedure.code.in_(list(procedures))
            )
        )
    }
    result.top_procedures = [
        (code, known.get(code, (code, None))[0], n) for code, n in procedures.most_common(top)
    ]
    by_field: Counter[str] = Counter()
    for code, count in procedures.items():
        by_field[known.get(code, (None, None))[1] or "Không rõ lĩnh vực"] += count
    result.top_fields = by_field.most_common(top)
    result.availability, result.availability_since = availability(session, since, until)
    return result
