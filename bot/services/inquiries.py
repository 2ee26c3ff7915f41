"""Inquiry use cases: open, assign, ETA, progress, milestone, hold, resume, resolve, reopen."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import EtaSpec
from bot.domain.durations import DurationError, parse_duration
from bot.domain.inquiry import Actor, Kind, Status, can, may, status_after
from bot.domain.sla import current_deadline, deadline_state, end_of_business_day, shift_for_pause
from bot.errors import Conflict, DomainError, Forbidden, NotFound
from bot.services.formatting import fmt_time as fmt_time  # noqa: PLC0414 (re-export)
from bot.services.outbox import enqueue_card_sync, enqueue_message
from bot.services.reminders import sync_reminders
from storage.models import Inquiry, InquiryEvent
from storage.repos.inquiries import (
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
    source_channel: str | None = None
    source_ts: str | None = None


@dataclass(frozen=True)
class Opened:
    """The result of open_inquiry: the inquiry and whether it already existed."""

    inquiry: Inquiry
    created: bool


def title_from_text(text: str) -> str:
    """Make a one-line title from message text (first line, shortened)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= 150 else first[:149] + "…"


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
    channel = inquiry.card_channel or deps.config.channels.triage
    if not channel:
        return
    assert inquiry.id is not None
    await enqueue_card_sync(
        session,
        key=f"card:{inquiry.id}:{event.id}",
        inquiry_id=inquiry.id,
        channel=channel,
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
    """Tell the requester in the source thread, or by DM when it did not come from a message."""
    params = {"number": inquiry.number, "title": inquiry.title, **params}
    if inquiry.source_channel and inquiry.source_ts:
        await enqueue_message(
            session,
            key=f"tell:{event.id}",
            recipient=inquiry.source_channel,
            thread_ts=inquiry.source_ts,
            text_key=text_key,
            params=params,
            now=event.at,
        )
    elif event.actor_id != inquiry.requester_id:
        await enqueue_message(
            session,
            key=f"tell:{event.id}",
            recipient=inquiry.requester_id,
            text_key=text_key,
            params=params,
            now=event.at,
        )


async def open_inquiry(session: AsyncSession, deps: Deps, draft: Draft) -> Opened:
    """Open an inquiry (once per source message), post its card and acknowledge the source."""
    if draft.source_channel and draft.source_ts:
        existing = await get_inquiry_by_source(
            session, channel=draft.source_channel, ts=draft.source_ts
        )
        if existing is not None:
            return Opened(existing, created=False)
    if draft.kind == Kind.REGULATORY and draft.due is None:
        raise DomainError("inquiry.error.regulatory_needs_due", usage="inquiry.usage.new")
    now = deps.clock.now()
    if draft.due is not None and end_of_business_day(draft.due, deps.calendar) < now:
        raise DomainError("inquiry.error.due_in_past", due=draft.due.isoformat())
    title = draft.title.strip()[:MAX_TITLE] or "-"
    inquiry = Inquiry(
        number=await next_number(session),
        kind=draft.kind.value,
        status=Status.ACKNOWLEDGED.value if draft.assignee_id else Status.NEW.value,
        title=title,
        detail=draft.detail[:MAX_DETAIL],
        customer=draft.customer[:200],
        contact=draft.contact[:200],
        requester_id=draft.requester_id,
        assignee_id=draft.assignee_id,
        source=draft.source,
        source_channel=draft.source_channel,
        source_ts=draft.source_ts,
        card_channel=deps.config.channels.triage or None,
        created_at=now,
        updated_at=now,
        sla_start_at=now,
        due_date=end_of_business_day(draft.due, deps.calendar) if draft.due else None,
    )
    inquiry.deadline_at = _deadline(inquiry, deps)
    await add_inquiry(session, inquiry)
    event = await _record(
        session, inquiry, draft.requester_id, "created", now, new=inquiry.status, note=title
    )
    if draft.assignee_id:
        await _record(session, inquiry, draft.requester_id, "assigned", now, new=draft.assignee_id)
    await _sync_card(session, inquiry, event, deps)
    if inquiry.source_channel and inquiry.source_ts:
        await _tell_requester(
            session,
            inquiry,
            event,
            deps,
            "inquiry.notify.received",
            deadline=fmt_time(inquiry.deadline_at, deps),
        )
    if draft.assignee_id and draft.assignee_id != draft.requester_id:
        await _notify_assignee(session, inquiry, event, deps)
    return Opened(inquiry, created=True)


async def _notify_assignee(
    session: AsyncSession, inquiry: Inquiry, event: InquiryEvent, deps: Deps
) -> None:
    assert inquiry.assignee_id
    await enqueue_message(
        session,
        key=f"assignee:{event.id}",
        recipient=inquiry.assignee_id,
        text_key="inquiry.notify.assigned_to_you",
        params={
            "number": inquiry.number,
            "title": inquiry.title,
            "actor": event.actor_id,
            "deadline": fmt_time(inquiry.deadline_at, deps),
        },
        now=event.at,
    )


async def find_inquiry(session: AsyncSession, number: int, *, lock: bool = False) -> Inquiry:
    """Return inquiry #number or raise NotFound with a clear message."""
    inquiry = await get_inquiry(session, number=number, for_update=lock)
    if inquiry is None:
        raise NotFound("inquiry.error.not_found", number=number)
    return inquiry


async def _load_for(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, action: str
) -> Inquiry:
    inquiry = await find_inquiry(session, number, lock=True)
    if not may(actor, action, requester_id=inquiry.requester_id):
        who = "inquiry.who.staff" if action != "reopen" else "inquiry.who.requester_or_staff"
        raise Forbidden("inquiry.error.forbidden", action=action, number=number, who_key=who)
    if not can(action, inquiry.status):
        raise Conflict(
            "inquiry.error.bad_state", action=action, number=number, status=inquiry.status
        )
    return inquiry


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
    await _tell_requester(
        session, inquiry, event, deps, "inquiry.notify.eta", eta=fmt_time(eta, deps)
    )
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
        await enqueue_message(
            session,
            key=f"ask-milestones:{event.id}",
            recipient=actor.user_id,
            text_key="inquiry.notify.milestones_needed",
            params={"number": inquiry.number, "title": inquiry.title},
            now=now,
        )
    return inquiry


async def add_progress(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, note: str
) -> Inquiry:
    """Record an interim progress report (also the review result) and send it to the requester."""
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
    inquiry = await _load_for(session, deps, number, actor, "milestone")
    now = deps.clock.now()
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
        deadline=fmt_time(inquiry.deadline_at, deps),
    )
    return inquiry


