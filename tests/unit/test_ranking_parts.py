"""The parts hybrid search is composed of, each on its own: fusion, reranking of
variants, level ties and confidence."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.retrieval.confidence import TRUSTED, confidence
from knowledge_base.retrieval.fusion import by_maximum, candidate_pool, fuse, minmax
from knowledge_base.retrieval.lexicon import load_lexicon
from knowledge_base.retrieval.reranking import VariantTags, prefer_levels, rerank_variants
from knowledge_base.retrieval.results import SearchHit
from knowledge_base.retrieval.views import IndexedProcedure

pytestmark = pytest.mark.app

LEVELS = ("Cấp xã", "Cấp tỉnh", "Cấp bộ")


def procedure(code: str, name: str, field: str | None = None) -> IndexedProcedure:
    return IndexedProcedure(code=code, name=name, levels=[], field=field, keywords=[])


def hit(code: str, score: float, levels: list[str], dense: float = 0.9, lexical: float = 20.0):  # type: ignore[no-untyped-def]
    return SearchHit(code, "Đăng ký khai sinh", levels, None, score, dense, lexical)


def test_candidates_are_what_either_retriever_ranks_high() -> None:
    dense = np.array([0.9, 0.1, 0.2, 0.8], dtype=np.float32)
    lexical = np.array([0.0, 7.0, 0.0, 0.0], dtype=np.float32)
    assert candidate_pool(dense, lexical, per_retriever=1).tolist() == [0, 1]


def test_fusion_mixes_normalised_evidence_and_a_baseline_keeps_one_retriever() -> None:
    dense = np.array([0.80, 0.90, 0.85], dtype=np.float32)
    lexical = by_maximum(np.array([10.0, 0.0, 5.0], dtype=np.float32))
    assert fuse(dense, lexical, 0.5, "hybrid").tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert fuse(dense, lexical, 0.5, "dense") is dense
    assert fuse(dense, lexical, 0.5, "lexical").tolist() == [1.0, 0.0, 0.5]


def test_equal_evidence_normalises_to_all_or_nothing() -> None:
    assert minmax(np.array([0.4, 0.4])).tolist() == [1.0, 1.0]
    assert minmax(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]


def test_the_variant_doing_what_the_question_asks_gains_and_the_others_lose() -> None:
    procedures = [
        procedure("1", "Cấp giấy phép lái xe"),
        procedure("2", "Cấp lại giấy phép lái xe"),
        procedure("3", "Đổi giấy phép lái xe"),
    ]
    tags = VariantTags.of(procedures, load_lexicon())
    fused = np.array([0.8, 0.8, 0.8], dtype=np.float32)
    adjusted = rerank_variants(fused, np.arange(3), "bằng lái bị mất", tags, 0.1, 0.05)
    assert int(np.argmax(adjusted)) == 1
    assert adjusted[1] - adjusted[0] == pytest.approx(0.2)
    assert fused.tolist() == pytest.approx([0.8, 0.8, 0.8])  # the input is left as it was


def test_a_question_naming_no_action_prefers_the_first_time_procedure() -> None:
    procedures = [
        procedure("1", "Cấp lại giấy phép lái xe"),
        procedure("2", "Cấp giấy phép lái xe"),
    ]
    tags = VariantTags.of(procedures, load_lexicon())
    adjusted = rerank_variants(
        np.array([0.8, 0.8], dtype=np.float32), np.arange(2), "làm bằng lái xe", tags, 0.1, 0.05
    )
    assert int(np.argmax(adjusted)) == 1


def test_a_special_case_the_question_does_not_share_costs_its_weight() -> None:
    procedures = [
        procedure("1", "Đăng ký kết hôn"),
        procedure("2", "Đăng ký kết hôn có yếu tố nước ngoài"),
    ]
    tags = VariantTags.of(procedures, load_lexicon())
    fused = np.array([0.8, 0.8], dtype=np.float32)
    domestic = rerank_variants(fused, np.arange(2), "đăng ký kết hôn", tags, 0.1, 0.05)
    foreign = rerank_variants(fused, np.arange(2), "kết hôn với người nước ngoài", tags, 0.1, 0.05)
    assert domestic[0] > domestic[1] and foreign[1] > foreign[0]


def test_near_tied_variants_put_the_level_citizens_use_first() -> None:
    hits = [hit("tỉnh", 0.90, ["Cấp tỉnh"]), hit("xã", 0.88, ["Cấp xã"])]
    same = {"tỉnh": "đăng ký khai sinh", "xã": "đăng ký khai sinh"}
    assert [h.code for h in prefer_levels(hits, same, LEVELS, 0.03)] == ["xã", "tỉnh"]


def test_a_clear_lead_is_not_undone_by_level() -> None:
    hits = [hit("tỉnh", 0.90, ["Cấp tỉnh"]), hit("xã", 0.80, ["Cấp xã"])]
    same = {"tỉnh": "đăng ký khai sinh", "xã": "đăng ký khai sinh"}
    assert [h.code for h in prefer_levels(hits, same, LEVELS, 0.03)] == ["tỉnh", "xã"]


def test_different_procedures_are_not_reordered_by_level() -> None:
    hits = [hit("a", 0.90, ["Cấp tỉnh"]), hit("b", 0.89, ["Cấp xã"])]
    names = {"a": "đăng ký khai sinh", "b": "đăng ký kết hôn"}
    assert [h.code for h in prefer_levels(hits, names, LEVELS, 0.03)] == ["a", "b"]


def test_a_match_standing_out_and_sharing_rare_words_is_trusted() -> None:
    trust, _ = confidence(hit("a", 1.0, [], dense=0.90, lexical=30.0), 0.80, 2642, 0.03, 1.7)
    assert trust >= TRUSTED


def test_a_match_close_to_the_knowledge_base_at_large_is_not_trusted() -> None:
    trust, figures = confidence(hit("a", 1.0, [], dense=0.81, lexical=30.0), 0.80, 2642, 0.03, 1.7)
    assert trust < TRUSTED
    assert figures["margin"] == pytest.approx(0.01)


def test_a_match_sharing_only_common_words_is_not_trusted() -> None:
    trust, _ = confidence(hit("a", 1.0, [], dense=0.95, lexical=3.0), 0.80, 2642, 0.03, 1.7)
    assert trust < TRUSTED


def test_a_match_for_a_question_like_out_of_scope_examples_is_not_trusted() -> None:
    strong = hit("a", 1.0, [], dense=0.90, lexical=30.0)
    trust, figures = confidence(strong, 0.80, 2642, 0.03, 1.7, scope=-0.02)
    assert trust < TRUSTED
    assert figures["scope"] == -0.02


def test_a_question_like_in_scope_examples_keeps_its_trust() -> None:
    strong = hit("a", 1.0, [], dense=0.90, lexical=30.0)
    assert confidence(strong, 0.80, 2642, 0.03, 1.7, scope=0.05)[0] >= TRUSTED


def test_labelled_questions_like_this_one_vouch_for_a_match_sharing_few_rare_words() -> None:
    # "khoan giếng lấy nước" against "Đăng ký khai thác nước dưới đất": one rare word.
    paraphrase = hit("a", 0.9, [], dense=0.40, lexical=7.0)
    assert confidence(paraphrase, 0.05, 2642, 0.03, 1.2)[0] < TRUSTED
    trust, figures = confidence(paraphrase, 0.05, 2642, 0.03, 1.2, vouched=1.0)
    assert trust >= TRUSTED
    assert figures["evidence"] == pytest.approx(7.0 / np.log(2643) + 1.0, abs=1e-3)


def test_no_match_is_no_confidence() -> None:
    assert confidence(None, 0.8, 2642, 0.03, 1.7) == (0.0, {})


def test_an_age_under_14_prefers_the_card_for_children() -> None:
    procedures = [
        procedure("1", "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên"),
        procedure("2", "Cấp thẻ căn cước cho người dưới 14 tuổi"),
    ]
    tags = VariantTags.of(procedures, load_lexicon())
    fused = np.array([0.8, 0.8], dtype=np.float32)
    child = rerank_variants(fused, np.arange(2), "làm cccd cho con 10 tuổi", tags, 0.1, 0.05)
    adult = rerank_variants(fused, np.arange(2), "làm cccd cho mẹ 60 tuổi", tags, 0.1, 0.05)
    assert int(np.argmax(child)) == 1
    assert int(np.argmax(adult)) == 0


def test_a_citizen_who_names_no_organisation_gets_the_variant_for_households() -> None:
    procedures = [
        procedure("1", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu đối với tổ chức"),
        procedure("2", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu đối với hộ gia đình"),
    ]
    tags = VariantTags.of(procedures, load_lexicon())
    fused = np.array([0.8, 0.8], dtype=np.float32)
    citizen = rerank_variants(fused, np.arange(2), "làm sổ đỏ lần đầu", tags, 0.1, 0.05)
    company = rerank_variants(fused, np.arange(2), "công ty tôi xin sổ đỏ", tags, 0.1, 0.05)
    assert int(np.argmax(citizen)) == 1
    assert int(np.argmax(company)) == 0


def test_a_used_vehicle_prefers_the_change_of_owner() -> None:
    procedures = [
        procedure("1", "Đăng ký, cấp biển số xe lần đầu"),
        procedure("2", "Cấp chứng nhận đăng ký xe trong trường hợp thay đổi chủ xe"),
    ]
    tags = VariantTags.of(procedures, load_lexicon())
    fused = np.array([0.8, 0.8], dtype=np.float32)
    adjusted = rerank_variants(fused, np.arange(2), "mua xe cũ muốn sang tên", tags, 0.1, 0.05)
    assert int(np.argmax(adjusted)) == 1
