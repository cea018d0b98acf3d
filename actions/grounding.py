"""The grounding audit: compose every facet's answer for every procedure and check it
against the record it came from (``tthc kb audit-answers``).

The checks read the record's text with their own simple patterns, not with the parser that
structured it, and never read what the parser added (a recovered unit, fee items), so that
a parser mistake shows up here instead of hiding behind itself:

- every amount, duration and date the answer states occurs in the record's own text, as
  whole words, and a duration not inside a date ("ngày 01 tháng 8" is not "1 tháng");
- a fee answer names an amount whenever a channel's fee text does (unless every rate has
  ended), and never calls free a channel whose text names an amount or a fee regulation;
- a time answer gives each number with its unit, or says the record does not state it;
- a deadline answer quotes sentences the record writes, word for word;
- the first documents message fits one screen (1,200 characters).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from actions import messages
from actions.answers import FIRST_MESSAGE_CHARS, answer, facet_answer
from actions.deployment import DeploymentProfile
from actions.facets import Facet
from knowledge_base.schemas import ProcedureOut
from vntext.normalization import fold_diacritics

_AMOUNT = re.compile(r"(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(triệu\s*)?(?:đồng|VNĐ|VND|đ\b)")
_RAW_AMOUNT = re.compile(
    r"(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(triệu|nghìn|ngàn)?\s*(?:/\s*[^\W\d_]{1,10}\s*)?"
    r"(?:Việt Nam Đồng|VNĐ|VND|vnđ|vnd|đồng|Đồng|đ(?![^\W\d_])|Đ(?![^\W\d_]))"
)
_UNITS = r"(?:ngày làm việc|ngày|giờ làm việc|giờ|tháng|năm|tuần|phút)"
_DURATION = re.compile(rf"(?<![\w.,/])(\d+)\s*{_UNITS}", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.,/:])\d+(?:[.,]\d+)*(?![\d/])")
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_RULE = re.compile(
    r"Thông tư|Nghị định|Nghị quyết|Quyết định|Hội đồng nhân dân|HĐND|Ủy ban nhân dân|UBND"
    r"|\d+/\d{4}/[A-ZĐ]"
    r"|theo quy định|Biểu (?:phí|mức)|mức thu",
)
_MULTIPLIERS = {"triệu": 1_000_000, "nghìn": 1_000, "ngàn": 1_000}
WORST = 5


@dataclass
class Finding:
    code: str
    facet: str
    detail: str


@dataclass
class AuditReport:
    procedures: int = 0
    answers: int = 0
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    longest_first_documents: int = 0

    CHECKS = (
        "amount not in the record",
        "duration not in the record",
        "date not in the record",
        "fee answer without the record's amount",
        "called free although the record names an amount or a fee regulation",
        "time without a unit",
        "deadline quote not in the record",
        "first documents message over 1,200 characters",
    )

    def flag(self, check: str, finding: Finding) -> None:
        self.counts[check] += 1
        self.findings.setdefault(check, []).append(finding)

    @property
    def clean(self) -> bool:
        return not any(self.counts[check] for check in self.CHECKS)

    def as_dict(self) -> dict:
        return {
            "procedures": self.procedures,
            "answers": self.answers,
            "counts": {check: self.counts[check] for check in self.CHECKS},
            "noted": {k: v for k, v in self.counts.items() if k not in self.CHECKS},
            "longest_first_documents_message": self.longest_first_documents,
            "worst": {
                check: [f.__dict__ for f in found[:WORST]] for check, found in self.findings.items()
            },
        }


def _value(number: str, multiplier: str | None) -> int:
    value = int(number.replace(".", "").replace(",", ""))
    return value * _MULTIPLIERS[multiplier.strip()] if multiplier else value


def _record_text(procedure: ProcedureOut) -> str:
    parts = [procedure.name, procedure.applicants, procedure.conditions, procedure.result]
    parts += procedure.steps
    parts += [procedure.implementing_agency, procedure.submission_address]
    for channel in procedure.channels:
        parts += [channel.fee, channel.processing_time, channel.description]
    for document in procedure.documents:
        parts += [document.name, document.template, document.copies, document.group]
    parts += [f"{b.number or ''} {b.title}" for b in procedure.legal_bases]
    return "\n".join(part for part in parts if part)


def _record_amounts(text: str) -> set[int]:
    return {_value(m.group(1), m.group(2)) for m in _RAW_AMOUNT.finditer(text)}


_WORDY_DATE = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?", re.IGNORECASE)


def _comparable(text: str) -> str:
    """Folded, single-spaced, leading zeros dropped, dates written in words blanked out."""
    folded = fold_diacritics(_WORDY_DATE.sub(" ", text)).lower()
    folded = re.sub(r"\((\d+)\)", r"\1", folded)  # "một (01) ngày" says "1 ngày"
    folded = re.sub(r"(\d)\s*\([a-z ]{1,12}\)", r"\1", folded)  # so does "01 (một) ngày"
    return re.sub(r"\b0+(?=\d)", "", re.sub(r"\s+", " ", folded))


_NUMBERS = re.compile(r"\d+")


def _dates(text: str) -> set[tuple[int, ...]]:
    """Every full date, "31/12/2026" or "ngày 31 tháng 12 năm 2026", as (day, month, year)."""
    found = {tuple(int(part) for part in m.group(0).split("/")) for m in _DATE.finditer(text)}
    for match in _WORDY_DATE.finditer(text):
        numbers = tuple(int(n) for n in _NUMBERS.findall(match.group(0)))
        if len(numbers) == 3:
            found.add(numbers)
    return found


def _names_amount(fee_text: str | None) -> bool:
    return bool(fee_text) and any(a >= 1000 for a in _record_amounts(fee_text or ""))


_FIGURE = re.compile(r"\d{1,3}(?:[.,]\d{3})+|\d{4,}")


def _names_rule(fee_text: str | None) -> bool:
    """A regulation, or a figure that may be a price even without a currency word."""
    text = _DATE.sub("", fee_text or "")
    return _RULE.search(text) is not None or _FIGURE.search(text) is not None


def _check_fee(report: AuditReport, procedure: ProcedureOut, body: str) -> None:
    if messages.RATES_ENDED in body:
        report.counts["noted: every rate of a channel has ended"] += 1
    stated = {_value(m.group(1), m.group(2)) for m in _AMOUNT.finditer(body)}
    named = any(_names_amount(channel.fee) for channel in procedure.channels)
    if named and not stated:
        report.flag(
            "fee answer without the record's amount", Finding(procedure.code, "fee", body[:300])
        )
    if messages.FREE in body:
        for channel in procedure.channels:
            priced = _names_amount(channel.fee) or _names_rule(channel.fee)
            if priced and messages.FREE in _free_line(body, channel.channel):
                report.flag(
                    "called free although the record names an amount or a fee regulation",
                    Finding(procedure.code, "fee", f"{channel.channel}: {channel.fee}"[:300]),
                )


def _free_line(body: str, channel: str) -> str:
    """The part of a fee answer about one channel (all of it when channels agree)."""
    label = messages.CHANNEL_LABELS.get(channel, channel.lower())
    if label not in body:
        return body
    return next((line for line in re.split(r"[;\n]", body) if label in line), body)


def _check_time(report: AuditReport, procedure: ProcedureOut, body: str) -> None:
    if body == messages.TIME_WITHOUT_UNIT:
        report.counts["noted: time stated as not stated"] += 1
        return
    # Each value ("3 ngày làm việc khi nộp trực tiếp; 5 ngày …") must open with a unit.
    value = body.split(":", 1)[-1]
    for segment in re.split(r"[;\n]", _DATE.sub("", value)):
        segment = segment.strip(" •")
        number = _NUMBER.match(segment)
        if number and not re.match(_UNITS, segment[number.end() :].lstrip(" ("), re.I):
            report.flag(
                "time without a unit", Finding(procedure.code, "processing_time", body[:300])
            )
            return


def _check_deadline(
    report: AuditReport, procedure: ProcedureOut, body: str, record: _Record
) -> None:
    if not body.startswith(messages.DEADLINES):
        report.counts["noted: no deadline stated, the conditions given"] += 1
        return
    for line in body.splitlines()[1:]:
        quote = line.removeprefix("• ").strip("…")
        if quote not in record.written:
            report.flag(
                "deadline quote not in the record", Finding(procedure.code, "deadline", quote)
            )


@dataclass
class _Record:
    """What a record's text says, read once for all its answers."""

    amounts: set[int]
    comparable: str
    dates: set[tuple[int, ...]]
    written: str  # the text as written, single-spaced: quotes are found in it

    @classmethod
    def of(cls, procedure: ProcedureOut) -> _Record:
        text = _record_text(procedure)
        return cls(
            amounts=_record_amounts(text),
            comparable=_comparable(text),
            dates=_dates(text),
            written=" ".join(text.split()),
        )

    def says(self, phrase: str) -> bool:
        """Whether the record writes this phrase as whole words."""
        return (
            re.search(rf"(?<![\w.,/]){re.escape(_comparable(phrase))}(?!\w)", self.comparable)
            is not None
        )


