"""Inquiry use cases: open, assign, ETA, progress, milestone, hold, resume, resolve, reopen."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import EtaSpec
from bot.domain.durations import DurationError, parse_duration, too_far_ahead
from bot.domain.inquiry import STAFF_ONLY, Actor, Kind, Status, can, may, status_after
from bot.domain.sla import (
    current_deadline,
    deadline_state,
    end_of_business_day,
    reopen_window,
    shift_for_pause,
    verdicts,
)
from bot.domain.text import sanitize
from bot.errors import Conflict, DomainError, Forbidden, NotFound
from bot.i18n import guess_lang, timed
from bot.ports import MessageRef, Platform, ToPerson, ToThread
from bot.services.formatting import fmt_time as fmt_time  # noqa: PLC0414 (re-export)
from bot.services.outbox import (
    configured_platforms,
    enqueue_card_sync,
    enqueue_internal_message,
    enqueue_message,
)
from bot.services.refs import (
    CARD,
    SOURCE,
    messages_of,
    permalink_of,
    permalinks,
    remember_message,
)
from bot.services.reminders import sync_reminders
from storage.models import Inquiry, InquiryEvent
from storage.repos.inquiries import (
    INQUIRY,
    add_event,
    add_inquiry,
    get_inquiry,
    get_inquiry_by_card,
    get_inquiry_by_source,
    list_events,
    list_inquiries,
    next_number,
)

MAX_TITLE = 200
MAX_DETAIL = 3000


@dataclass(frozen=True)
class Draft:
    """What is needed to open an inquiry, from whichever source."""

    kind: Kind
    title: str
    requester_id: str
    detail: str = ""
    customer: str = ""
    contact: str = ""
    due: date | None = None
    assignee_id: str | None = None
    source: str = "command"
    source_message: MessageRef | None = None  # the chat message it is opened from, if any
    created_by: str | None = None  # who is opening it, when not the requester (shortcut)


@dataclass(frozen=True)
class CustomerUpdate:
    """One update the customer was told about: when, what kind, and its public text."""

    at: str
    kind: str
    text: str


@dataclass(frozen=True)
class CustomerView:
    """What a customer may see of an inquiry they requested (never internal fields)."""

    number: int
    title: str
    status: str
    eta: str  # the ETA promised to them, "" when none was given
    open: bool
    updates: tuple[CustomerUpdate, ...] = ()


@dataclass(frozen=True)
class StaffView:
    """Everything about an inquiry, for staff: the row and its whole history."""

    inquiry: Inquiry
    events: list[InquiryEvent]


# History entries whose text was sent to the requester; everything else stays internal.
PUBLIC_EVENTS = frozenset(
    {"created", "eta", "progress", "milestone", "hold", "resume", "resolved", "reopened"}
)


@dataclass(frozen=True)
class Opened:
    """The result of open_inquiry: the inquiry and whether it already existed."""

    inquiry: Inquiry
    created: bool


TITLE_SUMMARY = 80
_SENTENCE_END = re.compile(r"(?<=[.!?。？！])\s")


def title_from_text(text: str) -> str:
    """A short summary of message text: its first sentence, or 80 characters at a word break.

    The full text stays the inquiry's detail; the title is what lists, cards and nudges show.
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = _SENTENCE_END.split(first, maxsplit=1)[0].strip()
    if len(first) <= TITLE_SUMMARY:
        return first
    cut = first[: TITLE_SUMMARY - 1]
    space = cut.rfind(" ")
    if space >= TITLE_SUMMARY // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def _deadline(inquiry: Inquiry, deps: Deps) -> datetime | None:
    if inquiry.status in (Status.RESOLVED, Status.CLOSED):
        return None
    due = inquiry.due_date.astimezone(deps.tz).date() if inquiry.due_date else None
    return current_deadline(
        kind=Kind(inquiry.kind),
        created_at=inquiry.sla_start_at,
        due=due,
        first_response_at=inquiry.first_response_at,
        eta_at=inquiry.eta_at,
        cal=deps.calendar,
        policy=deps.policy,
    )


