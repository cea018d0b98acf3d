"""Editable word lists: abbreviations, everyday synonyms, actions, special cases, stop-words.

They live in ``knowledge_base/resources/`` as plain text so that an administrator can add
"bìa hồng" or "gplx" without touching code; a deployment may point to its own folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vntext.normalization import fold_diacritics, normalize

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def fold_key(text: str) -> str:
    """The matching key of a phrase: normalised, lower case, without diacritics."""
    return " ".join(fold_diacritics(normalize(text).lower()).split())


def _read_lines(path: Path) -> Iterator[tuple[str, str]]:
    """The (matching key, meaning) of each ``phrase<TAB>meaning`` line; bad lines say where."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(f"{path}:{number}: expected 'phrase<TAB>meaning'")
        yield fold_key(parts[0]), normalize(parts[1])


def _read_pairs(path: Path) -> dict[str, str]:
    return dict(_read_lines(path))


def _read_multi(path: Path) -> dict[str, frozenset[str]]:
    """Pairs where a phrase may have several meanings, one line each."""
    meanings: dict[str, set[str]] = {}
    for key, meaning in _read_lines(path):
        meanings.setdefault(key, set()).add(meaning.strip())
    return {key: frozenset(values) for key, values in meanings.items()}


def _read_words(path: Path) -> frozenset[str]:
    return frozenset(
        fold_key(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


@dataclass(frozen=True)
class Lexicon:
    abbreviations: dict[str, str]
    synonyms: dict[str, str]
    stopwords: frozenset[str]
    actions: dict[str, frozenset[str]]
    special_cases: dict[str, frozenset[str]]
    common_phrases: tuple[str, ...] = ()

    @property
    def longest_synonym(self) -> int:
        return max((len(key.split()) for key in self.synonyms), default=1)


def load_lexicon(folder: Path = RESOURCES) -> Lexicon:
    return Lexicon(
        abbreviations=_read_pairs(folder / "abbreviations.tsv"),
        synonyms=_read_pairs(folder / "synonyms.tsv"),
        stopwords=_read_words(folder / "stopwords.txt"),
        actions=_read_multi(folder / "actions.tsv"),
        special_cases=_read_multi(folder / "special_cases.tsv"),
        common_phrases=tuple(
            normalize(line)
            for line in (folder / "common_phrases.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ),
    )


@lru_cache
def default_lexicon() -> Lexicon:
    return load_lexicon()
