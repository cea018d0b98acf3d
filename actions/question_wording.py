"""Telling the question words of a message from the procedure it names.

"mất bao lâu?" names no procedure: it is a follow-up about the one under discussion.
"làm căn cước mất bao lâu?" names one. Retrieval alone cannot tell them apart (every
administrative-sounding phrase resembles some procedure), so a message whose syllables are
all question or chat words is a follow-up, and those words are taken out of the query
before searching.
"""

from __future__ import annotations

import re

from vntext.normalization import fold_diacritics, has_diacritics

# Question and chat words as citizens write them about any procedure. Marked text is
# compared marked ("sổ đỏ" is not "số đó"); bare text against the folded forms, so a word
# whose bare form is also a procedure's ("kết", "hơn" → "ket", "hon" as in "kết hôn") is
# left out: "kết quả" is a phrase below.
_WORD_LIST = """
    à ạ ad ah ak alo anh ấy bạn bao bây bên bước bn cách các cái cần chị cho chứ có còn
    cơ của cứ đã đâu đấy để đến đi điền định điều đó được dc em gì giấy giờ giúp gồm
    hả hay hết hỏi hồ j k khi không kiện ko là làm lâu lệ loại lúc mà mang mất
    mấy mình một muốn nào này nè nếu ngày nghị nhé nhiêu như những nơi nộp ở ơi online
    phải pháp phí qua quả quan quy ra rồi sao sơ sau sửa thế theo thì thời gian thủ tục
    thực tiền tờ trả trình trực tuyến từ tuần ừ vẫn văn bản vậy về vì với vs xin xong
    căn lý đăng ký bn bnh luật này việc dựa lấy cấp chuẩn bị đóng hạn nhận khoảng tầm
    mới cũng đây kia nữa thêm chưa chỉ cả bằng nếu trên tại tôi tớ mình e cháu con đk
"""
_QUESTION_WORDS = frozenset(_WORD_LIST.split())
_FOLDED_QUESTION_WORDS = frozenset(fold_diacritics(w) for w in _QUESTION_WORDS)

# Multi-word question phrases taken out of the search query ("mất" alone is "lost").
_QUESTION_PHRASES = [
    "mat bao lau",
    "bao lau",
    "mat may ngay",
    "may ngay",
    "bao nhieu tien",
    "bao nhieu",
    "het bao nhieu",
    "le phi",
    "phi",
    "can nhung gi",
    "can nhung giay to gi",
    "can giay to gi",
    "can gi",
    "giay to gi",
    "gom nhung gi",
    "nop o dau",
    "lam o dau",
    "o dau",
    "co quan nao",
    "trinh tu",
    "cac buoc",
    "quy trinh",
    "can cu phap ly",
    "dieu kien",
    "ket qua",
    "nop truc tuyen",
    "truc tuyen",
    "online",
    # The way of submitting, not a procedure ("đk qua vneid", "nộp trực tiếp").
    "qua vneid",
    "tren vneid",
    "bang vneid",
    "truc tiep",
    "qua buu dien",
    "qua buu chinh",
    "tren dien thoai",
    "qua dien thoai",
    "qua mang",
    "tren mang",
    "the nao",
    "ra sao",
    "cho em hoi",
    "cho toi hoi",
    "cho minh hoi",
    "thi sao",
    "duoc khong",
    "co duoc khong",
]
_PHRASE_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(re.escape(p) for p in sorted(_QUESTION_PHRASES, key=len, reverse=True))
    + r")\b",
)
_SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)


def content_syllables(text: str) -> list[str]:
    """The syllables of a message that are not question phrases or chat words (folded)."""
    lowered = _without_phrases(text.lower())
    vocabulary = _vocabulary(lowered)
    return [fold_diacritics(s) for s in _SYLLABLE.findall(lowered) if s not in vocabulary]


def _without_phrases(text: str) -> str:
    """``text`` with its question phrases ("kết quả", "bao lâu") blanked out."""
    folded = fold_diacritics(text).lower()
    if len(folded) != len(text):
        return text
    chars = list(text)
    for match in _PHRASE_PATTERN.finditer(folded):
        chars[match.start() : match.end()] = " " * (match.end() - match.start())
    return "".join(chars)


def names_no_procedure(text: str) -> bool:
    """True for follow-ups such as "còn lệ phí?", "mat bao lau", "nộp ở đâu ạ"."""
    return not content_syllables(text)


_SAME_OF_ANOTHER = re.compile(
    r"^(?:the |vay |the thi |vay thi )?con\b|\bthi (?:sao|the nao|ra sao)\b|\bcung vay\b"
)


def asks_the_same_of_another(text: str) -> bool:
    """True for "còn tạm trú thì sao?", "thế còn khai tử?", "hộ chiếu thì thế nào": the
    question just answered, asked of another procedure."""
    return bool(_SAME_OF_ANOTHER.search(fold_diacritics(text).lower().strip(" ?.!,")))


_PERSON = re.compile(
    r"\b(?:can bo|nhan vien|chuyen vien|tu van|nguoi that|nguoi ho tro|tong dai|hotline"
    r"|duong day nong|dien thoai|so dt|email|goi lai|noi chuyen|noi voi|gap nguoi"
    r"|ket noi|bot)\b"
)


def asks_for_a_person(text: str) -> bool:
    """True for "cho tôi gặp cán bộ", "số tổng đài", "không muốn nói chuyện với máy": a
    message that names a person or a way to reach one. A story the intent classifier took
    for such a request ("nhờ chính quyền hòa giải") names none, and is searched instead."""
    return bool(_PERSON.search(fold_diacritics(text).lower()))


def search_query(text: str) -> str:
    """The message without its question phrases, keeping the procedure's own words.

    Folding keeps one character per character for composed text, so spans found in the
    folded text cut the original one.
    """
    folded = fold_diacritics(text).lower()
    if len(folded) != len(text):
        return text
    kept, cursor = [], 0
    for match in _PHRASE_PATTERN.finditer(folded):
        kept.append(text[cursor : match.start()])
        cursor = match.end()
    kept.append(text[cursor:])
    words = re.sub(r"\s+", " ", " ".join(kept)).strip(" ?.!,").split(" ")
    # Trailing chat words ("... có", "... vậy ạ") only blur the procedure's name; what
    # happened to a document ("bị mất", "hết hạn") tells its variant.
    while len(words) > 1 and _is_question_word(words[-1]) and not _tells_variant(words):
        words.pop()
    return " ".join(words) or text


_VARIANT_ENDINGS = ("bi mat", "lam mat", "danh mat", "het han", "qua han", "bi hong")


def _tells_variant(words: list[str]) -> bool:
    ending = fold_diacritics(" ".join(words[-2:]).lower().strip("?.!,"))
    return ending in _VARIANT_ENDINGS


def _vocabulary(text: str) -> frozenset[str]:
    """Marked text is compared with the marked words, bare text with the folded ones."""
    return _QUESTION_WORDS if has_diacritics(text) else _FOLDED_QUESTION_WORDS


def _is_question_word(word: str) -> bool:
    word = word.lower().strip("?.!,")
    return word in _vocabulary(word)