async def _record(
    session: AsyncSession,
    inquiry: Inquiry,
    actor_id: str,
    kind: str,
    now: datetime,
    *,
    old: Any = None,
    new: Any = None,
    note: str = "",
) -> InquiryEvent:
    assert inquiry.id is not None
    event = InquiryEvent(
        inquiry_id=inquiry.id,
        at=now,
        actor_id=actor_id,
        kind=kind,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        note=note,
    )
    await add_event(session, event)
    await session.flush()
    return event


async def _sync_card(
    session: AsyncSession, inquiry: Inquiry, event: InquiryEvent, deps: Deps
) -> None:
    """After every change: recompute reminders and queue the card update."""
    await sync_reminders(session, deps, inquiry)
    assert inquiry.id is not None
    # Where triage is configured, and wherever the card already lives (kept up to date there).
    platforms: list[Platform] = configured_platforms(deps, "triage")
    for card in await messages_of(session, INQUIRY, inquiry.id, CARD):
        if card.platform not in platforms:
            platforms.append(card.platform)
    await enqueue_card_sync(
        session,
        key=f"card:{inquiry.id}:{event.id}",
        inquiry_id=inquiry.id,
        platforms=platforms,
        now=event.at,
    )


async def _tell_requester(
    session: AsyncSession,
    inquiry: Inquiry,
    event: InquiryEvent,
    deps: Deps,
    text_key: str,
    **params: Any,
) -> None:
    """Tell the requester in the source thread, or by DM when it did not come from a message.

    Short on purpose: the inquiry is named by number only (the customer knows what they wrote),
    in the requester's language, times marked with `timed` so the sender writes them for them.
    """
    params = {"number": inquiry.number, **params}
    assert inquiry.id is not None
    sources = await messages_of(session, INQUIRY, inquiry.id, SOURCE)
    if sources:
        await enqueue_message(
            session,
            key=f"tell:{event.id}",
            recipient=ToThread(INQUIRY, inquiry.id, SOURCE),
            platform=sources[0].platform,
            text_key=text_key,
            params=params,
            now=event.at,
            reader=inquiry.requester_id,
            first=guess_lang(f"{inquiry.title}\n{inquiry.detail}"),
        )
    elif event.actor_id != inquiry.requester_id:
        await enqueue_message(
            session,
            key=f"tell:{event.id}",
            recipient=ToPerson(inquiry.requester_id),
            text_key=text_key,
            params=params,
            now=event.at,
        )


async def open_inquiry(session: AsyncSession, deps: Deps, draft: Draft) -> Opened:
    """Open an inquiry (once per source message), post its card and acknowledge the source."""
    if draft.source_message is not None:
        existing = await get_inquiry_by_source(
            session,
            channel=draft.source_message.conversation_id,
            ts=draft.source_message.message_id,
            platform=draft.source_message.platform,
        )
        if existing is not None:
            return Opened(existing, created=False)
    if draft.assignee_id:
        if not deps.is_staff(draft.created_by or draft.requester_id):
            raise Forbidden("inquiry.error.customer_assignee")
        check_assignable(deps, draft.assignee_id)
    if draft.kind == Kind.REGULATORY and draft.due is None:
        raise DomainError("inquiry.error.regulatory_needs_due", usage="inquiry.usage.new")
    now = deps.clock.now()
    if draft.due is not None and end_of_business_day(draft.due, deps.calendar) < now:
        raise DomainError("inquiry.error.due_in_past", due=draft.due.isoformat())
    _refuse_far(draft.due, deps, now, "inquiry.usage.new")
    title = sanitize(draft.title).strip()[:MAX_TITLE] or "-"
    inquiry = Inquiry(
        number=await next_number(session),
        kind=draft.kind.value,
        status=Status.ACKNOWLEDGED.value if draft.assignee_id else Status.NEW.value,
        title=title,
        detail=sanitize(draft.detail)[:MAX_DETAIL],
        customer=sanitize(draft.customer)[:200],
        contact=sanitize(draft.contact)[:200],
        requester_id=draft.requester_id,
        assignee_id=draft.assignee_id,
        source=draft.source,
        created_at=now,
        updated_at=now,
        sla_start_at=now,
        due_date=end_of_business_day(draft.due, deps.calendar) if draft.due else None,
    )
    inquiry.deadline_at = _deadline(inquiry, deps)
    await add_inquiry(session, inquiry)
    assert inquiry.id is not None
    if draft.source_message is not None:
        # A second inquiry from the same message (a race) fails here, as the unique source did.
        await remember_message(
            session,
            object_kind=INQUIRY,
            object_id=inquiry.id,
            ref=SOURCE,
            message=draft.source_message,
            now=now,
            first_wins=False,
        )
    event = await _record(
        session, inquiry, draft.requester_id, "created", now, new=inquiry.status, note=title
    )
    if draft.assignee_id:
        await _record(session, inquiry, draft.requester_id, "assigned", now, new=draft.assignee_id)
    await _sync_card(session, inquiry, event, deps)
    if draft.source_message is not None:
        await _tell_requester(
            session,
            inquiry,
            event,
            deps,
            "inquiry.notify.received",
            deadline=timed(inquiry.deadline_at),
        )
    if draft.assignee_id and draft.assignee_id != draft.requester_id:
        await _notify_assignee(session, inquiry, event, deps)
    return Opened(inquiry, created=True)


