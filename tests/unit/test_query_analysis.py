"""Reading a question: abbreviations, everyday words, diacritics restored, lexical tokens."""

from __future__ import annotations

import pytest

from knowledge_base.retrieval.lexicon import load_lexicon
from knowledge_base.retrieval.query import DiacriticsRestorer, QueryAnalyzer
from knowledge_base.retrieval.situation import FROM_14, UNDER_14, age_cases
from knowledge_base.retrieval.tokens import syllable_tokens
from knowledge_base.retrieval.views import IndexedProcedure, lexical_document

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


def test_a_malformed_word_list_line_is_reported(word_list_folder) -> None:
    (word_list_folder / "synonyms.tsv").write_text("cưới vợ đăng ký kết hôn\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"synonyms\.tsv:1"):
        load_lexicon(word_list_folder)


def test_an_abbreviation_is_not_read_into_a_word_with_diacritics(analyzer: QueryAnalyzer) -> None:
    assert "hỏng" in analyzer.analyze("xe máy cũ hỏng nát").text
    assert "không" in analyzer.analyze("xe may hong co giay to").text


def test_restoration_prefers_phrases_that_cover_every_word() -> None:
    restorer = DiacriticsRestorer(
        {"chung thuc": "chứng thực", "chung thuc hop": "chứng thực hợp", "hop dong": "hợp đồng"}
    )
    assert restorer.restore("chung thuc hop dong") == "chứng thực hợp đồng"


def test_an_ambiguous_lone_syllable_is_left_bare() -> None:
    restorer = DiacriticsRestorer.from_texts(
        ["hợp đồng", "hoạt động", "đóng cửa", "dòng họ", "đồng ý", "có", "có", "cơ"]
    )
    assert restorer.restore("dong co") == "dong có"


def test_a_long_story_keeps_its_request_sentences(analyzer: QueryAnalyzer) -> None:
    story = (
        "Em sinh bé được hơn một tháng, chồng em đi làm ăn xa chưa về được. Bà nội thì ốm "
        "nên không ai đi cùng. Giờ em muốn tự đi làm giấy khai sinh cho bé, cần mang gì ạ?"
    )
    analyzed = analyzer.analyze(story)
    assert analyzed.request_text.startswith("Giờ em muốn")
    assert "Bà nội" not in analyzed.request_text


def test_a_short_question_has_no_separate_request(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("làm giấy khai sinh cần gì").request_text == ""


def test_both_spellings_of_final_i_and_y_match() -> None:
    assert syllable_tokens("đăng kí lí lịch") == syllable_tokens("đăng ký lý lịch")
    assert "quy" in syllable_tokens("quy hoạch")


def test_abbreviations_in_a_name_are_spelled_out_for_lexical_search() -> None:
    procedure = IndexedProcedure(
        code="1.002759", name="Cấp lại thẻ BHYT", levels=[], field=None, keywords=[]
    )
    document = lexical_document(procedure, load_lexicon().abbreviations)
    assert "BHYT" in document and "bảo hiểm y tế" in document


def test_an_age_in_the_question_says_which_side_of_14_it_is() -> None:
    assert age_cases("làm căn cước cho con 10 tuổi") == {UNDER_14}
    assert age_cases("bé nhà em mới 6 tháng tuổi") == {UNDER_14}
    assert age_cases("con tôi 15 tuoi lam cccd") == {FROM_14}
    assert age_cases("làm căn cước mất bao lâu") == frozenset()
    assert age_cases("hai con 10 tuổi và 16 tuổi") == frozenset()