async def resolve_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, resolution: str
) -> Inquiry:
    """Close the work with a resolution the requester receives."""
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
    inquiry = await _load_for(session, deps, number, actor, "reopen")
    now = deps.clock.now()
    inquiry.resolved_at = None
    old = _touch(inquiry, "reopen", deps, now)
    event = await _record(
        session, inquiry, actor.user_id, "reopened", now, old=old, new=inquiry.status, note=reason
    )
    await _sync_card(session, inquiry, event, deps)
    await _tell_requester(session, inquiry, event, deps, "inquiry.notify.reopened", reason=reason)
    return inquiry


async def record_first_response(
    session: AsyncSession, deps: Deps, *, channel: str, thread_ts: str, user_id: str
) -> Inquiry | None:
    """Count a staff reply in an inquiry's thread (source or card) as its first response, once."""
    if not deps.is_staff(user_id):
        return None
    inquiry = await get_inquiry_by_source(session, channel=channel, ts=thread_ts)
    if inquiry is None:
        inquiry = await get_inquiry_by_card(session, channel=channel, ts=thread_ts)
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
    if scope in ("team", "all", "overdue", "open") and not actor.is_staff:
        raise Forbidden("inquiry.error.forbidden_list", scope=scope, who_key="inquiry.who.staff")
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


async def show_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor
) -> tuple[Inquiry, list[InquiryEvent]]:
    """Return an inquiry and its full history, for its requester or staff."""
    inquiry = await find_inquiry(session, number)
    if not may(actor, "show", requester_id=inquiry.requester_id):
        raise Forbidden(
            "inquiry.error.forbidden",
            action="show",
            number=number,
            who_key="inquiry.who.requester_or_staff",
        )
    assert inquiry.id is not None
    return inquiry, await list_events(session, inquiry_id=inquiry.id)


async def mark_card_posted(session: AsyncSession, inquiry_id: int, channel: str, ts: str) -> None:
    """Remember where an inquiry's card lives so later changes update it in place."""
    inquiry = await session.get(Inquiry, inquiry_id)
    if inquiry is not None:
        inquiry.card_channel = channel
        inquiry.card_ts = ts


def describe(inquiry: Inquiry, deps: Deps, last_note: str = "") -> dict[str, Any]:
    """Display strings of an inquiry for cards, lists and history (platform-neutral)."""
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
    return {
        "number": inquiry.number,
        "kind": inquiry.kind,
        "status": inquiry.status,
        "title": inquiry.title,
        "detail": inquiry.detail,
        "customer": inquiry.customer,
        "requester": inquiry.requester_id,
        "assignee": inquiry.assignee_id,
        "deadline": fmt_time(inquiry.deadline_at, deps),
        "deadline_state": state_value,
        "eta": fmt_time(inquiry.eta_at, deps),
        "due": fmt_time(inquiry.due_date, deps),
        "open": open_,
        "last_note": last_note or inquiry.resolution,
    }