def check_assignable(deps: Deps, user_id: str) -> None:
    """Refuse anyone who is not in a team as an assignee, naming who may be assigned."""
    if not deps.is_assignable(user_id):
        raise Forbidden(
            "inquiry.error.not_assignable",
            user=user_id,
            assignable_users=deps.config.assignable_in_order()[:20],
        )


async def _notify_assignee(
    session: AsyncSession, inquiry: Inquiry, event: InquiryEvent, deps: Deps
) -> None:
    assert inquiry.assignee_id
    await enqueue_internal_message(
        session,
        deps,
        key=f"assignee:{event.id}",
        recipient=ToPerson(inquiry.assignee_id),
        text_key="inquiry.notify.assigned_to_you",
        params={
            "number": inquiry.number,
            "title": inquiry.title,
            "actor": event.actor_id,
            "deadline": timed(inquiry.deadline_at),
        },
        now=event.at,
    )


async def find_inquiry(session: AsyncSession, number: int, *, lock: bool = False) -> Inquiry:
    """Return inquiry #number or raise NotFound with a clear message."""
    inquiry = await get_inquiry(session, number=number, for_update=lock)
    if inquiry is None:
        raise NotFound("inquiry.error.not_found", number=number)
    return inquiry


async def find_visible(
    session: AsyncSession, number: int, actor: Actor, *, lock: bool = False
) -> Inquiry:
    """Return inquiry #number if actor may see it: staff see all, customers their own.

    A customer asking for someone else's inquiry gets the same NotFound as for a number that
    does not exist, so nobody outside staff can tell which numbers are taken.
    """
    inquiry = await get_inquiry(session, number=number, for_update=lock)
    if inquiry is None or not (actor.is_staff or inquiry.requester_id == actor.user_id):
        raise NotFound("inquiry.error.not_found", number=number)
    return inquiry


def refuse_customer(actor: Actor, action: str, number: int) -> None:
    """Refuse a staff-only action to a customer before any lookup (same answer for every number)."""
    if action in STAFF_ONLY and not actor.is_staff:
        raise Forbidden(
            "inquiry.error.forbidden", action=action, number=number, who_key="inquiry.who.staff"
        )


async def _load_for(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, action: str
) -> Inquiry:
    refuse_customer(actor, action, number)
    inquiry = await find_visible(session, number, actor, lock=True)
    if not may(actor, action, requester_id=inquiry.requester_id):
        who = "inquiry.who.staff" if action != "reopen" else "inquiry.who.requester_or_staff"
        raise Forbidden("inquiry.error.forbidden", action=action, number=number, who_key=who)
    if not can(action, inquiry.status):
        raise Conflict(
            "inquiry.error.bad_state", action=action, number=number, status=inquiry.status
        )
    return inquiry


