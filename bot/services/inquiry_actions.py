"""Buttons and forms on any platform: one entry point, `perform`, for every action verb.

A platform adapter maps its own ids (Slack action and callback ids, Teams `Action.Execute`
verbs) to an ActionVerb, reads the payload (the inquiry number, a note, an ETA, a form) and
calls `perform` inside the transaction it opens. Each request carries the adapter's
idempotency key: the same delivery twice (a retry, a replayed request) acts once, and with
`intent` the same button pressed twice in a moment (a double click, which Slack sends with two
keys) acts once too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import EtaSpec
from bot.domain.inquiry import Actor
from bot.errors import DomainError
from bot.ports import ActionVerb, MessageRef, Platform
from bot.services import inquiries as svc
from bot.services.handoffs import transfer_inquiry
from bot.services.inquiry_forms import NewInquiryForm
from bot.services.intake import make_draft, tracked_notice
from bot.services.receipts import DOUBLE_CLICK, claim_action
from bot.services.reminders import Snoozed, snooze_reminders
from bot.services.results import Replayed, Said


@dataclass(frozen=True)
class ActionRequest:
    """Who does what to which inquiry, with the verb's payload."""

    verb: ActionVerb
    user_id: str
    platform: Platform = "slack"
    number: int | None = None  # every verb but create and snooze
    note: str = ""  # progress, resolve, reopen ("" → ask for it)
    eta: EtaSpec | None = None  # set_eta (None → ask for it)
    form: NewInquiryForm | None = None  # create
    source: MessageRef | None = None  # create: the message the inquiry tracks
    author_id: str | None = None  # create: that message's author (staff track on behalf)
    reminder_ids: tuple[int, ...] = ()  # snooze
    minutes: int = 0  # snooze
    to_user: str | None = None  # transfer (None → ask for the colleague; the reason is `note`)
    key: str | None = None  # this delivery's idempotency key (a retry carries the same)
    intent: str | None = None  # the same button of the same message by the same person


@dataclass(frozen=True)
class AskFor:
    """The verb needs input first: show its form (ETA, or a note) for inquiry #number."""

    verb: ActionVerb
    number: int
    today: date  # the company's date, the ETA form's first choice


@dataclass(frozen=True)
class Done:
    """The verb was applied; `said` is what to tell the person who acted (None: nothing)."""

    verb: ActionVerb
    number: int
    said: Said | None = None


@dataclass(frozen=True)
class Created:
    """A submitted form's inquiry: opened now (`created`), or the message already was one."""

    number: int
    created: bool
    said: Said  # "created, expect …" (a customer: the promise made to them) or "already tracked"


@dataclass(frozen=True)
class SnoozedNudge:
    """A nudge's obligations, postponed: until when, and which."""

    snoozed: Snoozed


ActionResult = AskFor | Done | Created | SnoozedNudge | Replayed
Verb = Callable[[AsyncSession, Deps, ActionRequest, Actor], Awaitable[ActionResult]]

# The verbs that take a note, with the lifecycle action each is in bot.domain.inquiry.
NOTE_ACTIONS = {
    ActionVerb.PROGRESS: "progress",
    ActionVerb.RESOLVE: "resolve",
    ActionVerb.REOPEN: "reopen",
}


MAX_NUMBER = 999_999_999


def number_of(value: object) -> int:
    """The inquiry number a button or card action carries; anything else is refused with a
    clear message."""
    text = str(value or "").strip().lstrip("#")
    if len(text) > 9 or not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_NUMBER:
        raise DomainError("inquiry.error.bad_ref", ref=str(value or "")[:40])
    return int(text)


def _number(request: ActionRequest) -> int:
    assert request.number is not None, f"{request.verb} needs an inquiry number"
    return request.number


async def _ask(
    session: AsyncSession, deps: Deps, request: ActionRequest, actor: Actor, action: str
) -> ActionResult:
    """Open the verb's form only for someone who may act on the inquiry as it is now."""
    inquiry = await svc.load_for(session, deps, _number(request), actor, action)
    if request.intent and not await claim_action(
        session, deps, request.intent, window=DOUBLE_CLICK
    ):
        return Replayed()  # a double click: its form was shown already
    today = deps.clock.now().astimezone(deps.tz).date()
    return AskFor(request.verb, inquiry.number, today)


