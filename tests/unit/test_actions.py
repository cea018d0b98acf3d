"""The custom actions in process, in rasa-sdk's own style: a ``Tracker`` and a
``CollectingDispatcher`` in, the returned events and the dispatched messages out.

The knowledge base is the shipped seed in SQLite; search is scripted, so each test says
exactly what retrieval found (retrieval itself is tested in tests/integration).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.actions import (
    ActionAnswerProcedure,
    ActionDossierStatus,
    ActionFallback,
    ActionForgetConversation,
    ActionHandoff,
    ActionOutOfScope,
    ActionRecordFeedback,
    today_in_vietnam,
)
from actions.answers import facet_answer
from actions.deployment import DeploymentProfile
from actions.dossier_status import DossierStatus, LookupLimit, load_demo_records
from actions.facets import Facet
from knowledge_base import store
from knowledge_base.importers.runner import import_path
from knowledge_base.models import AnswerFeedback
from knowledge_base.retrieval.lexicon import default_lexicon
from knowledge_base.retrieval.phrases import PhraseTagger, expand_abbreviations
from knowledge_base.retrieval.query import AnalyzedQuery
from knowledge_base.retrieval.results import SearchHit, SearchResult
from knowledge_base.schemas import ProcedureIn
from knowledge_base.seed import DEMO_DOSSIERS, SEED_PROCEDURES
from tests.conftest import deployment_settings
from tthc.services import Services, build_services
from vntext.chat_format import MAX_MESSAGE_CHARS

pytestmark = pytest.mark.app

MARRIAGE, BIRTH, ID_CARD_UNDER_14 = "1.000894", "1.001193", "1.014062"
DEMO_CODE = "000.00.04.H51-250221-0001"
NOTHING_WAITS = [
    SlotSet("pending_facet", None),
    SlotSet("variant_codes", None),
    SlotSet("offered_codes", None),
]
"""After an answer no question waits for a procedure, and no variants are kept together."""
SENDER = "portal:3f9a2c71-5b0e-4d8a-9c1f-2e6b7a8d9c0e"


class SearchFake:
    """A search whose word lists are the built-in ones."""

    def action_phrases(self) -> PhraseTagger:
        lexicon = default_lexicon()
        return PhraseTagger(lexicon.actions, lexicon.action_spellings)

    def spell_out(self, text: str) -> str:
        return expand_abbreviations(text, default_lexicon().abbreviations)


class ScriptedSearch(SearchFake):
    """What retrieval found, chosen by the test; confident when it found anything."""

    def __init__(self, *hits: tuple[str, float], confident: bool | None = None) -> None:
        self.hits = [
            SearchHit(code, f"Thủ tục {code}", ["Cấp xã"], None, s, s, s) for code, s in hits
        ]
        self.confident = bool(hits) if confident is None else confident
        self.questions: list[str] = []

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        self.questions.append(question)
        trust = 0.9 if self.confident else 0.1
        return SearchResult(
            AnalyzedQuery(question, question), self.hits[:top], self.confident, trust
        )


class SearchByWords(SearchFake):
    """What retrieval found for questions containing given words; nothing confident else."""

    def __init__(self, found: dict[str, str]) -> None:
        self.found = found
        self.questions: list[str] = []

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        self.questions.append(question)
        codes = [code for words, code in self.found.items() if words in question.lower()]
        hits = [SearchHit(c, f"Thủ tục {c}", ["Cấp xã"], None, 1.0, 1.0, 1.0) for c in codes]
        return SearchResult(AnalyzedQuery(question, question), hits[:top], bool(hits), 0.9)


class UntrustedAlone(SearchFake):
    """A message that search cannot place alone, but can with the procedure under
    discussion: it then finds ``variant`` (which the message alone ranks among its best
    when ``alone_finds``)."""

    def __init__(self, variant: str, alone_finds: bool = True) -> None:
        self.variant = variant
        self.alone_finds = alone_finds

    def search(self, question: str, top: int = 5, mode: str = "hybrid") -> SearchResult:
        hit = SearchHit(self.variant, f"Thủ tục {self.variant}", ["Cấp xã"], None, 1, 1, 1)
        with_topic = question.startswith("Thủ tục")
        hits = [hit] if with_topic or self.alone_finds else []
        return SearchResult(AnalyzedQuery(question, question), hits, with_topic, 0.9)


class TrackingSystemDown:
    def lookup(self, receipt_code: str) -> DossierStatus | None:
        raise ConnectionError("motcua.bacninh.gov.vn: connection refused")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The seed knowledge base and the demo dossiers, wired as the app wires them, once per
    module; each test that writes uses a conversation of its own."""
    services = build_services(deployment_settings(tmp_path_factory.mktemp("actions")))
    services.upgrade_database()
    import_path(SEED_PROCEDURES, services.sessions)
    with services.sessions.begin() as session:
        load_demo_records(session, DEMO_DOSSIERS)
    yield services
    services.close()


