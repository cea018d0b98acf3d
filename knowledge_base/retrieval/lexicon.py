"""Editable word lists: abbreviations, everyday synonyms, actions, special cases, stop-words.

They live in ``knowledge_base/resources/`` as plain text so that an administrator can add
"bìa hồng" or "gplx" without touching code; a deployment may point to its own folder. The
entries editors add in the back-office (stored with the knowledge base) are merged over
them (``Lexicon.with_entries``) and take effect on save.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from vntext.normalization import fold_diacritics, normalize

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


# The lists editors may add to from the back-office: (list, phrase, meaning).
WORD_LISTS = ("abbreviations", "synonyms", "actions", "special_cases")
WordListEntry = tuple[str, str, str]


def fold_key(text: str) -> str:
    """The matching key of a phrase: normalised, lower case, without diacritics."""
    return " ".join(fold_diacritics(normalize(text).lower()).split())


def _read_entries(path: Path) -> list[tuple[str, str]]:
    """The (phrase as spelled, meaning) of each ``phrase<TAB>meaning`` line; bad lines say
    where."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(f"{path}:{number}: expected 'phrase<TAB>meaning'")
        entries.append((parts[0], normalize(parts[1])))
    return entries


def _read_pairs(path: Path) -> dict[str, str]:
    return {fold_key(phrase): meaning for phrase, meaning in _read_entries(path)}


def _multi(entries: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Pairs where a phrase may have several meanings, one line each."""
    meanings: dict[str, set[str]] = {}
    for phrase, meaning in entries:
        meanings.setdefault(fold_key(phrase), set()).add(meaning.strip())
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
    # The action phrases' words as spelled ("đổi"), which their folded keys lose: a message
    # typed with diacritics must spell them so ("đợi" is not "đổi").
    action_spellings: frozenset[str] = frozenset()

    @property
    def longest_synonym(self) -> int:
        return max((len(key.split()) for key in self.synonyms), default=1)

    def with_entries(self, entries: list[WordListEntry]) -> Lexicon:
        """This lexicon and the entries editors added in the back-office (which win over a
        built-in pair with the same phrase)."""
        if not entries:
            return self
        pairs = {"abbreviations": dict(self.abbreviations), "synonyms": dict(self.synonyms)}
        multi = {
            "actions": {k: set(v) for k, v in self.actions.items()},
            "special_cases": {k: set(v) for k, v in self.special_cases.items()},
        }
        for word_list, phrase, meaning in entries:
            key, value = fold_key(phrase), normalize(meaning)
            if word_list in pairs:
                pairs[word_list][key] = value
            elif word_list in multi:
                multi[word_list].setdefault(key, set()).add(value.strip())
            else:
                raise ValueError(f"no word list {word_list!r}")
        added_actions = [phrase for word_list, phrase, _ in entries if word_list == "actions"]
        return replace(
            self,
            action_spellings=self.action_spellings | _spellings(added_actions),
            abbreviations=pairs["abbreviations"],
            synonyms=pairs["synonyms"],
            actions={k: frozenset(v) for k, v in multi["actions"].items()},
            special_cases={k: frozenset(v) for k, v in multi["special_cases"].items()},
        )


def _spellings(phrases: list[str]) -> frozenset[str]:
    return frozenset(word for phrase in phrases for word in normalize(phrase).lower().split())


def load_lexicon(folder: Path = RESOURCES) -> Lexicon:
    actions = _read_entries(folder / "actions.tsv")
    return Lexicon(
        abbreviations=_read_pairs(folder / "abbreviations.tsv"),
        synonyms=_read_pairs(folder / "synonyms.tsv"),
        stopwords=_read_words(folder / "stopwords.txt"),
        actions=_multi(actions),
        action_spellings=_spellings([phrase for phrase, _ in actions]),
        special_cases=_multi(_read_entries(folder / "special_cases.tsv")),
        common_phrases=tuple(
            normalize(line)
            for line in (folder / "common_phrases.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ),
    )


@lru_cache
def default_lexicon() -> Lexicon:
    return load_lexicon()