async def _assign_me(
    session: AsyncSession, deps: Deps, request: ActionRequest, actor: Actor
) -> ActionResult:
    number = _number(request)
    svc.refuse_customer(actor, "assign", number)
    svc.check_assignable(deps, actor.user_id)
    inquiry = await svc.find_inquiry(session, number, lock=True)
    mine = inquiry.assignee_id == actor.user_id
    if not mine:
        await svc.assign_inquiry(session, deps, number, actor, actor.user_id)
    # a double click: the first click's confirmation is enough
    if mine and await svc.just_taken(session, deps, inquiry, actor.user_id):
        return Done(request.verb, number)
    key = "inquiry.already_yours" if mine else "inquiry.assigned"
    return Done(request.verb, number, Said(key, {"number": number, "user": actor.user_id}))


async def _set_eta(
    session: AsyncSession, deps: Deps, request: ActionRequest, actor: Actor
) -> ActionResult:
    if request.eta is None:
        return await _ask(session, deps, request, actor, "eta")
    moment = svc.resolve_eta(request.eta, deps)
    inquiry = await svc.set_eta(session, deps, _number(request), actor, moment)
    return Done(request.verb, inquiry.number)


async def _note(
    session: AsyncSession, deps: Deps, request: ActionRequest, actor: Actor
) -> ActionResult:
    action = NOTE_ACTIONS[request.verb]
    if not request.note:
        return await _ask(session, deps, request, actor, action)
    number = _number(request)
    if action == "resolve":
        await svc.resolve_inquiry(session, deps, number, actor, request.note)
    elif action == "reopen":
        await svc.reopen_inquiry(session, deps, number, actor, request.note)
    else:
        await svc.add_progress(session, deps, number, actor, request.note)
    return Done(request.verb, number)


async def _create(
    session: AsyncSession, deps: Deps, request: ActionRequest, actor: Actor
) -> ActionResult:
    form = request.form
    assert form is not None, "create needs a form"
    # Only staff track someone else's message on their behalf; a customer is their own requester.
    author = request.author_id if actor.is_staff else None
    draft = make_draft(
        kind=form.kind,
        title=form.title,
        requester_id=author or actor.user_id,
        via="shortcut" if request.source else "modal",
        source=request.source,
        created_by=actor.user_id,
        detail=form.detail,
        customer=form.customer,
        contact=form.contact,
        due=form.due,
        assignee_id=form.assignee,
    )
    opened = await svc.open_inquiry(session, deps, draft)
    inquiry = opened.inquiry
    if not opened.created:
        return Created(inquiry.number, False, tracked_notice(deps, inquiry, actor.user_id))
    key = "inquiry.created" if actor.is_staff else "inquiry.notify.received"
    params = {
        "number": inquiry.number,
        "title": form.title,
        "deadline": svc.fmt_time(inquiry.deadline_at, deps, relative=True),
    }
    return Created(inquiry.number, True, Said(key, params))


async def _transfer(
    session: AsyncSession, deps: Deps, request: ActionRequest, actor: Actor
) -> ActionResult:
    if request.to_user is None:
        return await _ask(session, deps, request, actor, "assign")  # as transfer_inquiry
    inquiry = await transfer_inquiry(
        session, deps, _number(request), actor, request.to_user, request.note
    )
    said = Said("inquiry.transferred", {"number": inquiry.number, "user": request.to_user})
    return Done(request.verb, inquiry.number, said)


async def _snooze(
    session: AsyncSession, deps: Deps, request: ActionRequest, actor: Actor
) -> ActionResult:
    # A double click snoozes once, and both clicks are answered (what was snoozed).
    first = not request.intent or await claim_action(
        session, deps, request.intent, window=DOUBLE_CLICK
    )
    snoozed = await snooze_reminders(
        session,
        deps,
        ids=list(request.reminder_ids),
        minutes=request.minutes,
        user_id=actor.user_id,
        record=first,
    )
    return SnoozedNudge(snoozed)


VERBS: dict[ActionVerb, Verb] = {
    ActionVerb.CREATE: _create,
    ActionVerb.ASSIGN_ME: _assign_me,
    ActionVerb.SET_ETA: _set_eta,
    ActionVerb.PROGRESS: _note,
    ActionVerb.RESOLVE: _note,
    ActionVerb.REOPEN: _note,
    ActionVerb.SNOOZE: _snooze,
    ActionVerb.TRANSFER: _transfer,
}


async def perform(session: AsyncSession, deps: Deps, request: ActionRequest) -> ActionResult:
    """Apply a verb once per delivery (Replayed for the same key again), in the caller's
    transaction; refusals raise DomainError (not found, forbidden, bad state, bad input)."""
    if request.key and not await claim_action(session, deps, request.key):
        return Replayed()
    actor = Actor(user_id=request.user_id, is_staff=deps.is_staff(request.user_id))
    return await VERBS[request.verb](session, deps, request, actor)