async def load_for(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, action: str
) -> Inquiry:
    """Return inquiry #number (locked) when actor may apply action to it now; refuse clearly
    otherwise (the checks every use case makes, for a form that asks before acting)."""
    return await _load_for(session, deps, number, actor, action)


def _touch(inquiry: Inquiry, action: str, deps: Deps, now: datetime) -> str:
    old = inquiry.status
    inquiry.status = status_after(action, inquiry.status).value
    inquiry.updated_at = now
    inquiry.deadline_at = _deadline(inquiry, deps)
    return old


async def assign_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, assignee_id: str
) -> Inquiry:
    """Give the inquiry to assignee_id and tell the requester and the assignee."""
    inquiry = await _load_for(session, deps, number, actor, "assign")
    check_assignable(deps, assignee_id)
    now = deps.clock.now()
    old = inquiry.assignee_id
    if old == assignee_id:
        raise Conflict("inquiry.error.already_assigned", number=number, user=assignee_id)
    inquiry.assignee_id = assignee_id
    _touch(inquiry, "assign", deps, now)
    event = await _record(
        session, inquiry, actor.user_id, "assigned", now, old=old, new=assignee_id
    )
    await _sync_card(session, inquiry, event, deps)
    await _tell_requester(
        session, inquiry, event, deps, "inquiry.notify.assigned", user=assignee_id
    )
    if assignee_id != actor.user_id:
        await _notify_assignee(session, inquiry, event, deps)
    return inquiry


def _refuse_far(day: date | None, deps: Deps, now: datetime, usage: str) -> None:
    if day is not None and too_far_ahead(day, now.astimezone(deps.tz).date()):
        raise DomainError("inquiry.error.date_too_far", usage=usage, date=day.isoformat())


def resolve_eta(spec: EtaSpec, deps: Deps) -> datetime:
    """Turn a typed ETA into a moment; refuse the past and unreadable durations."""
    now = deps.clock.now()
    if spec.relative is not None:
        try:
            duration = parse_duration(spec.relative)
        except DurationError as exc:
            raise DomainError(
                "inquiry.error.bad_duration", usage="inquiry.usage.eta", detail=str(exc)
            ) from None
        moment = deps.calendar.add(now, duration)
    else:
        assert spec.day is not None
        _refuse_far(spec.day, deps, now, "inquiry.usage.eta")
        if spec.at is None:
            moment = end_of_business_day(spec.day, deps.calendar)
        else:
            moment = datetime.combine(spec.day, spec.at or time(18), deps.tz)
    if moment <= now:
        raise DomainError(
            "inquiry.error.eta_in_past", usage="inquiry.usage.eta", eta=fmt_time(moment, deps)
        )
    return moment


async def set_eta(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, eta: datetime
) -> Inquiry:
    """Set the expected resolution time and post it to the requester."""
    inquiry = await _load_for(session, deps, number, actor, "eta")
    now = deps.clock.now()
    old = inquiry.eta_at
    inquiry.eta_at = eta
    if inquiry.first_response_at is None:
        inquiry.first_response_at = now
    _touch(inquiry, "eta", deps, now)
    event = await _record(
        session,
        inquiry,
        actor.user_id,
        "eta",
        now,
        old=fmt_time(old, deps) if old else None,
        new=fmt_time(eta, deps),
    )
    await _sync_card(session, inquiry, event, deps)
    await _tell_requester(session, inquiry, event, deps, "inquiry.notify.eta", eta=timed(eta))
    long_request, cal = deps.policy.long_request, deps.calendar
    if long_request.is_business:
        is_long = cal.business_minutes_between(now, eta) > long_request.business_total(
            cal.minutes_per_day
        )
    else:
        is_long = eta - now > long_request.wall
    if (
        inquiry.kind == Kind.REQUEST
        and is_long
        and not any(
            e.kind == "milestone" for e in await list_events(session, inquiry_id=inquiry.id or 0)
        )
    ):
        await enqueue_internal_message(
            session,
            deps,
            key=f"ask-milestones:{event.id}",
            recipient=ToPerson(actor.user_id),
            text_key="inquiry.notify.milestones_needed",
            params={"number": inquiry.number, "title": inquiry.title},
            now=now,
        )
    return inquiry


