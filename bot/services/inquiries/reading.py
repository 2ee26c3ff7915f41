"""Reading inquiries: lists, Home, what staff and customers may see, display strings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import Actor, Kind, Status
from bot.domain.notices import mask_contact, mask_name
from bot.domain.sla import Verdict, deadline_state, verdicts
from bot.errors import Forbidden
from bot.i18n import Day, Phrase, When
from bot.ports import Platform
from bot.services.formatting import fmt_time
from bot.services.inquiries.access import find_visible
from bot.services.refs import CARD, permalink_of, permalinks
from bot.services.voc_answers import WEB
from storage.models import Inquiry, InquiryEvent
from storage.repos.digest import TeamRow
from storage.repos.inquiries import INQUIRY, get_inquiry_by_id, list_events, list_inquiries


@dataclass(frozen=True)
class CustomerUpdate:
    """One update the customer was told about: when, what kind, and its public text."""

    at: When | str
    kind: str
    text: When | Phrase | str  # an ETA's update is the moment itself; a stage with its day


@dataclass(frozen=True)
class CustomerView:
    """What a customer may see of an inquiry they requested (never internal fields)."""

    number: int
    title: str
    status: str
    eta: When | str  # the ETA promised to them, "" when none was given
    open: bool
    updates: tuple[CustomerUpdate, ...] = ()


@dataclass(frozen=True)
class StaffView:
    """Everything about an inquiry, for staff: the row and its whole history."""

    inquiry: Inquiry
    events: list[InquiryEvent]


# History entries whose text was sent to the requester; everything else stays internal.
PUBLIC_EVENTS = frozenset(
    {
        "created",
        "eta",
        "progress",
        "milestone",
        "hold",
        "resume",
        "resolved",
        "reopened",
        "fieldvisit",
    }
)


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


def _eta_of(event: InquiryEvent, deps: Deps, *, zone: bool) -> When | str:
    """The moment an `eta` history row promised (stored `YYYY-MM-DD HH:MM` in the company's
    zone, or ISO), for display; "" for other rows."""
    if event.kind != "eta" or not event.new_value:
        return ""
    try:
        moment = datetime.fromisoformat(event.new_value)
    except ValueError:
        return ""
    return fmt_time(moment if moment.tzinfo else moment.replace(tzinfo=deps.tz), deps, zone=zone)


def _milestone_of(event: InquiryEvent) -> Phrase | str:
    """A planned stage for display: its day written for the reader, and the stage."""
    if event.kind != "milestone" or not event.new_value:
        return ""
    planned = json.loads(event.new_value)
    day = Day(date.fromisoformat(planned["date"]))
    return Phrase("history.milestone_detail", {"date": day, "stage": planned.get("stage", "")})


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
    updates = tuple(
        CustomerUpdate(
            at=fmt_time(e.at, deps, zone=zone),
            kind=e.kind,
            # an ETA's text is the moment itself, written for the reader (in the company's zone)
            text=_eta_of(e, deps, zone=zone) or _milestone_of(e) or _public_text(e),
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
        for v in resolved_verdicts(inquiry, deps):
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


def resolved_verdicts(inquiry: Inquiry | TeamRow, deps: Deps) -> list[Verdict]:
    """The verdict on each promise of a resolved inquiry (bot.domain.sla.verdicts)."""
    assert inquiry.resolved_at is not None
    return verdicts(
        kind=Kind(inquiry.kind),
        start=inquiry.sla_start_at,
        first_response_at=inquiry.first_response_at,
        eta_at=inquiry.eta_at,
        due_end=inquiry.due_date,
        resolved_at=inquiry.resolved_at,
        cal=deps.calendar,
        policy=deps.policy,
    )


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


async def card_of(deps: Deps, inquiry_id: int, platform: Platform) -> dict[str, Any] | None:
    """An inquiry's card as it is now (describe_with_history, in its own read session); None
    when the inquiry is gone. A web VOC's name and contact are masked (the card is a channel
    post)."""
    async with deps.sessions() as session:
        inquiry = await get_inquiry_by_id(session, inquiry_id)
        if inquiry is None:
            return None
        card = await describe_with_history(session, deps, inquiry, platform)
    if inquiry.source == WEB:
        # a web customer's personal data stays out of channels: `show` has it in full
        card["customer"] = mask_name(inquiry.customer)
        card["contact"] = mask_contact(inquiry.contact)
    return card


async def card_links(
    session: AsyncSession, inquiries: list[Inquiry], platform: Platform
) -> dict[int, str]:
    """The stored card permalinks of these inquiries on `platform`, by inquiry id."""
    return await permalinks(
        session, INQUIRY, [i.id for i in inquiries if i.id is not None], CARD, platform
    )