@pytest.fixture(scope="module")
def seeded_sessions(deployment: Services) -> sessionmaker[Session]:
    return deployment.sessions


@pytest.fixture(scope="module")
def profile(deployment: Services) -> DeploymentProfile:
    return deployment.profile


Act = Callable[..., Action]


@pytest.fixture
def act(deployment: Services) -> Act:
    """Builds an action over the deployment; the test chooses what retrieval finds (and,
    where it says so, the tracking system)."""

    def build(action_class: type[Action], search: Any = None, dossiers: Any = None) -> Action:
        wired = deployment.action_services
        return action_class(  # type: ignore[call-arg]
            dataclasses.replace(
                wired, search=search or ScriptedSearch(), dossiers=dossiers or wired.dossiers
            )
        )

    return build


def expected(sessions: sessionmaker[Session], code: str, facet: Facet, profile: Any) -> str:
    """What the record itself says of ``facet`` (answers.py is tested on its own)."""
    with sessions() as session:
        row = store.get_procedure(session, code)
        assert row is not None
        part = facet_answer(store.to_schema(row), facet, profile, today_in_vietnam())
    assert part is not None
    return part.text


def tracker(
    text: str,
    intent: str,
    entities: list[dict[str, Any]] | None = None,
    sender: str = SENDER,
    **slots: Any,
) -> Tracker:
    return Tracker(
        sender,
        slots,
        {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities or []},
        [],
        False,
        None,
        {},
        "action_listen",
    )


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, dispatcher


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m["text"] for m in dispatcher.messages if m.get("text"))


# -- answering a procedure ---------------------------------------------------------------


def test_a_confident_match_answers_the_asked_facet_and_keeps_the_procedure(
    act: Act, seeded_sessions: sessionmaker[Session], profile: DeploymentProfile
) -> None:
    search = ScriptedSearch((MARRIAGE, 1.0), (BIRTH, 0.6))
    action = act(ActionAnswerProcedure, search)
    events, dispatcher = run(action, tracker("đăng ký kết hôn cần giấy tờ gì", "ask_documents"))
    assert events == [
        SlotSet("procedure_code", MARRIAGE),
        SlotSet("answered_facet", "documents"),
        *NOTHING_WAITS,
    ]
    assert f"(mã {MARRIAGE})" in texts(dispatcher)
    documents = expected(seeded_sessions, MARRIAGE, Facet.documents, profile)
    assert documents.splitlines()[0] in texts(dispatcher)
    assert dispatcher.messages[-1]["custom"] == {
        "answer": {"procedure_code": MARRIAGE, "facet": "documents"}
    }


def test_a_document_asked_about_is_answered_first_and_whole(act: Act) -> None:
    action = act(ActionAnswerProcedure, ScriptedSearch((BIRTH, 1.0)))
    question = "nhờ bà ngoại đi làm thay được ko, giấy ủy quyền có cần công chứng không"
    _, dispatcher = run(action, tracker(question, "ask_documents", procedure_code=BIRTH))
    reply = texts(dispatcher)
    first = "Về giấy tờ anh/chị hỏi:\n• Văn bản ủy quyền theo quy định (không cần chứng thực"
    assert first in reply
    assert reply.index("Về giấy tờ anh/chị hỏi") < reply.index("Giấy chứng sinh")
    assert reply.count("Văn bản ủy quyền theo quy định") == 1


