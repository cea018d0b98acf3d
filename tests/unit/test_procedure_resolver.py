"""How a message maps to a procedure: follow-up, switch, clarification or honest miss."""

from __future__ import annotations

from actions.procedure_resolver import Outcome, Resolution, resolve
from knowledge_base.retrieval.lexicon import default_lexicon
from knowledge_base.retrieval.phrases import PhraseTagger
from knowledge_base.retrieval.query import QueryAnalyzer
from knowledge_base.retrieval.results import SearchHit, SearchResult


def hit(code: str, score: float, name: str = "Thủ tục") -> SearchHit:
    return SearchHit(code, name, ["Cấp xã"], None, score, score, score)


class FakeSearch:
    """Search results chosen by the test; records the queries it was asked."""

    def __init__(self, hits: list[SearchHit], confident: bool = True) -> None:
        self.hits, self.confident, self.queries = hits, confident, []

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        self.queries.append(question)
        query = QueryAnalyzer.__new__(QueryAnalyzer)
        return SearchResult(query, self.hits, self.confident, 0.9 if self.confident else 0.1)


def test_a_follow_up_keeps_the_current_procedure_without_searching() -> None:
    search = FakeSearch([hit("9.999999", 1.0)])
    resolution = resolve("mất bao lâu?", "1.001193", search, clarify_margin=0.07)
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.001193")
    assert search.queries == []


def test_a_follow_up_with_nothing_under_discussion_asks_which_procedure() -> None:
    resolution = resolve("lệ phí bao nhiêu", None, FakeSearch([]), clarify_margin=0.07)
    assert resolution.outcome is Outcome.ask_which


def test_a_clear_best_match_switches_to_it() -> None:
    search = FakeSearch([hit("1.001456", 1.0), hit("1.010386", 0.8)])
    resolution = resolve("làm hộ chiếu ở đâu", "1.000894", search, clarify_margin=0.07)
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.001456")
    assert search.queries == ["làm hộ chiếu"]


def test_a_new_question_is_searched_as_typed() -> None:
    """The search model learned whole questions; cutting "đầu xong thì mình nhận được những
    gì" (read as "ở đâu") left "mua xe moi, dang ky lan"."""
    search = FakeSearch([hit("1.013067", 1.0)])
    message = "mua xe moi, dang ky lan dau xong thi minh nhan duoc nhung gi"
    resolution = resolve(message, None, search, clarify_margin=0.07)
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.013067")
    assert search.queries == [message]


def test_close_candidates_ask_for_a_choice() -> None:
    search = FakeSearch([hit("1.014061", 0.92), hit("1.014062", 0.91), hit("1.014063", 0.7)])
    resolution = resolve("làm căn cước cần gì", None, search, clarify_margin=0.07)
    assert resolution.outcome is Outcome.clarify
    assert [h.code for h in resolution.candidates] == ["1.014061", "1.014062"]


def test_close_candidates_including_the_current_one_stay_on_it() -> None:
    search = FakeSearch([hit("1.014061", 0.92), hit("1.014062", 0.91)])
    resolution = resolve("làm căn cước mất bao lâu", "1.014062", search, clarify_margin=0.07)
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.014062")


def test_an_unconfident_search_is_not_an_answer() -> None:
    search = FakeSearch([hit("1.003677", 0.9)], confident=False)
    resolution = resolve("nuôi chó cảnh cần gì", "1.000894", search, clarify_margin=0.07)
    assert resolution.outcome is Outcome.not_found


def test_rankings_that_disagree_are_not_an_answer() -> None:
    search = FakeSearch([hit("1.003677", 0.5), hit("2.001159", 0.43)])
    resolution = resolve("thời tiết hôm nay", None, search, clarify_margin=0.07)
    assert resolution.outcome is Outcome.not_found


