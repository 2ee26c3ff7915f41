"""Buttons and forms of the desk on any platform: a neutral verb, a visit number and what the
form carried, performed in one transaction (the caller's), acted on once per delivery."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import MAX_NOTE_CHARS
from bot.domain.visits import id_number_in_any
from bot.errors import DomainError
from bot.ports import Platform
from bot.services.receipts import DOUBLE_CLICK, claim_action
from bot.services.results import Replayed, Said
from bot.services.visits import checkout, desk, fieldvisits, host
from bot.services.visits.common import VisitVerb, find_field_visit


@dataclass(frozen=True)
class VisitAction:
    """One press of a desk button, or one submitted desk form."""

    verb: VisitVerb
    user_id: str
    number: int = 0
    platform: Platform = "slack"
    room: str = ""
    reason: str = ""  # "can't meet now": without one, the form is asked for
    draft: desk.VisitDraft | None = None  # the registration form
    outcome: str = ""  # the field visit's result form
    next_steps: str = ""
    key: str | None = None  # this delivery's identity
    intent: str | None = None  # which button of which message (a double click counts once)


@dataclass(frozen=True)
class AskReason:
    """Show the "can't meet now" form (a reason is needed)."""

    number: int


@dataclass(frozen=True)
class AskReport:
    """Show the field visit's result form."""

    number: int


VisitActionResult = Said | AskReason | AskReport | Replayed


def refuse_id_numbers_in_form(values: list[str]) -> None:
    """A form whose fields hold an ID number is refused whole (nothing stored or logged)."""
    found = id_number_in_any(values)
    if found is not None:
        raise DomainError(f"visit.error.id_number_{found.value}")


async def perform_visit_action(
    session: AsyncSession, deps: Deps, action: VisitAction
) -> VisitActionResult:
    """Do what a desk button or form says; refusals are DomainErrors."""
    refuse_id_numbers_in_form(
        [action.reason, action.outcome, action.next_steps, action.room]
        + (
            [
                action.draft.visitor,
                action.draft.company,
                action.draft.phone,
                action.draft.purpose,
                action.draft.notes,
            ]
            if action.draft
            else []
        )
    )
    if action.verb == VisitVerb.DECLINE and not action.reason:
        await host.answerable(session, deps, action.user_id, action.number, action.verb)
        return AskReason(action.number)
    if action.verb == VisitVerb.REPORT and not action.outcome:
        await find_field_visit(session, action.number)
        return AskReport(action.number)
    if len(action.reason) > MAX_NOTE_CHARS or len(action.outcome) > MAX_NOTE_CHARS:
        raise DomainError("visit.error.too_long", limit=str(MAX_NOTE_CHARS))
    if action.key and not await claim_action(session, deps, action.key):
        return Replayed()
    if action.intent and not await claim_action(session, deps, action.intent, window=DOUBLE_CLICK):
        return Replayed()
    user, number = action.user_id, action.number
    if action.verb == VisitVerb.MET:
        visit, late = await host.meet(session, deps, user, number)
        return Said(
            "visit.met" if late else "visit.met_on_time",
            {**desk.params_of(visit, deps), "late": late},
        )
    if action.verb in (VisitVerb.COMING, VisitVerb.SEND_ROOM, VisitVerb.DECLINE):
        visit = await host.host_answer(
            session, deps, user, number, action.verb, room=action.room, reason=action.reason
        )
        key = {
            VisitVerb.COMING: "visit.answered_coming",
            VisitVerb.SEND_ROOM: "visit.answered_send_room",
        }.get(action.verb, "visit.answered_declined")
        return Said(key, {**desk.params_of(visit, deps), "room": action.room or visit.room})
    if action.verb in (VisitVerb.BADGE_BACK, VisitVerb.ID_BACK):
        what = {"badge"} if action.verb == VisitVerb.BADGE_BACK else {"id"}
        out = await checkout.returned(session, deps, user, number, what)
        key = "visit.all_returned" if not (out.badge_out or out.id_out) else "visit.still_out"
        return Said(key, desk.params_of(out.visit, deps))
    if action.verb == VisitVerb.REGISTER:
        assert action.draft is not None
        visit, over = await desk.register_visit(session, deps, user, action.draft)
        params = desk.params_of(visit, deps)
        return Said("visit.registered_over" if over else "visit.registered", params)
    visit_f = await fieldvisits.report_field_visit(
        session, deps, user, number, outcome=action.outcome, next_steps=action.next_steps
    )
    return Said("visit.fieldvisit.report_recorded", fieldvisits.params_of(visit_f))