def _check_grounding(
    report: AuditReport, procedure: ProcedureOut, facet: Facet, text: str, record: _Record
) -> None:
    for match in _AMOUNT.finditer(text):
        if _value(match.group(1), match.group(2)) not in record.amounts:
            report.flag(
                "amount not in the record", Finding(procedure.code, facet.value, match.group(0))
            )
    for when in _dates(text) - record.dates:
        report.flag("date not in the record", Finding(procedure.code, facet.value, str(when)))
    for match in _DURATION.finditer(_WORDY_DATE.sub(" ", text)):
        if not record.says(match.group(0)):
            report.flag(
                "duration not in the record", Finding(procedure.code, facet.value, match.group(0))
            )


def audit(
    procedures: Iterable[ProcedureOut], profile: DeploymentProfile, today: date
) -> AuditReport:
    """Compose and check every facet's first answer for every procedure."""
    report = AuditReport()
    for procedure in procedures:
        report.procedures += 1
        record = _Record.of(procedure)
        for facet in Facet:
            text = answer(procedure, [facet], profile, today).text
            full = answer(procedure, [facet], profile, today, full=True).text
            report.answers += 1
            _check_grounding(report, procedure, facet, text, record)
            if full != text:
                _check_grounding(report, procedure, facet, full, record)
            part = facet_answer(procedure, facet, profile, today)
            if part is None:
                continue
            if facet is Facet.fee:
                _check_fee(report, procedure, part.text)
            elif facet is Facet.processing_time:
                _check_time(report, procedure, part.text)
            elif facet is Facet.deadline:
                _check_deadline(report, procedure, part.text, record)
            elif facet is Facet.documents:
                report.longest_first_documents = max(report.longest_first_documents, len(text))
                if len(text) > FIRST_MESSAGE_CHARS:
                    report.flag(
                        "first documents message over 1,200 characters",
                        Finding(procedure.code, "documents", f"{len(text)} characters"),
                    )
    return report
