"""The action a question asks for, and the action each procedure performs.

Many procedures share an object and differ only by what is done to it: "Cấp lại giấy
phép lái xe", "Đổi giấy phép lái xe". Neither the embedding model nor BM25 weighs that one
verb much, so the citizen's "bằng lái hết hạn" lands on the wrong variant. The action is
read from both sides with the phrases of ``resources/actions.tsv``.
"""

from __future__ import annotations

from knowledge_base.retrieval.phrases import PhraseTagger
from vntext.normalization import fold_diacritics

FIRST_TIME = "mới"
# Actions are read from the first words of a name: later words describe the cases a
# procedure covers ("... trong các trường hợp chuyển đổi, chuyển nhượng"), not its action.
NAME_HEAD_WORDS = 6


def performed(tagger: PhraseTagger, name: str) -> frozenset[str]:
    """The actions of a procedure, from the head of its name; none named means first-time."""
    head = fold_diacritics(name.lower()).split("(")[0].removeprefix("thu tuc ")
    return tagger.tags(" ".join(head.split()[:NAME_HEAD_WORDS])) or frozenset({FIRST_TIME})


def agreement(asked: frozenset[str], performs: frozenset[str]) -> int:
    """+1 when the procedure does what the question asks, -1 when it does something else.

    A question that names no action wants the first-time procedure, not a replacement,
    change or cancellation.
    """
    if asked:
        return 1 if asked & performs else -1
    return 0 if FIRST_TIME in performs else -1
