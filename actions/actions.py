"""Rasa custom actions, run by the app at /webhook (``tthc/api/routers/action_endpoint.py``
serves rasa-sdk's executor there).

Each action gets its services (search, database, deployment profile) when it is built,
so the embedding model and the index are loaded once for all conversations.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from actions import messages
from actions.answers import answer, facet_answer
from actions.deployment import DeploymentProfile
from actions.dossier_status import DossierStatusProvider, LookupLimit, looks_like_a_code
from actions.facets import INTENT_FACETS, Facet, asked_facets, cued_facets
from actions.procedure_resolver import (
    Outcome,
    Resolution,
    Searcher,
    find_procedure_code,
    resolve,
    typed_choice,
)
from actions.question_wording import asks_for_a_person, asks_the_same_of_another
from actions.turns import forget_turns
from knowledge_base import store
from knowledge_base.models import AnswerFeedback
from knowledge_base.retrieval.results import SearchHit
from knowledge_base.schemas import ProcedureOut
from vntext.chat_format import split_message
from vntext.normalization import has_diacritics
from vntext.personal_data import mask, without_masks
from vntext.receipt_codes import find_receipt_code

logger = logging.getLogger(__name__)

CHOOSE_PROCEDURE = "choose_procedure"
SHOW_MORE = "show_more"
OFFERED = "offered_codes"
"""Slot: the procedures a clarifying question offered as buttons, awaiting a choice."""
VARIANTS = "variant_codes"
"""Slot: the variants last answered together ("3.000347,3.000348")."""
ANSWERED = "answered_facet"
"""Slot: the facets of the last answer ("fee,processing_time")."""
_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today_in_vietnam() -> date:
    """Fee periods end on a Vietnamese calendar day."""
    return datetime.now(_VIETNAM).date()


@dataclass
class ActionServices:
    """What the actions need, built once by the app (``tthc/services.py``)."""

    search: Searcher
    sessions: sessionmaker[Session]
    profile: DeploymentProfile
    dossiers: DossierStatusProvider
    clarify_margin: float
    today: Callable[[], date] = today_in_vietnam
    """The date fee periods are checked against; a callable so tests can fix it."""
    dossier_lookups: LookupLimit = field(default_factory=LookupLimit)


def _say(dispatcher: CollectingDispatcher, text: str, buttons: list[dict] | None = None) -> None:
    """Send text as chat messages of at most 2,000 characters; buttons go on the last one."""
    parts = split_message(text)
    for part in parts[:-1]:
        dispatcher.utter_message(text=part)
    if parts:
        dispatcher.utter_message(text=parts[-1], buttons=buttons or [])


def _offer(
    dispatcher: CollectingDispatcher, text: str, candidates: list[SearchHit]
) -> list[EventType]:
    """Ask which of ``candidates`` is meant, one button each, and keep what was offered."""
    buttons = [
        {
            "title": messages.button_title(hit, candidates),
            "payload": f'/{CHOOSE_PROCEDURE}{{"procedure_code": "{hit.code}"}}',
        }
        for hit in candidates
    ]
    _say(dispatcher, text, buttons)
    return [SlotSet(OFFERED, ",".join(hit.code for hit in candidates))]


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def _text(tracker: Tracker) -> str:
    """What the citizen asked, as the actions read it: without the placeholders of what the
    channel masked (a masked phone number asks for no telephone)."""
    return without_masks(tracker.latest_message.get("text") or "")


def _names(facets: list[Facet]) -> str:
    """Facets as the ``pending_facet`` slot keeps them: "fee,processing_time"."""
    return ",".join(facet.value for facet in facets)


def _facets_in(tracker: Tracker, slot: str) -> list[Facet]:
    names = tracker.get_slot(slot) or ""
    return [Facet(name) for name in names.split(",") if name in Facet.__members__]


def _pending_facets(tracker: Tracker) -> list[Facet]:
    """Every kind of question waiting for a procedure ("phí bao nhiêu, mấy ngày xong")."""
    return _facets_in(tracker, "pending_facet")


def _facets_asked(text: str, intent_facet: Facet | None, tracker: Tracker) -> list[Facet]:
    """The facets a message asks; "còn tạm trú thì sao?" asks what the last answer told."""
    facets = asked_facets(text, intent_facet)
    if facets == [Facet.general] and asks_the_same_of_another(text):
        return _facets_in(tracker, ANSWERED) or facets
    return facets


class ServiceAction(Action):
    def __init__(self, services: ActionServices) -> None:
        self.services = services

    @property
    def profile(self) -> DeploymentProfile:
        return self.services.profile

    def procedure(self, code: str) -> ProcedureOut | None:
        with self.services.sessions() as session:
            row = store.get_procedure(session, code)
            if row is None or row.status != "active":
                return None
            return store.to_schema(row)

    def _question(self, tracker: Tracker) -> str | None:
        """The citizen's words with abbreviations spelled out ("cccd"), where they typed
        them rather than clicked; without diacritics as typed (the spelled-out words would
        bring some back, and the words are compared without them)."""
        text = _text(tracker)
        if not text or text.startswith("/"):
            return None
        return self.services.search.spell_out(text) if has_diacritics(text) else text

    def _answer(
        self,
        dispatcher: CollectingDispatcher,
        code: str | None,
        facets: list[Facet],
        tracker: Tracker,
        full: bool = False,
    ) -> list[EventType]:
        procedure = self.procedure(code) if code else None
        done = [SlotSet("pending_facet", None), SlotSet(VARIANTS, None), SlotSet(OFFERED, None)]
        if procedure is None:
            _say(dispatcher, messages.not_found(self.profile))
            return done
        reply = answer(
            procedure,
            facets,
            self.profile,
            today=self.services.today(),
            place=messages.plain(tracker.get_slot("place")),
            # A clarification's button fills the slot before this runs: still a first mention.
            first_mention=_intent(tracker) == CHOOSE_PROCEDURE
            or tracker.get_slot("procedure_code") != procedure.code,
            full=full,
            question=self._question(tracker),
        )
        buttons = []
        if reply.more:
            more = reply.more
            entities = json.dumps({"procedure_code": procedure.code, "facet": more.value})
            title = (
                messages.MORE_DOCUMENTS_BUTTON if more is Facet.documents else messages.MORE_BUTTON
            )
            buttons.append({"title": title, "payload": f"/{SHOW_MORE}{entities}"})
        if procedure.portal_url:
            buttons.append({"title": messages.SOURCE_BUTTON, "payload": procedure.portal_url})
        for part in reply.messages[:-1]:
            _say(dispatcher, part)
        _say(dispatcher, reply.messages[-1], buttons)
        # Machine-readable: which procedure and facet the answer came from. The widget shows
        # its feedback buttons under such answers; REST integrators can link the record.
        dispatcher.utter_message(
            json_message={"answer": {"procedure_code": procedure.code, "facet": facets[0].value}}
        )
        return [
            SlotSet("procedure_code", procedure.code),
            SlotSet(ANSWERED, _names(facets)),
            *done,
        ]


class ActionGreet(ServiceAction):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        _say(dispatcher, messages.greeting(self.profile))
        return []


class ActionAnswerProcedure(ServiceAction):
    """Answer the asked facet of the procedure the message is about."""

    def name(self) -> str:
        return "action_answer_procedure"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = _intent(tracker)
        pending = _pending_facets(tracker)
        current = tracker.get_slot("procedure_code")
        chosen = next(tracker.get_latest_entity_values("procedure_code"), None)
        if intent == CHOOSE_PROCEDURE:
            facets = pending or [Facet.general]
            return self._answer(dispatcher, chosen or current, facets, tracker)
        if intent == SHOW_MORE:
            facet = next(tracker.get_latest_entity_values("facet"), None)
            facets = [Facet(facet)] if facet in Facet.__members__ else [Facet.documents]
            return self._answer(dispatcher, chosen or current, facets, tracker, full=True)
        text = _text(tracker)
        facets = _facets_asked(text, INTENT_FACETS.get(intent), tracker)
        if facets == [Facet.general] and pending:
            # The citizen named the procedure we asked about ("đăng ký khai sinh").
            facets = pending
        offered = self._offered(tracker) if pending else {}
        chosen_by_words = typed_choice(text, offered) if offered else None
        if chosen_by_words:
            # The citizen typed the choice instead of clicking it ("cấp xã").
            return self._answer(dispatcher, chosen_by_words, pending, tracker)
        typed = find_procedure_code(text)
        if typed and self.procedure(typed):
            # A code from the portal or the counter ("1.004194") names the procedure itself.
            return self._answer(dispatcher, typed, facets, tracker)
        resolution = await self.resolve(text, current)
        return self.respond(dispatcher, tracker, resolution, facets)

    async def resolve(self, text: str, current: str | None) -> Resolution:
        """Search off the event loop, so other conversations are served meanwhile."""
        procedure = self.procedure(current) if current else None
        search = self.services.search

        def resolved() -> Resolution:
            return resolve(
                text,
                current,
                search,
                self.services.clarify_margin,
                current_name=procedure.name if procedure else None,
                # Read in the thread: after a reindex, the first call loads the index.
                actions=search.action_phrases() if procedure else None,
            )

        return await asyncio.to_thread(resolved)

    async def answer_a_confident_match(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        otherwise: str,
        buttons: list[dict] | None = None,
        follow_ups: bool = True,
    ) -> list[EventType]:
        """Answer the procedure a message names, whatever the intent classifier made of it
        ("mình muốn mở quán cà phê nhỏ ở nhà" read as out of scope); else say ``otherwise``
        (with ``buttons``). ``follow_ups``: a question about the procedure under discussion
        is answered too.
        """
        text = _text(tracker)
        current = tracker.get_slot("procedure_code")
        resolution = await self.resolve(text, current) if text else Resolution(Outcome.not_found)
        if resolution.outcome in (Outcome.found, Outcome.clarify) or (
            # "nộp trực tiếp thì tổng cộng bn ngày" asks something of the procedure under
            # discussion; a remark on another subject asks nothing of it.
            follow_ups and resolution.outcome is Outcome.current and cued_facets(text)
        ):
            facets = _pending_facets(tracker) or _facets_asked(text, None, tracker)
            return self.respond(dispatcher, tracker, resolution, facets)
        _say(dispatcher, otherwise, buttons)
        return []

    def _kept_hits(self, tracker: Tracker, slot: str) -> list[SearchHit]:
        """The procedures a slot keeps ("3.000347,3.000348"), as buttons would show them."""
        hits = []
        for code in (tracker.get_slot(slot) or "").split(","):
            procedure = self.procedure(code) if code else None
            if procedure is not None:
                hits.append(SearchHit(code, procedure.name, procedure.levels, None, 1, 1, 1))
        return hits

    def _offered(self, tracker: Tracker) -> dict[str, str]:
        """The offered buttons' codes and titles, as the citizen saw them."""
        hits = self._kept_hits(tracker, OFFERED)
        return {hit.code: messages.button_title(hit, hits) for hit in hits}

    def _variants_under_discussion(
        self, tracker: Tracker, resolution: Resolution
    ) -> list[SearchHit]:
        """The variants answered together last time, if this question is still about them."""
        if resolution.outcome is not Outcome.current:
            return []
        hits = self._kept_hits(tracker, VARIANTS)
        codes = {hit.code for hit in hits}
        return hits if len(hits) > 1 and resolution.code in codes else []

    def _same_answer(self, resolution: Resolution, facets: list[Facet]) -> list[str] | None:
        """The candidates' names when every one gives the same answer to ``facets``."""
        if facets == [Facet.general]:
            return None
        today = self.services.today()
        answers = set()
        for hit in resolution.candidates:
            procedure = self.procedure(hit.code)
            if procedure is None:
                return None
            parts = [facet_answer(procedure, facet, self.profile, today) for facet in facets]
            if any(part is None for part in parts):
                return None
            answers.add(tuple(part.text for part in parts if part))
        if len(answers) != 1:
            return None
        return [
            f"{messages.button_title(hit, resolution.candidates)} (mã {hit.code})"
            for hit in resolution.candidates
        ]

    def respond(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        resolution: Resolution,
        facets: list[Facet],
    ) -> list[EventType]:
        facet = facets[0]
        waiting = [SlotSet("pending_facet", _names(facets))]
        variants = self._variants_under_discussion(tracker, resolution)
        if variants:
            # Answered together before; this question may tell them apart.
            resolution = Resolution(Outcome.clarify, candidates=variants)
        if resolution.outcome in (Outcome.current, Outcome.found) and resolution.code:
            return self._answer(dispatcher, resolution.code, facets, tracker)
        if resolution.outcome is Outcome.clarify and (
            same := self._same_answer(resolution, facets)
        ):
            # The close variants say the same of what was asked: answer, naming them, and
            # keep them, so that a later question they answer differently asks which.
            _say(dispatcher, messages.same_for_variants(same, facets[0]))
            codes = ",".join(hit.code for hit in resolution.candidates)
            events = self._answer(dispatcher, resolution.candidates[0].code, facets, tracker)
            return [*events, SlotSet(VARIANTS, codes)]
        if resolution.outcome is Outcome.clarify:
            return [*waiting, *_offer(dispatcher, messages.clarify(facet), resolution.candidates)]
        if resolution.outcome is Outcome.ask_which:
            if offered := self._kept_hits(tracker, OFFERED):
                # "bao lâu thì xong?" instead of a click: the same choice, for this question.
                return [*waiting, *_offer(dispatcher, messages.clarify(facet), offered)]
            _say(dispatcher, messages.ask_which(facet))
            return waiting
        _say(dispatcher, messages.not_found(self.profile))
        return []