def test_a_document_asked_about_without_diacritics_is_found_too(act: Act) -> None:
    action = act(ActionAnswerProcedure, ScriptedSearch((BIRTH, 1.0)))
    question = "nho ba ngoai di lam giup thi co can giay uy quyen khong"
    _, dispatcher = run(action, tracker(question, "ask_documents", procedure_code=BIRTH))
    assert "Về giấy tờ anh/chị hỏi:\n• Văn bản ủy quyền" in texts(dispatcher)


def test_a_follow_up_question_stays_on_the_procedure_under_discussion(
    act: Act, seeded_sessions: sessionmaker[Session], profile: DeploymentProfile
) -> None:
    search = ScriptedSearch((ID_CARD_UNDER_14, 1.0))
    action = act(ActionAnswerProcedure, search)
    events, dispatcher = run(
        action, tracker("mất bao lâu?", "ask_processing_time", procedure_code=MARRIAGE)
    )
    assert search.questions == []
    assert SlotSet("procedure_code", MARRIAGE) in events
    assert expected(seeded_sessions, MARRIAGE, Facet.processing_time, profile) in texts(dispatcher)


def test_close_candidates_are_offered_as_buttons_and_the_facet_waits(act: Act) -> None:
    search = ScriptedSearch((BIRTH, 0.92), (MARRIAGE, 0.9))
    action = act(ActionAnswerProcedure, search)
    events, dispatcher = run(action, tracker("lệ phí đăng ký hộ tịch", "ask_fee"))
    assert events == [
        SlotSet("pending_facet", "fee"),
        SlotSet("offered_codes", f"{BIRTH},{MARRIAGE}"),
    ]
    (question,) = dispatcher.messages
    assert "thủ tục nào" in question["text"]
    payloads = [
        json.loads(b["payload"].removeprefix("/choose_procedure")) for b in question["buttons"]
    ]
    assert payloads == [{"procedure_code": BIRTH}, {"procedure_code": MARRIAGE}]


def test_a_chosen_button_answers_the_facet_that_was_waiting(
    act: Act, seeded_sessions: sessionmaker[Session], profile: DeploymentProfile
) -> None:
    action = act(ActionAnswerProcedure)
    chosen = [{"entity": "procedure_code", "value": BIRTH}]
    events, dispatcher = run(
        action, tracker("/choose_procedure", "choose_procedure", chosen, pending_facet="fee")
    )
    assert events == [
        SlotSet("procedure_code", BIRTH),
        SlotSet("answered_facet", "fee"),
        *NOTHING_WAITS,
    ]
    assert expected(seeded_sessions, BIRTH, Facet.fee, profile) in texts(dispatcher)


def test_a_button_naming_an_unknown_procedure_is_not_answered_from_anything(
    act: Act, profile: DeploymentProfile
) -> None:
    action = act(ActionAnswerProcedure)
    forged = [{"entity": "procedure_code", "value": "9.999999"}]
    events, dispatcher = run(action, tracker("/choose_procedure", "choose_procedure", forged))
    assert events == NOTHING_WAITS
    assert "chưa tìm được thủ tục" in texts(dispatcher)
    assert profile.hotline in texts(dispatcher)


def test_nothing_confident_is_admitted_with_a_person_to_ask(
    act: Act, profile: DeploymentProfile
) -> None:
    search = ScriptedSearch((BIRTH, 0.4), confident=False)
    action = act(ActionAnswerProcedure, search)
    events, dispatcher = run(action, tracker("thủ tục mở nhà thuốc cần gì", "ask_documents"))
    assert events == []
    assert "chưa tìm được thủ tục" in texts(dispatcher)
    assert profile.hotline in texts(dispatcher)
    assert "Thủ tục:" not in texts(dispatcher)


def test_a_question_word_alone_asks_which_procedure(act: Act) -> None:
    action = act(ActionAnswerProcedure)
    events, dispatcher = run(action, tracker("lệ phí bao nhiêu?", "ask_fee"))
    assert events == [SlotSet("pending_facet", "fee")]
    assert "thủ tục nào" in texts(dispatcher)