def test_naming_the_current_procedure_again_stays_on_it() -> None:
    search = FakeSearch([hit("1.009487", 0.95), hit("1.001456", 0.9)])
    resolution = resolve("mấy ngày thì lấy được hộ chiếu", "1.001456", search, 0.07)
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.001456")


def test_a_follow_up_with_one_word_of_its_own_stays_on_the_current_one() -> None:
    search = FakeSearch([hit("1.003677", 0.5)], confident=False)
    resolution = resolve("hạn chót nộp là khi nào", "1.000894", search, 0.07)
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.000894")


def test_a_follow_up_in_the_current_procedures_own_words_stays_on_it_without_searching() -> None:
    """Searched, "bao lâu thì có phiếu" matched several procedures issuing a "phiếu"."""
    search = FakeSearch([hit("1.000001", 0.92), hit("1.000002", 0.91)])
    current = ("3.000333", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam")
    resolution = resolve("bao lâu thì có phiếu", current[0], search, 0.07, current_name=current[1])
    assert (resolution.outcome, resolution.code) == (Outcome.current, "3.000333")
    assert search.queries == []


def test_a_follow_up_with_a_word_the_current_name_lacks_is_searched() -> None:
    search = FakeSearch([hit("1.001193", 1.0)])
    current = ("1.000656", "Đăng ký khai tử")
    resolution = resolve("còn khai sinh thì sao", current[0], search, 0.07, current_name=current[1])
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.001193")


def test_naming_another_procedure_switches_even_if_the_current_one_trails_it() -> None:
    # "kết hôn" and "khai sinh" share words: the current procedure is in the top five,
    # far behind the one the message names.
    search = FakeSearch([hit("1.000894", 1.0), hit("2.000806", 0.87), hit("1.001193", 0.35)])
    resolution = resolve("còn đăng ký kết hôn thì lệ phí bao nhiêu", "1.001193", search, 0.07)
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.000894")


def test_a_typed_choice_is_the_offered_title_it_names_apart_from_the_others() -> None:
    from actions.procedure_resolver import typed_choice

    offered = {
        "1.014062": "Cấp thẻ căn cước cho người dưới 14 tuổi (cấp xã)",
        "1.012549": "Cấp thẻ căn cước cho người dưới 14 tuổi (cấp tỉnh)",
    }
    assert typed_choice("cấp xã", offered) == "1.014062"
    assert typed_choice("cap tinh", offered) == "1.012549"
    assert typed_choice("căn cước", offered) is None  # every title says it
    assert typed_choice("đăng ký kết hôn", offered) is None


def test_a_short_name_of_the_best_procedure_is_a_question_about_it() -> None:
    search = FakeSearch([hit("1.001193", 1.0, "Thủ tục đăng ký khai sinh")], confident=False)
    resolution = resolve("khai sinh", None, search, clarify_margin=0.07)
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.001193")


def test_short_words_absent_from_the_best_name_are_not_taken_for_it() -> None:
    search = FakeSearch([hit("1.001193", 1.0, "Thủ tục đăng ký khai sinh")], confident=False)
    resolution = resolve("hiến máu", None, search, clarify_margin=0.07)
    assert resolution.outcome is Outcome.not_found


class ByQuery(FakeSearch):
    """Search results that depend on the query: those for queries naming ``when``, else
    the default ones."""

    def __init__(self, default: list[SearchHit], when: str, hits: list[SearchHit]) -> None:
        super().__init__(default)
        self.when, self.named = when, hits

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        result = super().search(question, top, mode)
        if self.when in question:
            return SearchResult(result.query, self.named, True, 0.9)
        return result


def follow_up(message: str, current: tuple[str, str], search: FakeSearch) -> Resolution:
    """``message`` while the procedure ``current`` (code, name) is under discussion."""
    lexicon = default_lexicon()
    actions = PhraseTagger(lexicon.actions, lexicon.action_spellings)
    code, name = current
    return resolve(message, code, search, 0.07, current_name=name, actions=actions)


def test_an_action_alone_asks_for_it_on_the_procedure_under_discussion() -> None:
    # "đổi" alone matches any procedure that changes something ("Yêu cầu thay đổi Chấp
    # hành viên"); after a vehicle registration it means changing that registration.
    search = ByQuery(
        [hit("1.003201", 0.95, "Yêu cầu thay đổi Chấp hành viên")],
        when="Đăng ký xe",
        hits=[hit("1.013079", 0.95, "Đổi chứng nhận đăng ký xe")],
    )
    resolution = follow_up("lệ phí đổi hết bao nhiêu", ("1.013075", "Đăng ký xe"), search)
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.013079")
    assert search.queries == ["Đăng ký xe. đổi"]


def test_an_action_alone_that_the_current_procedure_does_stays_on_it() -> None:
    search = ByQuery([], when="Đổi chứng nhận", hits=[hit("1.013079", 0.95)])
    resolution = follow_up(
        "le phi doi het bao nhieu", ("1.013079", "Đổi chứng nhận đăng ký xe"), search
    )
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.013079")


def test_a_word_that_only_folds_to_an_action_is_not_one() -> None:
    # "đợi" (wait) and "đổi" (change) are both "doi" without diacritics.
    search = FakeSearch([hit("1.013079", 0.95)])
    resolution = follow_up("đợi bao lâu", ("1.013079", "Đổi chứng nhận đăng ký xe"), search)
    assert resolution.outcome is Outcome.current
    assert not any(q.startswith("Đổi chứng nhận") for q in search.queries)


def test_an_action_of_two_words_asks_for_it_on_the_procedure_under_discussion() -> None:
    search = ByQuery([], when="Đăng ký xe", hits=[hit("1.013080", 0.95)])
    resolution = follow_up("cấp lại thì sao", ("1.013075", "Đăng ký xe"), search)
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.013080")


def test_a_message_naming_more_than_an_action_is_searched_on_its_own() -> None:
    search = FakeSearch([hit("1.001456", 1.0)])
    resolution = follow_up("đổi hộ chiếu ở đâu", ("1.013079", "Đổi chứng nhận đăng ký xe"), search)
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.001456")
    # Alone, then with the current name to compare with.
    assert search.queries == ["đổi hộ chiếu", "Đổi chứng nhận đăng ký xe. đổi hộ chiếu"]


def test_a_follow_up_another_procedure_matches_only_weakly_stays_on_the_current_one() -> None:
    # Searched alone, "có cần đi khám sức khoẻ lại ko" is a poor match for payments of
    # medical costs; with the driving licence's name, the licence fits it far better.
    search = ByQuery(
        [hit("1.001656", 0.76, "Thanh toán trực tiếp chi phí khám, chữa bệnh")],
        when="Cấp lại giấy phép lái xe",
        hits=[hit("3.000348", 0.94), hit("1.003897", 0.82)],
    )
    resolution = follow_up(
        "có cần đi khám sức khoẻ lại ko", ("3.000348", "Cấp lại giấy phép lái xe"), search
    )
    assert (resolution.outcome, resolution.code) == (Outcome.current, "3.000348")


def test_a_follow_up_naming_another_procedure_as_well_as_the_current_name_switches() -> None:
    search = ByQuery(
        [hit("1.001471", 0.98, "Cấp hộ chiếu phổ thông"), hit("1.001456", 0.96)],
        when="Cấp đổi thẻ căn cước",
        hits=[hit("1.014063", 1.0), hit("2.001195", 0.92)],
    )
    resolution = follow_up("mấy ngày thì có hộ chiếu", ("1.014063", "Cấp đổi thẻ căn cước"), search)
    assert resolution.outcome is Outcome.clarify
    assert [h.code for h in resolution.candidates] == ["1.001471", "1.001456"]


def test_the_way_of_submitting_names_no_procedure() -> None:
    search = FakeSearch([hit("1.011410", 0.92, "Cấp tài khoản định danh điện tử")])
    resolution = follow_up(
        "đk online qua vneid thì phí bn", ("1.004194", "Đăng ký tạm trú"), search
    )
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.004194")


class UnsureWithin(ByQuery):
    """Nothing confident: the message alone matches little; with the current name, the
    current procedure leads though the evidence for the message's own words is thin."""

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        result = super().search(question, top, mode)
        return SearchResult(result.query, result.hits, False, 0.1)


SELLERS_QUESTION = "nguoi ban co phai lam gi truoc ko, han bao lau"


def sellers_question_after_sang_ten(search_type: type[UnsureWithin]) -> tuple[Resolution, ByQuery]:
    """The seller's duty asked, in words no record has, after a sang tên xe question."""
    search = search_type(
        [hit("1.008498", 0.75, "Đăng ký thuế lần đầu")],
        when="Cấp chứng nhận đăng ký xe",
        hits=[hit("1.013076", 1.36), hit("1.013079", 1.17)],
    )
    current = ("1.013076", "Cấp chứng nhận đăng ký xe khi đổi chủ")
    return follow_up(SELLERS_QUESTION, current, search), search


def test_a_follow_up_nothing_else_claims_stays_on_the_current_one_though_search_is_unsure() -> None:
    resolution, _ = sellers_question_after_sang_ten(UnsureWithin)
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.013076")


class OffTopic(ByQuery):
    """The message alone sits among the out-of-scope examples (a negative scope)."""

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        result = super().search(question, top, mode)
        if self.when not in question:
            result.scope = -0.29
        return result


def test_a_remark_on_another_subject_is_not_taken_for_a_follow_up() -> None:
    search = OffTopic(
        [hit("1.008584", 0.74, "Miễn, giảm thuế trong trường hợp bất khả kháng")],
        when="Thủ tục đăng ký khai sinh",
        hits=[hit("1.001193", 1.0), hit("1.000110", 0.9)],
    )
    search.confident = False
    current = ("1.001193", "Thủ tục đăng ký khai sinh")
    resolution = follow_up("thời tiết hôm nay thế nào, có mưa không", current, search)
    assert resolution.outcome is Outcome.not_found


def test_a_follow_up_naming_another_procedure_in_few_words_switches() -> None:
    # Alone, "căn cước" scores below what the current name gives the current procedure.
    search = ByQuery(
        [hit("1.014062", 0.85, "Cấp thẻ căn cước cho người dưới 14 tuổi")],
        when="Đăng ký khai sinh",
        hits=[hit("1.001193", 1.0)],
    )
    resolution = follow_up("lam can cuoc can giay to gi", ("1.001193", "Đăng ký khai sinh"), search)
    assert (resolution.outcome, resolution.code) == (Outcome.found, "1.014062")


class OffTopicWithoutQuestionWords(UnsureWithin):
    """Without its question words the message looks out of scope; whole, it does not."""

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        result = super().search(question, top, mode)
        result.scope = 0.08 if "han bao lau" in question else -0.07
        return result


def test_a_follow_up_off_the_subject_only_without_its_question_words_stays() -> None:
    resolution, search = sellers_question_after_sang_ten(OffTopicWithoutQuestionWords)
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.013076")
    assert SELLERS_QUESTION in search.queries


def test_one_word_of_another_procedures_name_does_not_name_it() -> None:
    # "ngoài" is all that is left of "ngoài tiền ra thì được nhận giấy tờ gì nữa không".
    search = FakeSearch(
        [hit("1.008331", 0.72, "Cấp giấy phép lao động cho người nước ngoài")], confident=False
    )
    current = ("1.001613", "Giải quyết hưởng bảo hiểm xã hội một lần")
    resolution = follow_up("ngoai tien ra thi duoc nhan giay to gi nua khong", current, search)
    assert (resolution.outcome, resolution.code) == (Outcome.current, "1.001613")