async def add_progress(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, note: str
) -> Inquiry:
    """Record an interim progress report (also the review result) and send it to the requester."""
    note = sanitize(note)
    inquiry = await _load_for(session, deps, number, actor, "progress")
    now = deps.clock.now()
    if inquiry.first_response_at is None:
        inquiry.first_response_at = now
    _touch(inquiry, "progress", deps, now)
    event = await _record(session, inquiry, actor.user_id, "progress", now, note=note)
    await _sync_card(session, inquiry, event, deps)
    await _tell_requester(session, inquiry, event, deps, "inquiry.notify.progress", note=note)
    return inquiry


async def add_milestone(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, day: date, stage: str
) -> Inquiry:
    """Plan a stage with the date its progress report is due."""
    stage = sanitize(stage)
    inquiry = await _load_for(session, deps, number, actor, "milestone")
    now = deps.clock.now()
    _refuse_far(day, deps, now, "inquiry.usage.milestone")
    if end_of_business_day(day, deps.calendar) < now:
        raise DomainError(
            "inquiry.error.due_in_past", usage="inquiry.usage.milestone", due=day.isoformat()
        )
    _touch(inquiry, "milestone", deps, now)
    event = await _record(
        session,
        inquiry,
        actor.user_id,
        "milestone",
        now,
        new=json.dumps({"date": day.isoformat(), "stage": stage}, ensure_ascii=False),
        note=stage,
    )
    await _sync_card(session, inquiry, event, deps)
    await _tell_requester(
        session, inquiry, event, deps, "inquiry.notify.milestone", date=day.isoformat(), stage=stage
    )
    return inquiry


async def hold_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, reason: str
) -> Inquiry:
    """Pause the SLA clock while waiting for the customer."""
    reason = sanitize(reason)
    inquiry = await _load_for(session, deps, number, actor, "hold")
    now = deps.clock.now()
    inquiry.hold_started_at = now
    old = _touch(inquiry, "hold", deps, now)
    event = await _record(
        session, inquiry, actor.user_id, "hold", now, old=old, new=inquiry.status, note=reason
    )
    await _sync_card(session, inquiry, event, deps)
    await _tell_requester(session, inquiry, event, deps, "inquiry.notify.hold", reason=reason)
    return inquiry


async def resume_inquiry(session: AsyncSession, deps: Deps, number: int, actor: Actor) -> Inquiry:
    """Restart the clock; every deadline moves later by the paused business time."""
    inquiry = await _load_for(session, deps, number, actor, "resume")
    now = deps.clock.now()
    started = inquiry.hold_started_at or now
    cal = deps.calendar
    inquiry.sla_start_at = shift_for_pause(inquiry.sla_start_at, started, now, cal) or now
    inquiry.eta_at = shift_for_pause(inquiry.eta_at, started, now, cal)
    inquiry.due_date = shift_for_pause(inquiry.due_date, started, now, cal)
    inquiry.hold_started_at = None
    old = _touch(inquiry, "resume", deps, now)
    event = await _record(
        session,
        inquiry,
        actor.user_id,
        "resume",
        now,
        old=old,
        new=inquiry.status,
    )
    await _sync_card(session, inquiry, event, deps)
    await _tell_requester(
        session,
        inquiry,
        event,
        deps,
        "inquiry.notify.resume",
        deadline=timed(inquiry.deadline_at),
    )
    return inquiry