def test_a_long_answer_shows_one_screen_and_the_rest_on_request(
    act: Act,
    seeded_sessions: sessionmaker[Session],
) -> None:
    steps = [
        f"Bước {i}: cán bộ kiểm tra hồ sơ, đối chiếu giấy tờ và ghi phiếu hẹn. " * 4
        for i in range(1, 16)
    ]
    with seeded_sessions.begin() as session:
        store.upsert(session, ProcedureIn(code="9.000001", name="Thủ tục nhiều bước", steps=steps))
    action = act(ActionAnswerProcedure, ScriptedSearch(("9.000001", 1.0)))
    _, first = run(action, tracker("thủ tục nhiều bước gồm những bước nào", "ask_steps"))
    shown = [m for m in first.messages if m.get("text")]
    assert len(shown) == 1 and len(shown[0]["text"]) <= 1400
    more = [b for b in shown[0]["buttons"] if b["payload"].startswith("/show_more")]
    assert more and json.loads(more[0]["payload"].removeprefix("/show_more")) == {
        "procedure_code": "9.000001",
        "facet": "steps",
    }
    entities = [
        {"entity": "procedure_code", "value": "9.000001"},
        {"entity": "facet", "value": "steps"},
    ]
    _, rest = run(action, tracker(more[0]["payload"], "show_more", entities))
    sent = [m["text"] for m in rest.messages if m.get("text")]
    assert len(sent) > 1 and all(len(text) <= MAX_MESSAGE_CHARS for text in sent)
    assert all(f"Bước {i}:" in "\n".join(sent) for i in range(1, 16))


def test_a_procedure_named_outside_any_intent_gets_its_overview(act: Act) -> None:
    search = ScriptedSearch((MARRIAGE, 1.0))
    action = act(ActionFallback, search)
    events, dispatcher = run(action, tracker("đăng ký kết hôn", "nlu_fallback"))
    assert SlotSet("procedure_code", MARRIAGE) in events
    assert "Cấp thực hiện" in texts(dispatcher)


def test_a_message_not_understood_offers_examples_and_a_person(
    act: Act, profile: DeploymentProfile
) -> None:
    search = ScriptedSearch(confident=False)
    action = act(ActionFallback, search)
    events, dispatcher = run(action, tracker("asdfgh qwerty", "nlu_fallback"))
    assert events == []
    assert "chưa hiểu" in texts(dispatcher)
    assert profile.hotline in texts(dispatcher)


# -- dossiers ------------------------------------------------------------------------------


def test_a_receipt_code_gets_the_dossiers_status(act: Act) -> None:
    action = act(ActionDossierStatus)
    events, dispatcher = run(
        action, tracker(f"tra hồ sơ {DEMO_CODE.lower()} giúp em", "ask_dossier_status")
    )
    assert events == [SlotSet("receipt_code", DEMO_CODE)]
    assert f"Hồ sơ {DEMO_CODE}" in texts(dispatcher)
    assert "Ngày hẹn trả kết quả: 24/02/2025" in texts(dispatcher)


def test_a_conversation_walking_through_receipt_codes_is_stopped_at_its_limit(
    act: Act, deployment: Services
) -> None:
    wired = deployment.action_services
    limited = dataclasses.replace(wired, dossier_lookups=LookupLimit("3/hour"))
    action = ActionDossierStatus(limited)
    answers = [
        texts(run(action, tracker(f"hồ sơ 000.00.04.H51-250221-000{n}", "ask_dossier_status"))[1])
        for n in range(1, 5)
    ]
    assert all("tạm dừng tra cứu" not in answer for answer in answers[:3])
    assert "tạm dừng tra cứu" in answers[3]
    assert wired.profile.hotline in answers[3]
    other = run(action, tracker(f"hồ sơ {DEMO_CODE}", "ask_dossier_status", sender="portal:other"))
    assert f"Hồ sơ {DEMO_CODE}" in texts(other[1])  # another conversation has its own count


def test_a_mistyped_receipt_code_is_explained_not_looked_up(act: Act) -> None:
    action = act(ActionDossierStatus)
    events, dispatcher = run(action, tracker("hồ sơ 000.00.04-2502 sao rồi", "ask_dossier_status"))
    assert events == []
    assert "chưa đúng định dạng" in texts(dispatcher)


