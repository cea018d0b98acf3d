"""Word lists edited in the back-office: entries added over the built-in files, checked
before they are kept, removed with who removed them (each change in the audit log),
effective on save."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import WordListEntry
from knowledge_base.retrieval.lexicon import WORD_LISTS, default_lexicon, fold_key
from tthc.backoffice import audit_log

LABELS = {
    "abbreviations": "Từ viết tắt",
    "synonyms": "Cách nói thường ngày",
    "actions": "Hành động (cấp mới, cấp lại, đổi…)",
    "special_cases": "Trường hợp riêng (có yếu tố nước ngoài…)",
}
HINTS = {
    "abbreviations": ("gplx", "giấy phép lái xe"),
    "synonyms": ("bìa hồng", "giấy chứng nhận quyền sử dụng đất"),
    "actions": ("bị rách", "cấp lại"),
    "special_cases": ("người nước ngoài", "yếu tố nước ngoài"),
}


class WordListError(ValueError):
    """An entry that cannot be kept, with the reason (in Vietnamese)."""


def active(session: Session) -> list[WordListEntry]:
    return list(
        session.scalars(
            select(WordListEntry)
            .where(WordListEntry.removed_at.is_(None))
            .order_by(WordListEntry.word_list, WordListEntry.phrase)
        )
    )


def history(session: Session, limit: int = 200) -> list[WordListEntry]:
    return list(
        session.scalars(
            select(WordListEntry)
            .where(WordListEntry.removed_at.is_not(None))
            .order_by(WordListEntry.removed_at.desc())
            .limit(limit)
        )
    )


def built_in_counts() -> dict[str, int]:
    lexicon = default_lexicon()
    return {name: len(getattr(lexicon, name)) for name in WORD_LISTS}


def _audit(session: Session, by: str, action: str, entry: WordListEntry) -> None:
    audit_log.record(session, by, action, entry.word_list, f"{entry.phrase} → {entry.meaning}")


def add(session: Session, word_list: str, phrase: str, meaning: str, by: str) -> WordListEntry:
    phrase, meaning = " ".join(phrase.split()), " ".join(meaning.split())
    if word_list not in WORD_LISTS:
        raise WordListError("Không có danh sách này.")
    if not phrase or not meaning:
        raise WordListError("Cần cả cụm từ và nghĩa của nó.")
    if len(phrase) > 100 or len(meaning) > 200:
        raise WordListError("Cụm từ tối đa 100 ký tự, nghĩa tối đa 200 ký tự.")
    if fold_key(phrase) == fold_key(meaning):
        raise WordListError("Cụm từ và nghĩa giống nhau: không cần thêm.")
    if not any(c.isalpha() for c in phrase):
        raise WordListError("Cụm từ cần có chữ.")
    # A phrase has one meaning in the pair lists; several in actions and special cases.
    single = word_list in ("abbreviations", "synonyms")
    for entry in active(session):
        same = entry.word_list == word_list and fold_key(entry.phrase) == fold_key(phrase)
        if same and (single or fold_key(entry.meaning) == fold_key(meaning)):
            raise WordListError(f"“{entry.phrase}” đã có trong danh sách này.")
    entry = WordListEntry(word_list=word_list, phrase=phrase, meaning=meaning, added_by=by)
    session.add(entry)
    session.flush()
    _audit(session, by, "word list add", entry)
    return entry


def remove(session: Session, entry_id: int, by: str) -> WordListEntry:
    entry = session.get(WordListEntry, entry_id)
    if entry is None or entry.removed_at is not None:
        raise WordListError("Không có mục này.")
    entry.removed_by, entry.removed_at = by, datetime.now(UTC)
    _audit(session, by, "word list remove", entry)
    return entry


def restore(session: Session, entry_id: int, by: str) -> WordListEntry:
    """Add a removed entry again (its history stays)."""
    entry = session.get(WordListEntry, entry_id)
    if entry is None or entry.removed_at is None:
        raise WordListError("Không có mục này.")
    return add(session, entry.word_list, entry.phrase, entry.meaning, by)