async def resolve_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, resolution: str
) -> Inquiry:
    """Close the work with a resolution the requester receives."""
    resolution = sanitize(resolution)
    inquiry = await _load_for(session, deps, number, actor, "resolve")
    now = deps.clock.now()
    inquiry.resolution = resolution
    inquiry.resolved_at = now
    inquiry.hold_started_at = None
    if inquiry.first_response_at is None:
        inquiry.first_response_at = now
    old = _touch(inquiry, "resolve", deps, now)
    event = await _record(
        session,
        inquiry,
        actor.user_id,
        "resolved",
        now,
        old=old,
        new=inquiry.status,
        note=resolution,
    )
    await _sync_card(session, inquiry, event, deps)
    await _tell_requester(
        session, inquiry, event, deps, "inquiry.notify.resolved", resolution=resolution
    )
    return inquiry


async def reopen_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, reason: str
) -> Inquiry:
    """Put a resolved inquiry back in progress."""
    reason = sanitize(reason)
    inquiry = await _load_for(session, deps, number, actor, "reopen")
    now = deps.clock.now()
    # A new resolution window from now (policy per kind in reopen_window): the old, past
    # deadline must not make the reopened inquiry breached at once.
    window = reopen_window(
        Kind(inquiry.kind),
        now=now,
        due_end=inquiry.due_date,
        cal=deps.calendar,
        policy=deps.policy,
    )
    inquiry.sla_start_at = window.sla_start
    inquiry.due_date = window.due_end
    inquiry.first_response_at = None
    inquiry.eta_at = None
    inquiry.resolved_at = None
    inquiry.hold_started_at = None
    old = _touch(inquiry, "reopen", deps, now)
    event = await _record(
        session, inquiry, actor.user_id, "reopened", now, old=old, new=inquiry.status, note=reason
    )
    await _sync_card(session, inquiry, event, deps)
    # the requester's own reason is not echoed back to them
    key = "inquiry.notify.reopened"
    if actor.user_id == inquiry.requester_id:
        key = "inquiry.notify.reopened_by_you"
    await _tell_requester(session, inquiry, event, deps, key, reason=reason)
    if inquiry.assignee_id and inquiry.assignee_id != actor.user_id:
        await enqueue_message(
            session,
            key=f"reopened-assignee:{event.id}",
            recipient=ToPerson(inquiry.assignee_id),
            text_key="inquiry.notify.reopened_to_assignee",
            params={
                "number": inquiry.number,
                "title": inquiry.title,
                "actor": actor.user_id,
                "reason": reason,
                "deadline": timed(inquiry.deadline_at),
            },
            now=now,
        )
    return inquiry


async def record_first_response(
    session: AsyncSession, deps: Deps, *, thread: MessageRef, user_id: str
) -> Inquiry | None:
    """Count a staff reply in an inquiry's thread (source or card) as its first response, once.

    `thread`: the message the reply's thread hangs off.
    """
    if not deps.is_staff(user_id):
        return None
    where = {
        "channel": thread.conversation_id,
        "ts": thread.message_id,
        "platform": thread.platform,
    }
    inquiry = await get_inquiry_by_source(session, **where)
    if inquiry is None:
        inquiry = await get_inquiry_by_card(session, **where)
    if inquiry is None or inquiry.first_response_at is not None:
        return None
    now = deps.clock.now()
    inquiry.first_response_at = now
    _touch(inquiry, "progress", deps, now)
    event = await _record(session, inquiry, user_id, "first_response", now)
    await _sync_card(session, inquiry, event, deps)
    return inquiry


async def list_for(
    session: AsyncSession, deps: Deps, actor: Actor, scope: str
) -> tuple[list[Inquiry], int]:
    """Return the inquiries a scope names, sorted by deadline, at most 20, with the total."""
    open_ = [s.value for s in (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD)]
    if not actor.is_staff:
        # A customer sees only what they asked for, whatever they were assigned in the past.
        if scope != "mine":
            raise Forbidden(
                "inquiry.error.forbidden_list", scope=scope, who_key="inquiry.who.staff"
            )
        return await list_inquiries(session, statuses=open_, requester_id=actor.user_id)
    if scope == "mine":
        return await list_inquiries(session, statuses=open_, requester_or_assignee=actor.user_id)
    if scope == "team":
        team = deps.config.team_of(actor.user_id)
        members = [*team.members, team.manager] if team else [actor.user_id]
        return await list_inquiries(session, statuses=open_, assignee_ids=members)
    if scope == "open":
        return await list_inquiries(session, statuses=open_)
    if scope == "overdue":
        return await list_inquiries(session, statuses=open_, deadline_before=deps.clock.now())
    return await list_inquiries(session)