def test_a_procedure_question_read_as_a_dossier_lookup_gets_its_answer_then_the_lookup(
    act: Act,
) -> None:
    action = act(ActionDossierStatus, ScriptedSearch((BIRTH, 1.0)))
    question = "mk cần bản sao gks của con để nộp hs vào lớp 1, 1 bản bn tiền ạ"
    events, dispatcher = run(action, tracker(question, "ask_dossier_status"))
    assert SlotSet("procedure_code", BIRTH) in events
    assert f"(mã {BIRTH})" in texts(dispatcher)
    assert "mã hồ sơ" in dispatcher.messages[-1]["text"]


def test_asking_after_ones_own_dossier_still_gets_asked_for_the_receipt_code(act: Act) -> None:
    action = act(ActionDossierStatus, UntrustedAlone(BIRTH, alone_finds=False))
    message = "hồ sơ của em bao giờ có kết quả ạ"
    events, dispatcher = run(action, tracker(message, "ask_dossier_status", procedure_code=BIRTH))
    assert events == []
    assert "mã hồ sơ" in texts(dispatcher)


def test_a_tracking_system_that_is_down_gets_an_apology_naming_the_code(act: Act) -> None:
    action = act(ActionDossierStatus, dossiers=TrackingSystemDown())
    _, dispatcher = run(action, tracker(f"hồ sơ {DEMO_CODE}", "ask_dossier_status"))
    assert texts(dispatcher).startswith("Xin lỗi anh/chị")
    assert DEMO_CODE in texts(dispatcher) and "connection refused" not in texts(dispatcher)


# -- feedback and forgetting --------------------------------------------------------------


def feedback_of(sessions: sessionmaker[Session], sender: str) -> list[tuple[Any, ...]]:
    with sessions() as session:
        rows = session.scalars(
            select(AnswerFeedback).where(AnswerFeedback.conversation_id == sender)
        )
        return [(r.helpful, r.procedure_code, r.comment) for r in rows]


def test_a_rating_is_kept_with_the_rated_answers_procedure(
    act: Act,
    seeded_sessions: sessionmaker[Session],
) -> None:
    action = act(ActionRecordFeedback)
    rated = [{"entity": "procedure_code", "value": BIRTH}]
    sender = "portal:8c1d0e6a-2f4b-4e7a-b3c9-5d6e7f8a9b0c"
    events, dispatcher = run(
        action, tracker("👎", "feedback_bad", rated, sender=sender, procedure_code=MARRIAGE)
    )
    assert events == []
    assert feedback_of(seeded_sessions, sender) == [(False, BIRTH, "👎")]
    assert "ghi nhận" in texts(dispatcher)


def test_forgetting_a_conversation_deletes_only_its_own_feedback(
    act: Act,
    seeded_sessions: sessionmaker[Session],
) -> None:
    other = "zalo:2468458835296117922"
    record = act(ActionRecordFeedback)
    run(record, tracker("cảm ơn, rất hữu ích", "feedback_good", procedure_code=BIRTH))
    run(record, tracker("hữu ích", "feedback_good", sender=other, procedure_code=BIRTH))

    forget = act(ActionForgetConversation)
    events, _ = run(forget, tracker("", "withdraw", sender=SENDER))

    assert events == []
    assert feedback_of(seeded_sessions, SENDER) == []
    assert feedback_of(seeded_sessions, other) == [(True, BIRTH, "hữu ích")]


def test_forgetting_a_conversation_confirms_to_the_channel_once_it_is_done(act: Act) -> None:
    _, dispatcher = run(act(ActionForgetConversation), tracker("", "withdraw"))
    assert [message.get("custom") for message in dispatcher.messages] == [{"forgotten": True}]


# -- what the dialogue keeps -------------------------------------------------------------

DRIVING_LICENCE_RENEWAL, DRIVING_LICENCE_REISSUE = "3.000347", "3.000348"