class ActionFallback(ActionAnswerProcedure):
    """Not understood as a kind of question: a named procedure still gets its overview."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await self.answer_a_confident_match(
            dispatcher, tracker, messages.not_understood(self.profile)
        )


class ActionDossierStatus(ActionAnswerProcedure):
    """A dossier's status by its receipt code; a question about a procedure that the
    classifier took for one ("nộp hs vào lớp 1, xin thêm bản sao thì bn tiền") is answered."""

    def name(self) -> str:
        return "action_dossier_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = _text(tracker)
        code = find_receipt_code(text)
        typed = find_procedure_code(text) if code is None else None
        if typed and self.procedure(typed):
            # "1.004194" is a procedure's code, not a receipt's: open the procedure.
            return self._answer(dispatcher, typed, asked_facets(text, None), tracker)
        if code is None:
            if looks_like_a_code(text):
                _say(dispatcher, messages.malformed_receipt_code())
                return []
            if not cued_facets(text):
                _say(dispatcher, messages.ask_receipt_code())
                return []
            # "hồ sơ của tôi bao giờ có kết quả" is about the citizen's own dossier, not the
            # procedure under discussion; where the message names a procedure, its answer
            # comes first and the way to look up a dossier after it.
            events = await self.answer_a_confident_match(
                dispatcher, tracker, messages.ask_receipt_code(), follow_ups=False
            )
            if events:
                _say(dispatcher, messages.ask_receipt_code())
            return events
        if not self.services.dossier_lookups.allows(tracker.sender_id or ""):
            _say(dispatcher, messages.too_many_lookups(self.profile))
            return []
        try:
            status = self.services.dossiers.lookup(code)
        except Exception:  # the province's system is down or answers nonsense
            # Receipt codes stay out of the logs (they lead to a person's dossier).
            logger.exception("The dossier status provider failed")
            _say(dispatcher, messages.dossier_lookup_failed(code, self.profile))
            return [SlotSet("receipt_code", code)]
        if status is None:
            _say(dispatcher, messages.dossier_not_found(code, self.profile))
        else:
            _say(dispatcher, messages.dossier_status(status))
        return [SlotSet("receipt_code", code)]


class ActionHandoff(ActionAnswerProcedure):
    """How to reach a person; a message naming no person but a procedure ("tranh chấp
    với hàng xóm, muốn nhờ xã hòa giải thì nộp đơn ở đâu") gets that procedure's answer."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        handoff = messages.handoff(self.profile)
        buttons = messages.contact_buttons(self.profile)
        if asks_for_a_person(_text(tracker)):
            _say(dispatcher, handoff, buttons)
            return []
        return await self.answer_a_confident_match(dispatcher, tracker, handoff, buttons)


class ActionOutOfScope(ActionAnswerProcedure):
    """Read as out of scope; a procedure that search is confident of is still answered, and
    so is a question about the one under discussion (``answer_a_confident_match``)."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await self.answer_a_confident_match(
            dispatcher, tracker, messages.out_of_scope(self.profile)
        )


class ActionRecordFeedback(ServiceAction):
    """Keep the citizen's verdict on the last answer for administrators, then reply."""

    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        helpful = _intent(tracker) == "feedback_good"
        try:
            with self.services.sessions.begin() as session:
                session.add(
                    AnswerFeedback(
                        conversation_id=tracker.sender_id[:128],
                        # The rated answer's procedure where the channel says which (the
                        # widget's buttons); else the one under discussion.
                        procedure_code=next(
                            tracker.get_latest_entity_values("procedure_code"), None
                        )
                        or tracker.get_slot("procedure_code"),
                        helpful=helpful,
                        # Channels mask before Rasa; masked again here, whoever called.
                        comment=mask(tracker.latest_message.get("text") or "").strip()[:500]
                        or None,
                    )
                )
        except Exception:  # feedback is worth a log line, not a failed conversation
            logger.exception("Could not store feedback for %s", tracker.sender_id)
        _say(dispatcher, messages.thanks_for_feedback(helpful, self.profile))
        return []


FORGOTTEN = "forgotten"


class ActionForgetConversation(ServiceAction):
    """Delete what the app stored about a conversation (the widget's "Xóa cuộc trò
    chuyện", a Zalo user's withdrawal).

    Run by the channel through Rasa, which then deletes the tracker itself; never predicted.
    """

    def name(self) -> str:
        return "action_forget_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with self.services.sessions.begin() as session:
            session.execute(
                delete(AnswerFeedback).where(
                    AnswerFeedback.conversation_id == tracker.sender_id[:128]
                )
            )
            forget_turns(session, tracker.sender_id)
        # The channel deletes the tracker, and confirms to the citizen, only on this word.
        dispatcher.utter_message(json_message={FORGOTTEN: True})
        return []


ACTIONS: list[type[ServiceAction]] = [
    ActionGreet,
    ActionAnswerProcedure,
    ActionFallback,
    ActionDossierStatus,
    ActionHandoff,
    ActionOutOfScope,
    ActionRecordFeedback,
    ActionForgetConversation,
]


def build_executor(services: ActionServices) -> ActionExecutor:
    """rasa_sdk's executor with every action registered, as an action server would have."""
    executor = ActionExecutor()
    for action_class in ACTIONS:
        executor.register_action(action_class(services))
    return executor