DOUBLE_CLICK = timedelta(seconds=10)


async def just_taken(session: AsyncSession, deps: Deps, inquiry: Inquiry, user_id: str) -> bool:
    """Whether user_id took the inquiry themselves a moment ago (a repeated click)."""
    assert inquiry.id is not None
    events = await list_events(session, inquiry_id=inquiry.id)
    last = next((e for e in reversed(events) if e.kind == "assigned"), None)
    return (
        last is not None
        and last.actor_id == user_id
        and last.new_value == user_id
        and deps.clock.now() - last.at < DOUBLE_CLICK
    )


async def home_lists(
    session: AsyncSession, deps: Deps, actor: Actor, *, limit: int = 8
) -> list[tuple[str, list[Inquiry], int]]:
    """The Home lists of a person: assigned to me, requested by me; for managers also their
    teams' open inquiries and everything overdue. Each as (key, first rows, total)."""
    open_ = [s.value for s in (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD)]
    me = actor.user_id
    out: list[tuple[str, list[Inquiry], int]] = []
    if actor.is_staff:
        rows, total = await list_inquiries(session, statuses=open_, assignee_ids=[me], limit=limit)
        out.append(("mine", rows, total))
    rows, total = await list_inquiries(session, statuses=open_, requester_id=me, limit=limit)
    out.append(("requested", rows, total))
    teams = deps.config.teams_managed_by(me)  # by their id on any platform
    if teams:
        members = sorted(
            {
                i
                for team in teams
                for m in (*team.members, team.manager)
                for i in deps.config.ids_of(m)
            }
        )
        rows, total = await list_inquiries(
            session, statuses=open_, assignee_ids=members, limit=limit
        )
        out.append(("team", rows, total))
        rows, total = await list_inquiries(
            session, statuses=open_, deadline_before=deps.clock.now(), limit=limit
        )
        out.append(("overdue", rows, total))
    return out


async def show_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, *, zone: bool = False
) -> StaffView | CustomerView:
    """Return what actor may see of an inquiry: everything for staff, the customer view else
    (`zone`: its times carry the company's zone, for a reader who lives in another)."""
    inquiry = await find_visible(session, number, actor)
    assert inquiry.id is not None
    events = await list_events(session, inquiry_id=inquiry.id)
    if actor.is_staff:
        return StaffView(inquiry, events)
    return describe_for_customer(inquiry, deps, events, zone=zone)


def _public_text(event: InquiryEvent) -> str:
    if event.kind == "eta":
        return event.new_value or ""
    if event.kind == "milestone" and event.new_value:
        planned = json.loads(event.new_value)
        return f"{planned.get('date', '')} {planned.get('stage', '')}".strip()
    if event.kind in ("created", "resume"):
        return ""
    return event.note


def describe_for_customer(
    inquiry: Inquiry,
    deps: Deps,
    events: list[InquiryEvent] | None = None,
    *,
    zone: bool = False,
) -> CustomerView:
    """The customer view: number, title, status, promised ETA and the updates sent to them.

    Never the assignee, the SLA deadline or its state, the kind, internal history entries
    (assignment, first response) or other staff-only fields. `zone`: the reader lives in
    another time zone than the company, so times say theirs is not it (` KST`).
    """
    label = f" {deps.clock.now().astimezone(deps.tz).tzname() or deps.tz.key}" if zone else ""
    updates = tuple(
        CustomerUpdate(
            at=fmt_time(e.at, deps, zone=zone),
            kind=e.kind,
            # an ETA's text is the moment itself, written in the company's zone
            text=_public_text(e) + (label if e.kind == "eta" and e.new_value else ""),
        )
        for e in events or []
        if e.kind in PUBLIC_EVENTS
    )
    return CustomerView(
        number=inquiry.number,
        title=inquiry.title,
        status=inquiry.status,
        eta=fmt_time(inquiry.eta_at, deps, zone=zone) if inquiry.eta_at else "",
        open=inquiry.status not in (Status.RESOLVED, Status.CLOSED),
        updates=updates,
    )