def test_variants_with_the_same_answer_are_answered_without_a_question(act: Act) -> None:
    search = ScriptedSearch((DRIVING_LICENCE_RENEWAL, 0.92), (DRIVING_LICENCE_REISSUE, 0.9))
    action = act(ActionAnswerProcedure, search)
    events, dispatcher = run(action, tracker("lệ phí bằng lái xe bao nhiêu", "ask_fee"))
    assert SlotSet("procedure_code", DRIVING_LICENCE_RENEWAL) in events
    assert events[-1] == SlotSet(
        "variant_codes", f"{DRIVING_LICENCE_RENEWAL},{DRIVING_LICENCE_REISSUE}"
    )
    said = texts(dispatcher)
    assert "cùng phí, lệ phí" in said
    assert f"mã {DRIVING_LICENCE_REISSUE}" in said and "135.000 đồng/lần" in said
    assert not any(
        b["payload"].startswith("/choose_procedure")
        for m in dispatcher.messages
        for b in m.get("buttons", [])
    )


def test_variants_whose_answers_differ_are_still_asked_about(act: Act) -> None:
    search = ScriptedSearch((DRIVING_LICENCE_RENEWAL, 0.92), (DRIVING_LICENCE_REISSUE, 0.9))
    action = act(ActionAnswerProcedure, search)
    events, dispatcher = run(action, tracker("bằng lái xe cần giấy tờ gì", "ask_documents"))
    assert events[0] == SlotSet("pending_facet", "documents")
    assert "thủ tục nào" in texts(dispatcher)


def test_a_typed_procedure_code_opens_that_procedure(act: Act) -> None:
    action = act(ActionAnswerProcedure, ScriptedSearch((BIRTH, 1.0)))
    events, dispatcher = run(action, tracker("thủ tục 1.000894 cần giấy tờ gì", "ask_documents"))
    assert SlotSet("procedure_code", MARRIAGE) in events
    assert f"(mã {MARRIAGE})" in texts(dispatcher)


def test_a_procedure_code_read_as_a_receipt_code_still_opens_the_procedure(act: Act) -> None:
    events, dispatcher = run(act(ActionDossierStatus), tracker("1.000894", "ask_dossier_status"))
    assert SlotSet("procedure_code", MARRIAGE) in events
    assert "mã hồ sơ" not in texts(dispatcher).lower()


def test_variants_answered_together_are_asked_about_when_a_follow_up_tells_them_apart(
    act: Act,
) -> None:
    codes = f"{DRIVING_LICENCE_RENEWAL},{DRIVING_LICENCE_REISSUE}"
    action = act(ActionAnswerProcedure, ScriptedSearch((DRIVING_LICENCE_RENEWAL, 1.0)))
    follow_up = tracker(
        "cần giấy tờ gì",
        "ask_documents",
        procedure_code=DRIVING_LICENCE_RENEWAL,
        variant_codes=codes,
    )
    events, dispatcher = run(action, follow_up)
    assert events[0] == SlotSet("pending_facet", "documents")
    (question,) = dispatcher.messages
    offered = {
        json.loads(b["payload"].removeprefix("/choose_procedure"))["procedure_code"]
        for b in question["buttons"]
    }
    assert offered == {DRIVING_LICENCE_RENEWAL, DRIVING_LICENCE_REISSUE}


def test_variants_answered_together_keep_answering_together_while_answers_agree(act: Act) -> None:
    codes = f"{DRIVING_LICENCE_RENEWAL},{DRIVING_LICENCE_REISSUE}"
    action = act(ActionAnswerProcedure, ScriptedSearch((DRIVING_LICENCE_RENEWAL, 1.0)))
    follow_up = tracker(
        "còn lệ phí?", "ask_fee", procedure_code=DRIVING_LICENCE_RENEWAL, variant_codes=codes
    )
    events, dispatcher = run(action, follow_up)
    assert SlotSet("variant_codes", codes) in events
    assert "135.000 đồng/lần" in texts(dispatcher)


def test_a_typed_reply_naming_an_offered_procedure_chooses_it(act: Act) -> None:
    offered = f"{DRIVING_LICENCE_RENEWAL},{DRIVING_LICENCE_REISSUE}"
    action = act(ActionAnswerProcedure, ScriptedSearch())
    reply = tracker("cấp lại", "ask_procedure", pending_facet="documents", offered_codes=offered)
    events, dispatcher = run(action, reply)
    assert SlotSet("procedure_code", DRIVING_LICENCE_REISSUE) in events
    assert f"(mã {DRIVING_LICENCE_REISSUE})" in texts(dispatcher)
    assert "Hồ sơ gồm" in texts(dispatcher)


