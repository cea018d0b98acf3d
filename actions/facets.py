"""The kinds of question a citizen asks about a procedure, and the intents that ask them."""

from __future__ import annotations

from enum import Enum


class Facet(str, Enum):
    general = "general"
    documents = "documents"
    fee = "fee"
    processing_time = "processing_time"
    where_to_submit = "where_to_submit"
    steps = "steps"
    legal_basis = "legal_basis"
    conditions = "conditions"
    result = "result"
    online_submission = "online_submission"


INTENT_FACETS: dict[str, Facet] = {
    "ask_procedure": Facet.general,
    "ask_documents": Facet.documents,
    "ask_fee": Facet.fee,
    "ask_processing_time": Facet.processing_time,
    "ask_where_to_submit": Facet.where_to_submit,
    "ask_steps": Facet.steps,
    "ask_legal_basis": Facet.legal_basis,
    "ask_conditions": Facet.conditions,
    "ask_result": Facet.result,
    "ask_online_submission": Facet.online_submission,
}