def describe(
    inquiry: Inquiry,
    deps: Deps,
    last_note: str = "",
    *,
    events: list[InquiryEvent] | None = None,
    link: str = "",
) -> dict[str, Any]:
    """Display strings of an inquiry for cards, lists and history (platform-neutral).

    With `events` (its history) the result also carries the latest progress note; `link` is
    its card's permalink on the reader's platform (`card_links`), "" when none is known.
    """
    now = deps.clock.now()
    open_ = inquiry.status not in (Status.RESOLVED, Status.CLOSED)
    state = deadline_state(
        start=inquiry.sla_start_at,
        deadline=inquiry.deadline_at,
        now=now,
        done=not open_,
        cal=deps.calendar,
        approaching=deps.policy.approaching,
    )
    if inquiry.status == Status.ON_HOLD:
        state_value = "paused"
    else:
        state_value = state.value
    progress = next((e for e in reversed(events or []) if e.kind == "progress" and e.note), None)
    results: list[dict[str, Any]] = []
    if not open_ and inquiry.resolved_at is not None:
        for v in verdicts(
            kind=Kind(inquiry.kind),
            start=inquiry.sla_start_at,
            first_response_at=inquiry.first_response_at,
            eta_at=inquiry.eta_at,
            due_end=inquiry.due_date,
            resolved_at=inquiry.resolved_at,
            cal=deps.calendar,
            policy=deps.policy,
        ):
            results.append(
                {
                    "obligation": v.obligation,
                    "took": span(v.took),
                    "late": span(v.late) if v.late is not None else "",
                    "judged": v.has_deadline,
                }
            )
    return {
        "number": inquiry.number,
        "kind": inquiry.kind,
        "status": inquiry.status,
        "title": inquiry.title,
        "detail": inquiry.detail,
        "customer": inquiry.customer,
        "contact": inquiry.contact,
        "requester": inquiry.requester_id,
        "assignee": inquiry.assignee_id,
        "deadline": fmt_time(inquiry.deadline_at, deps),
        "deadline_state": state_value,
        "eta": fmt_time(inquiry.eta_at, deps),
        "due": fmt_time(inquiry.due_date, deps),
        "open": open_,
        "last_note": last_note or (progress.note if progress else ""),
        "last_note_at": fmt_time(progress.at, deps) if progress else "",
        "last_note_by": progress.actor_id if progress else "",
        "resolution": inquiry.resolution if not open_ else "",
        "results": results,
        "link": link,
    }


def span(delta: timedelta) -> str:
    """A duration for people, to the minute: `3h 20m`, `2d 1h`, `40m`."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if mins and not days:
        parts.append(f"{mins}m")
    return " ".join(parts) or "0m"


async def describe_with_history(
    session: AsyncSession, deps: Deps, inquiry: Inquiry, platform: Platform
) -> dict[str, Any]:
    """describe() with the latest progress note read from the inquiry's history (and the
    card's permalink on `platform`)."""
    assert inquiry.id is not None
    events = await list_events(session, inquiry_id=inquiry.id)
    link = await permalink_of(session, INQUIRY, inquiry.id, CARD, platform)
    return describe(inquiry, deps, events=events, link=link)


async def card_links(
    session: AsyncSession, inquiries: list[Inquiry], platform: Platform
) -> dict[int, str]:
    """The stored card permalinks of these inquiries on `platform`, by inquiry id."""
    return await permalinks(
        session, INQUIRY, [i.id for i in inquiries if i.id is not None], CARD, platform
    )