def test_a_typed_reply_that_names_no_offered_procedure_is_searched_as_usual(act: Act) -> None:
    offered = f"{DRIVING_LICENCE_RENEWAL},{DRIVING_LICENCE_REISSUE}"
    action = act(ActionAnswerProcedure, ScriptedSearch((MARRIAGE, 1.0)))
    reply = tracker("đăng ký kết hôn", "ask_procedure", pending_facet="fee", offered_codes=offered)
    events, _ = run(action, reply)
    assert SlotSet("procedure_code", MARRIAGE) in events


# -- a dialogue that keeps what search finds -----------------------------------------------

TEMPORARY_RESIDENCE, PERMANENT_RESIDENCE = "1.004194", "1.004222"
FOREIGN_MARRIAGE, HOUSEHOLD_BUSINESS = "2.000806", "1.001612"


def test_a_confident_match_is_answered_even_when_read_as_out_of_scope(act: Act) -> None:
    action = act(ActionOutOfScope, ScriptedSearch((HOUSEHOLD_BUSINESS, 1.0)))
    events, dispatcher = run(action, tracker("mình muốn mở quán cà phê nhỏ ở nhà", "out_of_scope"))
    assert SlotSet("procedure_code", HOUSEHOLD_BUSINESS) in events
    assert f"(mã {HOUSEHOLD_BUSINESS})" in texts(dispatcher)


def test_out_of_scope_without_a_confident_match_is_still_declined(
    act: Act, profile: DeploymentProfile
) -> None:
    action = act(ActionOutOfScope, ScriptedSearch((BIRTH, 0.3), confident=False))
    events, dispatcher = run(action, tracker("cách nấu phở bò ngon", "out_of_scope"))
    assert events == []
    assert profile.hotline in texts(dispatcher)
    assert "(mã" not in texts(dispatcher)


def test_a_request_for_a_person_gets_the_ways_to_reach_one_whatever_search_finds(
    act: Act, profile: DeploymentProfile
) -> None:
    action = act(ActionHandoff, ScriptedSearch((BIRTH, 1.0)))
    events, dispatcher = run(action, tracker("cho tôi gặp cán bộ tư pháp", "ask_human"))
    assert events == []
    assert profile.hotline in texts(dispatcher)
    assert "(mã" not in texts(dispatcher)


def test_a_story_read_as_a_request_for_a_person_gets_the_procedure_it_names(act: Act) -> None:
    action = act(ActionHandoff, ScriptedSearch((BIRTH, 1.0)))
    story = "vợ em mới sinh bé hôm qua, giờ đi đăng ký giấy tờ cho bé thì mang những gì ạ"
    events, dispatcher = run(action, tracker(story, "ask_human"))
    assert SlotSet("procedure_code", BIRTH) in events
    assert f"(mã {BIRTH})" in texts(dispatcher)


def test_a_question_with_masked_phone_and_email_is_answered_not_handed_off(act: Act) -> None:
    action = act(ActionHandoff, ScriptedSearch((BIRTH, 1.0)))
    masked = "em tên [họ tên], sđt [số điện thoại], email [email], đăng ký khai sinh cần gì"
    events, dispatcher = run(action, tracker(masked, "ask_human"))
    assert SlotSet("procedure_code", BIRTH) in events
    assert f"(mã {BIRTH})" in texts(dispatcher)


def test_a_question_about_the_current_procedure_read_as_a_request_for_a_person_is_answered(
    act: Act,
) -> None:
    action = act(ActionHandoff, UntrustedAlone(BIRTH, alone_finds=False))
    message = "nộp trực tiếp thì tổng cộng bn ngày"
    events, dispatcher = run(action, tracker(message, "ask_human", procedure_code=BIRTH))
    assert SlotSet("answered_facet", "processing_time") in events
    assert f"mã {BIRTH}" in texts(dispatcher)


def test_a_remark_on_another_subject_read_as_out_of_scope_stays_declined(
    act: Act, profile: DeploymentProfile
) -> None:
    action = act(ActionOutOfScope, UntrustedAlone(BIRTH, alone_finds=False))
    message = "thời tiết hôm nay đẹp quá"
    events, dispatcher = run(action, tracker(message, "out_of_scope", procedure_code=BIRTH))
    assert events == []
    assert profile.hotline in texts(dispatcher)


