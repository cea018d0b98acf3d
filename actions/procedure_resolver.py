"""Which procedure a message is about: the one under discussion, a new one, or unclear.

Retrieval finds candidates; this module decides what the conversation does with them:
stay on the current procedure for follow-ups, switch when another one is named, ask a
clarifying question when several are close, and admit it when nothing matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from actions.question_wording import asks_the_same_of_another, content_syllables, search_query
from knowledge_base.retrieval.phrases import PhraseTagger
from knowledge_base.retrieval.results import SearchHit, SearchResult
from vntext.normalization import fold_diacritics, has_diacritics

MAX_QUERY_CHARS = 300
# A message with at most this many syllables of its own, when search finds nothing better,
# still follows on from the procedure under discussion.
FOLLOW_UP_SYLLABLES = 1
# The procedure under discussion, among a trusted search's top five, is kept while it
# scores within this much of the best one.
FOLLOW_UP_MARGIN = 0.25
# A follow-up that adds a fact moves to another variant only among the message's own
# best this many.
SWITCH_DEPTH = 10
# A follow-up stays on the current procedure when, searched with the current name, that
# procedure is within this of the best, and the message alone finds nothing scoring within
# this of it (fused scores); otherwise it is resolved as a new question.
CURRENT_LEAD = 0.1
# Below this scope closeness (``retrieval/scope.py``) a message is off the subject. Slightly
# below 0 are follow-ups whose own words say little ("có cần đi khám sức khoẻ lại ko",
# -0.01 without its question words); "học phí đại học bao nhiêu" is -0.05 (whole) and
# -0.06 (without them), "thời tiết hôm nay" -0.22.
OFF_TOPIC_SCOPE = -0.04
# A message of at most this many syllables that are all words of the best procedure's
# name is taken as that name ("khai sinh").
SHORT_NAME_SYLLABLES = 4


# A procedure's code as the portal and the counter write it: national ("1.004194") or a
# province's own ("1.000894.000.00.00.H36"). Receipt codes (000.00.04.H51-…) differ.
PROCEDURE_CODE = re.compile(
    r"(?<![\d.])[1-3]\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?(?![\d.])"
)


def find_procedure_code(text: str) -> str | None:
    match = PROCEDURE_CODE.search(text)
    return match.group(0) if match else None


_WORD = re.compile(r"\w+")


class Outcome(str, Enum):
    current = "current"  # a follow-up about the procedure under discussion
    found = "found"  # one procedure, confidently
    clarify = "clarify"  # several close candidates: ask which
    ask_which = "ask_which"  # a question word without any procedure, and none under discussion
    not_found = "not_found"  # nothing matches confidently


@dataclass
class Resolution:
    outcome: Outcome
    code: str | None = None
    candidates: list[SearchHit] = field(default_factory=list)


class Searcher(Protocol):
    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult: ...

    def action_phrases(self) -> PhraseTagger: ...

    def spell_out(self, text: str) -> str: ...


def resolve(
    message: str,
    current_code: str | None,
    searcher: Searcher,
    clarify_margin: float,
    max_choices: int = 4,
    min_agreement: float = 0.7,
    current_name: str | None = None,
    actions: PhraseTagger | None = None,
) -> Resolution:
    """Decide which procedure ``message`` is about, given the one under discussion (and
    its name, with which a follow-up that adds a fact is searched again). ``actions``
    finds what a citizen wants done ("đổi", "bị mất"; the search's own action phrases)."""
    own_words = content_syllables(message)
    if not own_words:
        if current_code:
            return Resolution(Outcome.current, current_code)
        return Resolution(Outcome.ask_which)
    # Long pastes are cut: the procedure is named early, and search time grows with length.
    query = search_query(message)[:MAX_QUERY_CHARS]

    def is_trusted(result: SearchResult) -> bool:
        # The best fused score is below 1 when the meaning-based and the word-based rankings
        # disagree on the best procedure; far below, neither can be trusted ("thời tiết").
        return bool(result.hits) and result.confident and result.hits[0].score >= min_agreement

    within: SearchResult | None = None

    def search_within() -> SearchResult:
        """The message searched with the name of the procedure under discussion (once)."""
        nonlocal within
        if within is None:
            within = searcher.search(f"{current_name}. {query}", top=max(max_choices, 5))
        return within

    if current_code and current_name and actions and actions.covers(query):
        # "lệ phí đổi hết bao nhiêu" after a vehicle registration names only an action:
        # it asks for that action on the procedure's object, not for any procedure that
        # mentions "đổi".
        within = search_within()
        if is_trusted(within):
            best = within.hits[0].code
            if best == current_code:
                return Resolution(Outcome.current, current_code)
            return Resolution(Outcome.found, best, candidates=within.hits)
    current_words = _syllables(current_name) if current_name else set()
    if current_code and current_name and set(own_words) <= current_words:
        # "bao lâu thì có phiếu", "lệ phí cấp phép hết bao nhiêu": the message's own words
        # are all words of the procedure under discussion, so it names no other one; searched,
        # such a short message may match many procedures equally well.
        return Resolution(Outcome.current, current_code)
    # A new question is searched as typed: the search model learned whole questions, and
    # without diacritics a question phrase hides in the name ("lần đầu" read as "ở đâu").
    # A follow-up is searched for what it adds to the procedure under discussion.
    result = searcher.search(
        query if current_code else message[:MAX_QUERY_CHARS], top=max(max_choices, SWITCH_DEPTH)
    )

    trusted = is_trusted(result) or _names_the_best(own_words, result, min_agreement)
    # A message that alone looks like the out-of-scope examples ("học phí đại học bao
    # nhiêu", "thời tiết hôm nay") is not read as a follow-up, whatever the current name
    # makes of it. What is left of a follow-up without its question words may be a word or
    # two ("ngoài" of "ngoài tiền ra thì được nhận giấy tờ gì"), which says little of the
    # scope: it is off the subject only if the whole message looks so too (a second search,
    # only for a follow-up whose words without its question words look off the subject).
    off_topic = _off_topic(result)
    if off_topic and current_code and query != message[:MAX_QUERY_CHARS]:
        off_topic = _off_topic(searcher.search(message[:MAX_QUERY_CHARS], top=1))
    if (
        current_code
        and current_name
        and not trusted
        and not off_topic
        and len(own_words) > FOLLOW_UP_SYLLABLES
    ):
        # "vợ tôi là người Hàn Quốc" after a marriage question names no procedure of its
        # own but tells which variant: search again with the one under discussion.
        # The new variant must be among what the message alone points to, so that a remark
        # on another subject ("thời tiết hôm nay") does not move to a neighbour.
        added = search_within()
        if is_trusted(added):
            best = added.hits[0]
            if best.code == current_code:
                return Resolution(Outcome.current, current_code)
            if best.code in {hit.code for hit in result.hits}:
                return Resolution(Outcome.found, best.code, candidates=added.hits)
    top = {h.code: h.score for h in result.hits[:5]}
    current_still_fits = current_code in top and (
        not trusted or result.hits[0].score - top[current_code] <= FOLLOW_UP_MARGIN
    )
    if current_code and (
        current_still_fits or (not trusted and len(own_words) <= FOLLOW_UP_SYLLABLES)
    ):
        # "mấy ngày thì lấy được hộ chiếu?" names the procedure under discussion again, or a
        # short question with a word or two of its own still follows on from it. A message
        # that clearly names another one ("còn kết hôn thì sao?") switches.
        return Resolution(Outcome.current, current_code)
    close = (
        [h for h in result.hits[:max_choices] if result.hits[0].score - h.score <= clarify_margin]
        if trusted
        else []
    )
    if current_code and current_code in {h.code for h in close}:
        # "làm căn cước mất bao lâu?" after choosing one of the căn cước variants.
        return Resolution(Outcome.current, current_code)
    if (
        current_code
        and current_name
        and not off_topic
        and not asks_the_same_of_another(message)
        and not (trusted and _names_another(own_words, current_words, result))
        and _current_explains_it(result, search_within(), current_code, trusted)
    ):
        # "nộp trực tiếp thì tổng cộng bn ngày", "có cần đi khám sức khoẻ lại ko": searched
        # alone, a follow-up matches some procedure weakly; read with the current one's name
        # it fits that one far better. A switch names its procedure as well as the current
        # name fits ("mấy ngày thì có hộ chiếu" after a căn cước question).
        return Resolution(Outcome.current, current_code)
    if not trusted:
        return Resolution(Outcome.not_found, candidates=result.hits)
    best = result.hits[0]
    if len(close) > 1:
        return Resolution(Outcome.clarify, candidates=close)
    return Resolution(Outcome.found, best.code, candidates=result.hits)


def _off_topic(result: SearchResult) -> bool:
    return result.scope is not None and result.scope < OFF_TOPIC_SCOPE


def _current_explains_it(
    alone: SearchResult, within: SearchResult, current_code: str, alone_trusted: bool
) -> bool:
    """The procedure under discussion, searched with the message, scores well above the
    best the message finds alone (and near the best of its own search). Where nothing
    else is trusted with the message, the current one need not be either: the message's
    own words may be ones no record has ("người bán có phải làm gì trước ko")."""
    if not within.hits or (alone_trusted and not within.confident):
        return False
    scores = {hit.code: hit.score for hit in within.hits}
    if current_code not in scores or within.hits[0].score - scores[current_code] > CURRENT_LEAD:
        return False
    return not alone.hits or alone.hits[0].score < scores[current_code] - CURRENT_LEAD


def _names_another(own_words: list[str], current_words: set[str], result: SearchResult) -> bool:
    """The message's own words that the current name (``current_words``) lacks are all
    words of the best procedure's name ("làm căn cước cần giấy tờ gì" after a khai sinh
    question): it names that one, however its short query scores."""
    new = set(own_words) - current_words
    return bool(result.hits) and bool(new) and new <= _syllables(result.hits[0].name)


def _syllables(name: str) -> set[str]:
    return set(_WORD.findall(fold_diacritics(name.lower())))


def _names_the_best(own_words: list[str], result: SearchResult, min_agreement: float) -> bool:
    """A short message made of the best procedure's own words ("khai sinh", "tạm trú") is
    a question about it, though too short for search's confidence to be sure."""
    # One syllable is a word of too many names ("ngoài" of "nước ngoài").
    if not result.hits or not 2 <= len(own_words) <= SHORT_NAME_SYLLABLES:
        return False
    best = result.hits[0]
    return best.score >= min_agreement and set(own_words) <= _syllables(best.name)


def typed_choice(message: str, offered: dict[str, str]) -> str | None:
    """The offered procedure a typed reply names ("cấp xã", "cái cho người dưới 14 tuổi").

    ``offered`` maps each button's code to its title. The reply must share words with one
    title that the other titles lack, and with no other title as many.
    """
    folded = not has_diacritics(message)

    def syllables(text: str) -> set[str]:
        text = fold_diacritics(text) if folded else text
        return set(_WORD.findall(text.lower()))

    words = syllables(message)
    if not words or len(offered) < 2:
        return None
    titles = {code: syllables(title) for code, title in offered.items()}
    common = set.intersection(*titles.values())
    scores = {code: len(words & (title - common)) for code, title in titles.items()}
    best = max(scores.values())
    chosen = [code for code, score in scores.items() if score == best]
    return chosen[0] if best > 0 and len(chosen) == 1 else None
