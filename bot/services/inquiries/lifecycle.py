"""The lifecycle of an inquiry: assign, ETA, progress, milestone, hold, resume, resolve,
reopen, and the first response counted from a thread reply."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import EtaSpec
from bot.domain.durations import DurationError, parse_duration
from bot.domain.inquiry import Actor, Kind, can
from bot.domain.sla import end_of_business_day, reopen_window, shift_for_pause
from bot.domain.text import sanitize
from bot.errors import Conflict, DomainError
from bot.i18n import Day, dated, timed
from bot.ports import MessageRef, ToPerson
from bot.services import surveys
from bot.services.formatting import fmt_time
from bot.services.inquiries.access import check_assignable, find_inquiry, load_for
from bot.services.inquiries.changes import (
    notify_assignee,
    record_event,
    refuse_far,
    sync_card,
    tell_requester,
    touch,
)
from bot.services.outbox import enqueue_internal_message, enqueue_message
from storage.models import Inquiry, InquiryEvent
from storage.repos.inquiries import get_inquiry_by_card, get_inquiry_by_source, list_events


async def _record_and_tell(
    session: AsyncSession,
    deps: Deps,
    inquiry: Inquiry,
    actor: Actor,
    kind: str,
    now: datetime,
    *,
    old: Any = None,
    new: Any = None,
    note: str = "",
    text_key: str,
    params: dict[str, Any],
) -> InquiryEvent:
    """After a change by `actor`: record it as the inquiry's `kind` event, bring the card up
    to date, and tell the requester (`text_key` with `params`)."""
    event = await record_event(
        session, inquiry, actor.user_id, kind, now, old=old, new=new, note=note
    )
    await sync_card(session, inquiry, event, deps)
    await tell_requester(session, inquiry, event, deps, text_key, **params)
    return event


async def assign_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, assignee_id: str
) -> Inquiry:
    """Give the inquiry to assignee_id and tell the requester and the assignee."""
    inquiry = await load_for(session, deps, number, actor, "assign")
    check_assignable(deps, assignee_id)
    now = deps.clock.now()
    old = inquiry.assignee_id
    if old == assignee_id:
        raise Conflict("inquiry.error.already_assigned", number=number, user=assignee_id)
    inquiry.assignee_id = assignee_id
    touch(inquiry, "assign", deps, now)
    event = await _record_and_tell(
        session,
        deps,
        inquiry,
        actor,
        "assigned",
        now,
        old=old,
        new=assignee_id,
        text_key="inquiry.notify.assigned",
        params={"user": assignee_id},
    )
    if assignee_id != actor.user_id:
        await notify_assignee(session, inquiry, event, deps)
    return inquiry


def resolve_eta(spec: EtaSpec, deps: Deps) -> datetime:
    """Turn a typed ETA into a moment; refuse the past and unreadable durations."""
    now = deps.clock.now()
    if spec.relative is not None:
        try:
            duration = parse_duration(spec.relative)
        except DurationError:
            raise DomainError(
                "inquiry.error.bad_duration", usage="inquiry.usage.eta", duration=spec.relative
            ) from None  # the reason in the reader's words: never DurationError's English
        moment = deps.calendar.add(now, duration)
    else:
        assert spec.day is not None
        refuse_far(spec.day, deps, now, "inquiry.usage.eta")
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
    inquiry = await load_for(session, deps, number, actor, "eta")
    now = deps.clock.now()
    old = inquiry.eta_at
    inquiry.eta_at = eta
    if inquiry.first_response_at is None:
        inquiry.first_response_at = now
    touch(inquiry, "eta", deps, now)
    event = await _record_and_tell(
        session,
        deps,
        inquiry,
        actor,
        "eta",
        now,
        old=fmt_time(old, deps) if old else None,
        new=fmt_time(eta, deps),
        text_key="inquiry.notify.eta",
        params={"eta": timed(eta)},
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
    inquiry = await load_for(session, deps, number, actor, "progress")
    now = deps.clock.now()
    if inquiry.first_response_at is None:
        inquiry.first_response_at = now
    touch(inquiry, "progress", deps, now)
    await _record_and_tell(
        session,
        deps,
        inquiry,
        actor,
        "progress",
        now,
        note=note,
        text_key="inquiry.notify.progress",
        params={"note": note},
    )
    return inquiry


async def add_field_visit_result(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, note: str
) -> Inquiry:
    """A field visit's result on the inquiry it was about (C11): on an open inquiry a progress
    report; on a resolved or closed one a history entry of its own, told to the requester all
    the same (a visit often explains an outage after its inquiry was resolved)."""
    inquiry = await find_inquiry(session, number, lock=True)
    if can("progress", inquiry.status):
        return await add_progress(session, deps, number, actor, note)
    note = sanitize(note)
    event = await record_event(
        session, inquiry, actor.user_id, "fieldvisit", deps.clock.now(), note=note
    )
    await sync_card(session, inquiry, event, deps)
    await tell_requester(session, inquiry, event, deps, "inquiry.notify.progress", note=note)
    return inquiry


async def add_milestone(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, day: date, stage: str
) -> Inquiry:
    """Plan a stage with the date its progress report is due."""
    stage = sanitize(stage)
    inquiry = await load_for(session, deps, number, actor, "milestone")
    now = deps.clock.now()
    refuse_far(day, deps, now, "inquiry.usage.milestone")
    if end_of_business_day(day, deps.calendar) < now:
        raise DomainError(
            "inquiry.error.due_in_past", usage="inquiry.usage.milestone", due=Day(day)
        )
    touch(inquiry, "milestone", deps, now)
    await _record_and_tell(
        session,
        deps,
        inquiry,
        actor,
        "milestone",
        now,
        new=json.dumps({"date": day.isoformat(), "stage": stage}, ensure_ascii=False),
        note=stage,
        text_key="inquiry.notify.milestone",
        params={"date": dated(day), "stage": stage},
    )
    return inquiry


async def hold_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, reason: str
) -> Inquiry:
    """Pause the SLA clock while waiting for the customer."""
    reason = sanitize(reason)
    inquiry = await load_for(session, deps, number, actor, "hold")
    now = deps.clock.now()
    inquiry.hold_started_at = now
    old = touch(inquiry, "hold", deps, now)
    await _record_and_tell(
        session,
        deps,
        inquiry,
        actor,
        "hold",
        now,
        old=old,
        new=inquiry.status,
        note=reason,
        text_key="inquiry.notify.hold",
        params={"reason": reason},
    )
    return inquiry


async def resume_inquiry(session: AsyncSession, deps: Deps, number: int, actor: Actor) -> Inquiry:
    """Restart the clock; every deadline moves later by the paused business time."""
    inquiry = await load_for(session, deps, number, actor, "resume")
    now = deps.clock.now()
    started = inquiry.hold_started_at or now
    cal = deps.calendar
    inquiry.sla_start_at = shift_for_pause(inquiry.sla_start_at, started, now, cal) or now
    inquiry.eta_at = shift_for_pause(inquiry.eta_at, started, now, cal)
    inquiry.due_date = shift_for_pause(inquiry.due_date, started, now, cal)
    inquiry.hold_started_at = None
    old = touch(inquiry, "resume", deps, now)
    await _record_and_tell(
        session,
        deps,
        inquiry,
        actor,
        "resume",
        now,
        old=old,
        new=inquiry.status,
        text_key="inquiry.notify.resume",
        params={"deadline": timed(inquiry.deadline_at)},
    )
    return inquiry


async def resolve_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, resolution: str
) -> Inquiry:
    """Close the work with a resolution the requester receives."""
    resolution = sanitize(resolution)
    inquiry = await load_for(session, deps, number, actor, "resolve")
    now = deps.clock.now()
    inquiry.resolution = resolution
    inquiry.resolved_at = now
    inquiry.hold_started_at = None
    if inquiry.first_response_at is None:
        inquiry.first_response_at = now
    old = touch(inquiry, "resolve", deps, now)
    event = await _record_and_tell(
        session,
        deps,
        inquiry,
        actor,
        "resolved",
        now,
        old=old,
        new=inquiry.status,
        note=resolution,
        text_key="inquiry.notify.resolved",
        params={"resolution": resolution},
    )
    # the satisfaction survey (C13), in this transaction, where the requester was just told
    await surveys.after_resolve(session, deps, inquiry, event)
    return inquiry


async def reopen_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, reason: str
) -> Inquiry:
    """Put a resolved inquiry back in progress."""
    reason = sanitize(reason)
    inquiry = await load_for(session, deps, number, actor, "reopen")
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
    old = touch(inquiry, "reopen", deps, now)
    # the requester's own reason is not echoed back to them
    key = "inquiry.notify.reopened"
    if actor.user_id == inquiry.requester_id:
        key = "inquiry.notify.reopened_by_you"
    event = await _record_and_tell(
        session,
        deps,
        inquiry,
        actor,
        "reopened",
        now,
        old=old,
        new=inquiry.status,
        note=reason,
        text_key=key,
        params={"reason": reason},
    )
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
    touch(inquiry, "progress", deps, now)
    event = await record_event(session, inquiry, user_id, "first_response", now)
    await sync_card(session, inquiry, event, deps)
    return inquiry


MAX_THREAD_MESSAGE = 2000  # a requester's thread message kept for the handoff card


async def record_requester_message(
    session: AsyncSession, deps: Deps, *, thread: MessageRef, user_id: str, text: str
) -> Inquiry | None:
    """Keep what the requester says in an inquiry's thread (source or card) after it was
    opened, as a `message` history entry: a colleague who takes it over reads it on the
    handoff card (C8), so the customer never says it twice. Anyone else's reply: None."""
    where = {
        "channel": thread.conversation_id,
        "ts": thread.message_id,
        "platform": thread.platform,
    }
    inquiry = await get_inquiry_by_source(session, **where)
    if inquiry is None:
        inquiry = await get_inquiry_by_card(session, **where)
    if inquiry is None or not deps.config.same_person(inquiry.requester_id, user_id):
        return None
    said = sanitize(text).strip()[:MAX_THREAD_MESSAGE]
    if not said:
        return None
    await record_event(session, inquiry, user_id, "message", deps.clock.now(), note=said)
    return inquiry