def test_a_request_for_a_person_without_a_confident_match_still_gets_the_ways_to_reach_one(
    act: Act, profile: DeploymentProfile
) -> None:
    action = act(ActionHandoff, ScriptedSearch((BIRTH, 0.3), confident=False))
    events, dispatcher = run(action, tracker("mình hỏi mãi không được, giúp mình với", "ask_human"))
    assert events == []
    assert profile.hotline in texts(dispatcher)
    (call, _) = dispatcher.messages[-1]["buttons"]
    assert call["payload"] == f"tel:{profile.hotline}"


def test_another_question_instead_of_a_click_offers_the_same_choice_again(act: Act) -> None:
    action = act(ActionAnswerProcedure)
    offered = f"{BIRTH},{MARRIAGE}"
    events, dispatcher = run(
        action,
        tracker(
            "khoảng bao lâu thì xong?",
            "ask_processing_time",
            pending_facet="documents",
            offered_codes=offered,
        ),
    )
    assert events == [
        SlotSet("pending_facet", "processing_time"),
        SlotSet("offered_codes", offered),
    ]
    (question,) = dispatcher.messages
    assert "thời hạn giải quyết của thủ tục nào dưới đây" in question["text"]
    payloads = [
        json.loads(b["payload"].removeprefix("/choose_procedure")) for b in question["buttons"]
    ]
    assert payloads == [{"procedure_code": BIRTH}, {"procedure_code": MARRIAGE}]


def test_asking_the_same_of_another_procedure_keeps_the_facet(
    act: Act, seeded_sessions: sessionmaker[Session], profile: DeploymentProfile
) -> None:
    action = act(ActionAnswerProcedure, SearchByWords({"tạm trú": TEMPORARY_RESIDENCE}))
    switch = tracker(
        "còn tạm trú thì sao?",
        "ask_procedure",
        procedure_code=PERMANENT_RESIDENCE,
        answered_facet="fee",
    )
    events, dispatcher = run(action, switch)
    assert SlotSet("procedure_code", TEMPORARY_RESIDENCE) in events
    fee = expected(seeded_sessions, TEMPORARY_RESIDENCE, Facet.fee, profile)
    assert fee in texts(dispatcher)


def test_asking_the_same_of_another_procedure_is_understood_by_the_fallback_too(
    act: Act, seeded_sessions: sessionmaker[Session], profile: DeploymentProfile
) -> None:
    action = act(ActionFallback, SearchByWords({"tạm trú": TEMPORARY_RESIDENCE}))
    switch = tracker(
        "thế còn tạm trú?",
        "nlu_fallback",
        procedure_code=PERMANENT_RESIDENCE,
        answered_facet="processing_time",
    )
    events, dispatcher = run(action, switch)
    assert SlotSet("procedure_code", TEMPORARY_RESIDENCE) in events
    time = expected(seeded_sessions, TEMPORARY_RESIDENCE, Facet.processing_time, profile)
    assert time in texts(dispatcher)


def test_a_follow_up_adding_a_fact_moves_to_the_variant_it_describes(act: Act) -> None:
    action = act(ActionAnswerProcedure, UntrustedAlone(FOREIGN_MARRIAGE))
    follow_up = tracker(
        "vợ tôi là người Hàn Quốc",
        "ask_procedure",
        procedure_code=MARRIAGE,
        answered_facet="documents",
    )
    events, dispatcher = run(action, follow_up)
    assert SlotSet("procedure_code", FOREIGN_MARRIAGE) in events
    assert f"(mã {FOREIGN_MARRIAGE})" in texts(dispatcher)


def test_a_remark_on_another_subject_does_not_move_to_a_neighbouring_variant(act: Act) -> None:
    action = act(ActionOutOfScope, UntrustedAlone(FOREIGN_MARRIAGE, alone_finds=False))
    remark = tracker("hôm nay trời đẹp quá", "out_of_scope", procedure_code=MARRIAGE)
    events, dispatcher = run(action, remark)
    assert events == []
    assert "(mã" not in texts(dispatcher)
