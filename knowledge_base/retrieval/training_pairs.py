"""Questions paired with the procedure that answers them, generated from the catalogue, to
adapt the embedding model to how citizens name procedures.

Every procedure gives questions the way citizens write them: its name shortened and put
in the common question forms ("… cần giấy tờ gì", "lệ phí … bao nhiêu"), its everyday
names (keywords), what it produces ("muốn xin giấy chứng nhận …"), who asks ("công ty
em muốn …"); each is then typed the ways people type (no diacritics, abbreviations, a
dropped tone mark). Labelled questions (the development set, never a held-out one) are
added as they are. Each question is read by the same ``QueryAnalyzer`` search uses, so
the model learns from what it will be given: spelled-out abbreviations, restored
diacritics, the request sentences of a story.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge_base.retrieval.corpus import ProcedureText
from knowledge_base.retrieval.evaluation import LabelledQuestion
from knowledge_base.retrieval.lexicon import Lexicon, fold_key
from knowledge_base.retrieval.query import QueryAnalyzer
from knowledge_base.retrieval.views import IndexedProcedure, dense_views
from vntext.normalization import fold_diacritics

# How citizens ask about a procedure, "{}" standing for what they call it.
QUESTION_FORMS = (
    "{}",
    "thủ tục {}",
    "{} cần giấy tờ gì",
    "{} cần những gì",
    "hồ sơ {} gồm những gì",
    "làm {} ở đâu",
    "{} nộp ở đâu",
    "{} mất bao lâu",
    "{} bao lâu thì có kết quả",
    "lệ phí {} bao nhiêu",
    "{} có mất phí không",
    "muốn {} thì làm thế nào",
    "cho hỏi thủ tục {}",
    "tôi muốn {}",
    "em cần {} thì làm sao ạ",
    "{} có nộp online được không",
)
# Who asks, as they introduce themselves, by the applicants a procedure names.
ASKERS = {
    "cong dan": ("tôi", "em", "mình", "cá nhân tôi"),
    "ca nhan": ("tôi", "em", "cá nhân tôi"),
    "ho gia dinh": ("nhà tôi", "hộ gia đình tôi", "gia đình em"),
    "doanh nghiep": ("công ty em", "doanh nghiệp tôi", "bên công ty mình"),
    "to chuc": ("cơ quan tôi", "tổ chức của chúng tôi", "đơn vị tôi"),
    "nguoi nuoc ngoai": ("tôi là người nước ngoài", "người nước ngoài"),
    "hop tac xa": ("hợp tác xã của chúng tôi",),
}
_QUALIFIERS = re.compile(r"\s*\([^)]*\)")
_PROCEDURE_WORD = re.compile(r"^(thủ tục|tt)\s+", re.IGNORECASE)
_RESULT_END = re.compile(r"[.;:\n]|Mã:")


@dataclass(frozen=True)
class TrainingPair:
    """A question, a passage of the procedure answering it, and the procedures it must not
    be pushed away from (variants with the same name at other levels, other gold codes)."""

    query: str
    passage: str
    code: str
    accepted: frozenset[str]
    # Pairs of one group (the field) share batches, so their negatives are close ones.
    group: str


def family(procedure: IndexedProcedure) -> str:
    """Variants that differ only by level or a parenthesised qualifier share a family."""
    return fold_key(procedure.base_name)


def short_name(name: str) -> str:
    """The name as a citizen would say it: no "Thủ tục", no qualifiers, lower case."""
    name = _PROCEDURE_WORD.sub("", _QUALIFIERS.sub("", name).strip())
    words = name.split()
    return " ".join(words[:18]).lower()


class Typist:
    """Types a question the ways citizens do, reproducibly from its random generator."""

    def __init__(self, lexicon: Lexicon, rng: random.Random) -> None:
        self.rng = rng
        # Expansion → abbreviation, longest expansion first ("căn cước công dân" → "cccd").
        pairs = sorted(lexicon.abbreviations.items(), key=lambda kv: -len(kv[1]))
        self.abbreviations = [(fold_key(expansion), short) for short, expansion in pairs]

    def abbreviate(self, text: str) -> str:
        folded = fold_key(text)
        for expansion, short in self.abbreviations:
            if len(expansion.split()) > 1 and f" {expansion} " in f" {folded} ":
                # Keep the rest of the question as typed, the abbreviation in place.
                words = text.split()
                n = len(expansion.split())
                for i in range(len(words) - n + 1):
                    if fold_key(" ".join(words[i : i + n])) == expansion:
                        return " ".join([*words[:i], short, *words[i + n :]])
        return text

    def drop_a_mark(self, text: str) -> str:
        words = text.split()
        marked = [i for i, w in enumerate(words) if fold_diacritics(w) != w]
        if not marked:
            return text
        i = self.rng.choice(marked)
        words[i] = fold_diacritics(words[i])
        return " ".join(words)

    def type(self, text: str) -> str:
        roll = self.rng.random()
        if roll < 0.35:
            return fold_diacritics(text)
        if roll < 0.5:
            abbreviated = self.abbreviate(text)
            return fold_diacritics(abbreviated) if self.rng.random() < 0.5 else abbreviated
        if roll < 0.6:
            return self.drop_a_mark(text)
        return text


def _askers(applicants: str | None) -> list[str]:
    folded = fold_key(applicants or "")
    return [asker for key, askers in ASKERS.items() if key in folded for asker in askers]


def _result_phrase(result: str | None) -> str | None:
    if not result:
        return None
    head = _RESULT_END.split(result, maxsplit=1)[0].strip()
    words = head.split()
    if not 2 <= len(words) <= 14 or fold_key(head).startswith("khong co"):
        return None
    return head.lower()


def _names(text: ProcedureText) -> list[str]:
    """What citizens call the procedure: its short name and its everyday names."""
    names = [short_name(text.procedure.name)]
    names += [k.lower() for k in text.procedure.keywords[:4]]
    return [n for n in dict.fromkeys(names) if n]


def questions_for(text: ProcedureText, rng: random.Random, per_procedure: int) -> list[str]:
    """Questions a citizen could ask that this procedure answers, before typing."""
    names = _names(text)
    questions = [rng.choice(QUESTION_FORMS).format(name) for name in names]
    result = _result_phrase(text.result)
    if result:
        questions.append(
            rng.choice(("muốn xin {}", "làm {} ở đâu", "cấp {} cần gì")).format(result)
        )
    askers = _askers(text.applicants)
    if askers:
        questions.append(f"{rng.choice(askers)} muốn {names[0]}")
    while len(questions) < per_procedure:
        questions.append(rng.choice(QUESTION_FORMS).format(rng.choice(names)))
    rng.shuffle(questions)
    return questions[:per_procedure]


def training_pairs(
    texts: Sequence[ProcedureText],
    analyzer: QueryAnalyzer,
    lexicon: Lexicon,
    labelled: Iterable[LabelledQuestion] = (),
    per_procedure: int = 4,
    seed: int = 13,
    labelled_copies: int = 2,
) -> list[TrainingPair]:
    """Pairs for every procedure, then ``labelled_copies`` for every labelled in-scope
    question; the same inputs and seed give the same pairs."""
    rng = random.Random(seed)
    typist = Typist(lexicon, rng)
    families: dict[str, set[str]] = {}
    for text in texts:
        families.setdefault(family(text.procedure), set()).add(text.procedure.code)
    by_code = {text.procedure.code: text.procedure for text in texts}

    def accepted(codes: Iterable[str]) -> frozenset[str]:
        return frozenset(member for code in codes for member in families[family(by_code[code])])

    def read(question: str) -> str:
        return analyzer.analyze(question).embedded_text

    pairs = []
    for text in texts:
        procedure = text.procedure
        views = dense_views(procedure)
        for question in questions_for(text, rng, per_procedure):
            pairs.append(
                TrainingPair(
                    query=read(typist.type(question)),
                    passage=rng.choice(views),
                    code=procedure.code,
                    accepted=accepted([procedure.code]),
                    group=procedure.field or "",
                )
            )
    for item in labelled:
        gold = [code for code in item.gold if code in by_code]
        if not gold:
            continue
        for copy in range(labelled_copies):
            # A question people wrote teaches more than a generated one: it counts again,
            # retyped the way the generated ones are (about 4 in 10 come back changed: no
            # diacritics, abbreviated, a dropped mark).
            question = item.question if copy == 0 else typist.type(item.question)
            code = rng.choice(gold)
            pairs.append(
                TrainingPair(
                    query=read(question),
                    passage=rng.choice(dense_views(by_code[code])),
                    code=code,
                    accepted=accepted(gold),
                    group=by_code[code].field or "",
                )
            )
    return [pair for pair in pairs if pair.query]
