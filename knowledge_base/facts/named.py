"""The passages of a record a question names: the document or the step it asks about.

A citizen asks "có phải làm giấy ủy quyền công chứng ko", not for the whole list; the
passages that share a pair of words with the question, other than words of asking and
of documents in general, are shown first and whole.
"""

from __future__ import annotations

import itertools
import re

from vntext.normalization import fold_diacritics, has_diacritics, normalize

# Syllables of asking, and of documents and steps in general: a pair with one of them
# names no particular passage ("nộp hồ sơ", "những giấy tờ", "bản sao", "làm thế nào");
# nor do these pairs.
_ASKING_AND_GENERIC = """
    giấy tờ hồ sơ bản mẫu đơn khai nộp mang cần phải làm đi xin gồm những các không ko
    k đc được gì nào đâu ở của và với thì là để trong theo cho về tại hoặc này đó cũng hay
    nếu khi chuẩn bị em anh chị mình tôi cháu ông bà mẹ bố ạ à ơi vậy nhé nhỉ mà
    thế như sao lần lại xong qua bước một
"""
_GENERIC_WORDS = frozenset(_ASKING_AND_GENERIC.split())
_GENERIC_PAIRS = frozenset(
    {
        "công chứng",
        "chứng thực",
        "đề nghị",
        "thành phần",
        "công dân",
        "nhân dân",
        "ủy ban",
        "cơ quan",
        "quy định",
        "pháp luật",
        "trường hợp",
        "thủ tục",
        "thực hiện",
        "trình tự",
        "quy trình",
        "kết quả",
    }
)
_FOLDED_WORDS = frozenset(map(fold_diacritics, _GENERIC_WORDS))
# Without diacritics "co mat" is also "có mất (tiền)".
_FOLDED_PAIRS = frozenset(map(fold_diacritics, _GENERIC_PAIRS)) | {"co mat"}
_SYLLABLE = re.compile(r"[^\W_]+")


def _syllables(text: str, folded: bool) -> list[str]:
    text = normalize(text).lower()
    return _SYLLABLE.findall(fold_diacritics(text) if folded else text)


# A question that asks whether ("có cần … không", "phải … ko", "được không"): only such a
# question asks about one passage; "làm hộ chiếu cần giấy tờ gì" asks for the whole list.
_YES_OR_NO = re.compile(
    r"\b(?:có|co|phải|phai|cần|can|được|duoc|đc|dc)\b.*\b(?:không|khong|ko|k|hông|hong|chưa|chua)\b"
)


def named_passages(
    passages: list[str], question: str, procedure_name: str = "", most: int = 2
) -> list[int]:
    """The positions of the passages a yes-or-no question names, in the record's order:
    those with a pair of the question's words that at most two of the passages have, so
    that words every passage shares name none of them ("có phải làm giấy ủy quyền không"
    names the văn bản ủy quyền among the documents). The procedure's own name names none
    ("gia hạn tạm trú" is in every step of it)."""
    folded = not has_diacritics(question)
    if not _YES_OR_NO.search(normalize(question).lower()):
        return []
    words, pairs = (_FOLDED_WORDS, _FOLDED_PAIRS) if folded else (_GENERIC_WORDS, _GENERIC_PAIRS)
    named_by_name = set(itertools.pairwise(_syllables(procedure_name, folded)))
    syllables = _syllables(question, folded)
    # A syllable of a general pair is general where it stands ("trình tự | thực hiện").
    general = [word in words for word in syllables]
    for i, pair in enumerate(itertools.pairwise(syllables)):
        if " ".join(pair) in pairs:
            general[i] = general[i + 1] = True
    asked = {
        f"{syllables[i]} {syllables[i + 1]}"
        for i in range(len(syllables) - 1)
        if not (general[i] or general[i + 1])
        and (syllables[i], syllables[i + 1]) not in named_by_name
    }
    texts = [f" {' '.join(_syllables(passage, folded))} " for passage in passages]
    named: set[int] = set()
    for pair in asked:
        having = [i for i, text in enumerate(texts) if f" {pair} " in text]
        if 1 <= len(having) <= 2:
            named.update(having)
    return sorted(named)[:most]
