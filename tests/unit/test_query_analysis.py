"""Reading a question: abbreviations, everyday words, diacritics restored, lexical tokens."""

from __future__ import annotations

import pytest

from knowledge_base.retrieval.lexicon import load_lexicon
from knowledge_base.retrieval.query import DiacriticsRestorer, QueryAnalyzer
from knowledge_base.retrieval.tokens import syllable_tokens

pytestmark = pytest.mark.app

KB_WORDING = [
    "Thủ tục đăng ký kết hôn",
    "Thủ tục đăng ký khai sinh",
    "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên",
    "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
]


@pytest.fixture(scope="module")
def analyzer() -> QueryAnalyzer:
    lexicon = load_lexicon()
    restorer = DiacriticsRestorer.from_texts(KB_WORDING, preferred=lexicon.common_phrases)
    return QueryAnalyzer(restorer, lexicon)


def test_abbreviations_are_expanded(analyzer: QueryAnalyzer) -> None:
    assert "căn cước công dân" in analyzer.analyze("lam cccd mat bao lau").text


def test_everyday_words_become_official_terms(analyzer: QueryAnalyzer) -> None:
    analyzed = analyzer.analyze("cưới vợ cần giấy tờ gì")
    assert "đăng ký kết hôn" in analyzed.official_terms
    assert analyzed.dense_text.startswith("đăng ký kết hôn")


def test_everyday_words_match_without_diacritics(analyzer: QueryAnalyzer) -> None:
    assert "giấy chứng nhận quyền sử dụng đất" in " ".join(
        analyzer.analyze("lam so do het bao nhieu tien").official_terms
    )


def test_question_without_diacritics_gets_them_back(analyzer: QueryAnalyzer) -> None:
    analyzed = analyzer.analyze("dang ky khai sinh o dau")
    assert analyzed.typed_without_diacritics
    assert analyzed.dense_text == "đăng ký khai sinh ở đâu"


def test_words_typed_with_diacritics_are_kept(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("Đăng ký khai sinh").dense_text == "Đăng ký khai sinh"


def test_very_long_question_is_cut_to_a_bounded_length(analyzer: QueryAnalyzer) -> None:
    analyzed = analyzer.analyze("đăng ký khai sinh " * 2000)
    assert len(analyzed.text) <= 1_100


def test_lexical_tokens_ignore_diacritics_and_question_words() -> None:
    stopwords = load_lexicon().stopwords
    typed = syllable_tokens("dang ky ket hon can gi", stopwords)
    official = syllable_tokens("Đăng ký kết hôn", stopwords)
    assert set(official) <= set(typed)
    assert "gi" not in typed


def test_a_malformed_word_list_line_is_reported(tmp_path) -> None:
    for name in ("abbreviations.tsv", "synonyms.tsv"):
        (tmp_path / name).write_text("cccd\tcăn cước công dân\n", encoding="utf-8")
    (tmp_path / "stopwords.txt").write_text("cho\n", encoding="utf-8")
    (tmp_path / "common_phrases.txt").write_text("làm\n", encoding="utf-8")
    (tmp_path / "synonyms.tsv").write_text("cưới vợ đăng ký kết hôn\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"synonyms\.tsv:1"):
        load_lexicon(tmp_path)
