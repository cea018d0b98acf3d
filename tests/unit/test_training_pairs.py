"""Training pairs: generated from the catalogue, plus the questions citizens wrote."""

from __future__ import annotations

from knowledge_base.retrieval.corpus import ProcedureText
from knowledge_base.retrieval.evaluation import LabelledQuestion
from knowledge_base.retrieval.lexicon import default_lexicon
from knowledge_base.retrieval.query import QueryAnalyzer
from knowledge_base.retrieval.training_pairs import training_pairs
from knowledge_base.retrieval.views import IndexedProcedure

TEXTS = [
    ProcedureText(
        IndexedProcedure(
            code="1.001193", name="Thủ tục đăng ký khai sinh", levels=["Cấp xã"],
            field="Hộ tịch", keywords=["làm giấy khai sinh"],
        ),
        result="Giấy khai sinh",
        applicants="Công dân Việt Nam",
    ),
    ProcedureText(
        IndexedProcedure(
            code="1.000656", name="Thủ tục đăng ký khai tử", levels=["Cấp xã"],
            field="Hộ tịch", keywords=["báo tử"],
        )
    ),
]  # fmt: skip
ASKED = LabelledQuestion(
    question="Bố tôi mới mất hôm qua, giờ làm giấy báo tử ở đâu ạ", gold=["1.000656"]
)


def pairs(**options):  # type: ignore[no-untyped-def]
    return training_pairs(TEXTS, QueryAnalyzer(), default_lexicon(), [ASKED], **options)


def test_a_question_people_wrote_counts_twice_first_as_typed() -> None:
    written = pairs(per_procedure=2, labelled_copies=2)[4:]
    assert len(written) == 2
    assert written[0].query == QueryAnalyzer().analyze(ASKED.question).dense_text
    assert {p.code for p in written} == {"1.000656"}


def test_one_copy_trains_on_the_question_once() -> None:
    assert len(pairs(per_procedure=2, labelled_copies=1)) == 2 * 2 + 1


def test_the_same_seed_gives_the_same_pairs() -> None:
    assert pairs(seed=7) == pairs(seed=7)
    assert pairs(seed=7) != pairs(seed=8)
