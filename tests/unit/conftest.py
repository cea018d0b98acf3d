"""Fixtures shared by the unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def word_list_folder(tmp_path: Path) -> Path:
    """A folder of valid, minimal word lists; a test overwrites the one it breaks."""
    for name in ("abbreviations.tsv", "synonyms.tsv", "actions.tsv", "special_cases.tsv"):
        (tmp_path / name).write_text("# none\n", encoding="utf-8")
    (tmp_path / "stopwords.txt").write_text("cho\n", encoding="utf-8")
    (tmp_path / "common_phrases.txt").write_text("làm\n", encoding="utf-8")
    return tmp_path
