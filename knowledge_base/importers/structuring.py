"""Structuring at import: a procedure's facts read from its text (``knowledge_base.facts``).

``structure`` is applied to every imported or seeded procedure before it is stored, so
that answers quote structured facts (an amount, a unit) and never re-read raw cells. Each
change it makes to what the portal wrote is returned as a ``Normalisation`` (field and
reason), which the import report counts.
"""

from __future__ import annotations

from knowledge_base.facts.documents import is_boilerplate, stated_copies, strip_marker
from knowledge_base.facts.durations import is_bare_number, recover_unit
from knowledge_base.facts.fees import FeeKind, parse_fee
from knowledge_base.schemas import ProcedureIn

Normalisation = tuple[str, str]


def structure(procedure: ProcedureIn) -> tuple[ProcedureIn, list[Normalisation]]:
    """The procedure with structured fees, times with units, clean documents."""
    done: list[Normalisation] = []
    channels = []
    own_text = [*procedure.steps, procedure.conditions or ""]
    for channel in procedure.channels:
        update: dict[str, object] = {}
        if channel.fee_kind is None:
            fee = parse_fee(channel.fee)
            update.update(
                fee_kind=fee.kind,
                fee_items=fee.items,
                fee_remarks=fee.remarks,
                fee_references=fee.references,
            )
            said_free = (channel.fee or "").strip().casefold().startswith("miễn phí")
            if said_free and fee.kind is FeeKind.amounts:
                done.append(("channels.fee", "'Miễn phí' cell whose note names amounts"))
            elif said_free and fee.kind is FeeKind.regulation:
                done.append(("channels.fee", "'Miễn phí' cell whose note names a regulation"))
            if fee.kind is FeeKind.unclear:
                done.append(("channels.fee", "not readable as amounts, a rule or free: quoted"))
            if fee.kind is FeeKind.amounts and len(fee.items) > 1:
                done.append(("channels.fee", "several amounts read as items"))
            if any(item.valid_until for item in fee.items) or fee.remarks:
                done.append(("channels.fee", "amount with a validity period"))
        time = channel.processing_time
        if channel.time_unit is None and time is not None and is_bare_number(time):
            number = float(time.replace(",", "."))
            unit = recover_unit(number, [*own_text, channel.description or ""])
            if unit:
                # The cell stays as the portal wrote it; the unit says where it came from.
                update.update(processing_days=number, time_unit=unit)
                done.append(("channels.processing_time", "unit recovered from the record's text"))
            else:
                done.append(("channels.processing_time", "number without a unit: not stated"))
        channels.append(channel.model_copy(update=update))
    documents = []
    for document in procedure.documents:
        if is_boilerplate(document.name):
            done.append(("documents", "table boilerplate dropped (số lượng hồ sơ)"))
            continue
        name, copies = strip_marker(document.name), stated_copies(document.copies)
        if name != document.name:
            done.append(("documents.name", "list marker removed"))
        if copies != document.copies:
            done.append(("documents.copies", "zero counts dropped (not stated)"))
        documents.append(
            document.model_copy(update={"name": name or document.name, "copies": copies})
        )
    return procedure.model_copy(update={"channels": channels, "documents": documents}), done
