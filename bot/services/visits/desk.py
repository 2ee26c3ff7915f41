"""The visitor desk's use cases (C9, C10): register, arrive, walk in, seat, the host's answers,
check-out, badge and ID back, cancel, no-show. Each records an event and queues its alerts;
each wall-clock step it makes due is a timer (bot.services.timers), handled in
bot/services/visits/timers.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.visits import (
    ALLOWED_FROM,
    IdType,
    VisitStatus,
    host_ladder,
    host_reminders,
    ladder_start,
    may_step,
)
from bot.errors import DomainError
from bot.i18n import timed
from bot.ports import ToPerson
from bot.services import timers
from bot.services.home_refresh import refresh_for_visit
from bot.services.visits.common import (
    VisitVerb,
    at_local,
    button,
    clock_of,
    find_visit,
    host_recipients,
    refuse_id_numbers,
    refuse_non_desk,
    refuse_non_staff,
    refuse_step,
    room_names,
    tell,
    tell_reception,
    tell_room,
    wall,
)
from bot.services.visits.rooms import book_room, release_visit_rooms, room_of
from storage.models import Visit
from storage.repos.visits import add_visit, add_visit_event, list_bookings

OVERSTAY_MINUTES = 15  # a room still occupied this long past its booking is flagged


@dataclass(frozen=True)
class VisitDraft:
    """A visit to register, from the one-line command or the form."""

    visitor: str
    host: str | None
    day: date | None = None  # a walk-in's time is the moment of arrival
    at: time | None = None
    company: str = ""
    room: str = ""
    purpose: str = ""
    headcount: int = 1
    phone: str = ""
    notes: str = ""


def params_of(visit: Visit, deps: Deps) -> dict[str, object]:
    """The message parameters every visit alert may use."""
    return {
        "number": visit.id or 0,
        "visitor": visit.visitor,
        "company": visit.company or "-",
        "host_user": visit.host_id,
        "room": visit.room or "-",
        "at": timed(visit.visit_at),
        "purpose": visit.purpose or "-",
        "count": visit.headcount,
    }


async def record_event(
    session: AsyncSession, deps: Deps, visit: Visit, actor: str, kind: str, note: str = ""
) -> None:
    assert visit.id is not None
    await add_visit_event(
        session, visit_id=visit.id, at=deps.clock.now(), actor_id=actor, kind=kind, note=note
    )
    await refresh_for_visit(session, deps, visit)


def visit_key(visit: Visit, what: str) -> str:
    return f"visit:{visit.id}:{what}"


def _check_visitor_fields(draft: VisitDraft) -> None:
    refuse_id_numbers(
        [draft.visitor, draft.company, draft.phone, draft.purpose, draft.notes, draft.room]
    )


def _headcount(value: str, usage: str) -> int:
    if not value:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= 500:
        raise DomainError("visit.error.bad_count", usage, value=value[:10])
    return int(value)


def headcount_of(value: str, usage: str = "visit.usage.visitor.register") -> int:
    """The `count:` of a visit (1 when not given); a bad one is refused."""
    return _headcount(value, usage)


async def plan_reminders(session: AsyncSession, deps: Deps, visit: Visit) -> None:
    """The host's reminders: the business day before at `reminder_time`, and `before`."""
    cfg = deps.config.visitors
    now = deps.clock.now()
    for name, due in host_reminders(
        visit.visit_at,
        before=wall(cfg.before),
        reminder_time=clock_of(cfg.reminder_time),
        cal=deps.calendar,
    ):
        if due > now:
            await timers.set_timer(
                session,
                deps,
                key=visit_key(visit, name),
                kind=f"visit.{name}",
                subject_id=visit.id or 0,
                due_at=due,
            )


async def register_visit(
    session: AsyncSession, deps: Deps, user_id: str, draft: VisitDraft
) -> tuple[Visit, bool]:
    """Pre-register a visit (staff: for themselves or a colleague); book its room for its time.
    Returns the visit and whether the room is smaller than the party."""
    _check_visitor_fields(draft)
    refuse_non_staff(deps, user_id)
    host = draft.host or user_id
    if not deps.is_staff(host):
        raise DomainError("visit.error.host_not_staff", "visit.usage.visitor.register")
    room = room_of(deps, draft.room) if draft.room else ""
    now = deps.clock.now()
    if draft.day is None or draft.at is None:
        raise DomainError("visit.error.missing_time", "visit.usage.visitor.register")
    start = at_local(deps, draft.day, draft.at)
    if start < now - wall("1d"):
        raise DomainError("visit.error.in_the_past", "visit.usage.visitor.register")
    visit = await add_visit(
        session,
        Visit(
            status=VisitStatus.EXPECTED,
            visitor=draft.visitor,
            company=draft.company,
            phone=draft.phone,
            purpose=draft.purpose,
            notes=draft.notes,
            headcount=draft.headcount,
            host_id=host,
            registered_by=user_id,
            visit_at=start,
            ends_at=start + wall(deps.config.visitors.default_length),
            room=room,
            created_at=now,
        ),
    )
    over = False
    if room:
        booked = await book_room(
            session,
            deps,
            room=room,
            start=visit.visit_at,
            end=visit.ends_at,
            purpose=draft.purpose,
            booked_by=user_id,
            visit_id=visit.id,
            headcount=draft.headcount,
        )
        over = booked.over_capacity
    await record_event(session, deps, visit, user_id, "registered")
    await plan_reminders(session, deps, visit)
    if not deps.config.same_person(host, user_id):
        await tell(
            session,
            deps,
            key=visit_key(visit, "registered"),
            to=ToPerson(host),
            text_key="visit.notify.registered_for_you",
            params={**params_of(visit, deps), "user": user_id},
        )
    return visit, over


async def _arrival_alerts(session: AsyncSession, deps: Deps, visit: Visit) -> None:
    number = visit.id or 0
    params = params_of(visit, deps)
    await tell_reception(
        session,
        deps,
        key=visit_key(visit, "arrived"),
        text_key="visit.alert.arrived",
        params=params,
    )
    buttons = [button(VisitVerb.COMING, number)]
    buttons += [button(VisitVerb.SEND_ROOM, number, room=r) for r in room_names(deps)[:5]]
    buttons.append(button(VisitVerb.DECLINE, number))
    for person in await host_recipients(session, deps, visit.host_id):
        await tell(
            session,
            deps,
            key=visit_key(visit, f"arrived:{person}"),
            to=ToPerson(person),
            text_key="visit.notify.arrived",
            params=params,
            buttons=buttons,
        )


async def plan_end_of_day(session: AsyncSession, deps: Deps, after: datetime) -> None:
    """The reception's list of badges and IDs not yet back, at `visitors.end_of_day` on the
    first business day whose list is still to come after `after` (one timer per day)."""
    at = clock_of(deps.config.visitors.end_of_day)
    day = after.astimezone(deps.tz).date()
    if not deps.calendar.is_business_day(day) or at_local(deps, day, at) <= after:
        day = deps.calendar.next_business_day(day)
    await timers.set_timer(
        session,
        deps,
        key=f"visit:eod:{day.isoformat()}",
        kind="visit.eod",
        subject_id=0,
        due_at=at_local(deps, day, at),
        payload={"day": day.isoformat()},
    )


def _hold(visit: Visit, badge: str, kind: IdType | None, slot: str) -> None:
    if badge:
        visit.badge, visit.badge_returned = badge, False
    if kind is not None:
        visit.id_type, visit.id_returned = kind.value, False
    if slot:
        visit.slot = slot


async def arrive(
    session: AsyncSession,
    deps: Deps,
    user_id: str,
    number: int,
    *,
    badge: str = "",
    kind: IdType | None = None,
    slot: str = "",
) -> Visit:
    """Reception: the visitor is at the desk; badge no., the ID's type and tray slot."""
    refuse_id_numbers([badge, slot])
    refuse_non_desk(deps, user_id)
    visit = await find_visit(session, number, lock=True)
    if visit.status in ALLOWED_FROM["leave"]:
        at = visit.arrived_at.astimezone(deps.tz).strftime("%H:%M") if visit.arrived_at else "-"
        raise DomainError("visit.error.already_arrived", number=number, at=at)
    refuse_step(visit, "arrive", may_step(visit.status, "arrive"))
    now = deps.clock.now()
    visit.status, visit.arrived_at = VisitStatus.ARRIVED, now
    _hold(visit, badge, kind, slot)
    session.add(visit)
    await record_event(session, deps, visit, user_id, "arrived")
    await _arrival_alerts(session, deps, visit)
    await plan_end_of_day(session, deps, now)
    return visit


async def walk_in(
    session: AsyncSession,
    deps: Deps,
    user_id: str,
    draft: VisitDraft,
    *,
    badge: str = "",
    kind: IdType | None = None,
    slot: str = "",
) -> Visit:
    """Reception: an unregistered visitor at the desk; the host answers from the DM."""
    _check_visitor_fields(draft)
    refuse_id_numbers([badge, slot])
    refuse_non_desk(deps, user_id)
    if not draft.host or not deps.is_staff(draft.host):
        raise DomainError("visit.error.host_not_staff", "visit.usage.visitor.walkin")
    now = deps.clock.now()
    visit = await add_visit(
        session,
        Visit(
            status=VisitStatus.ARRIVED,
            visitor=draft.visitor,
            company=draft.company,
            phone=draft.phone,
            purpose=draft.purpose,
            notes=draft.notes,
            headcount=draft.headcount,
            host_id=draft.host,
            registered_by=user_id,
            walkin=True,
            visit_at=now,
            ends_at=now + wall(deps.config.visitors.default_length),
            arrived_at=now,
            created_at=now,
        ),
    )
    _hold(visit, badge, kind, slot)
    session.add(visit)
    await record_event(session, deps, visit, user_id, "walkin")
    await _arrival_alerts(session, deps, visit)
    await plan_end_of_day(session, deps, now)
    return visit


async def seat(
    session: AsyncSession, deps: Deps, user_id: str, number: int, room: str
) -> tuple[Visit, bool]:
    """Reception: the visitor is in a reception room. The host is told and the host-in-room
    ladder starts. Returns the visit and whether the room is smaller than the party."""
    refuse_id_numbers([room])
    refuse_non_desk(deps, user_id)
    visit = await find_visit(session, number, lock=True)
    refuse_step(visit, "seat", may_step(visit.status, "seat"))
    if not (room or visit.room):
        raise DomainError("visit.error.missing_room", "visit.usage.visitor.seated")
    room = room_of(deps, room or visit.room)
    now = deps.clock.now()
    over = False
    held = [b for b in await list_bookings(session, visit_id=visit.id) if b.room == room]
    if not held:
        await release_visit_rooms(session, deps, visit.id or 0)
        end = max(visit.ends_at, now + wall(deps.config.visitors.default_length))
        booked = await book_room(
            session,
            deps,
            room=room,
            start=now,
            end=end,
            purpose=visit.purpose,
            booked_by=user_id,
            visit_id=visit.id,
            headcount=visit.headcount,
        )
        over = booked.over_capacity
        visit.ends_at = end
    if visit.arrived_at is None:
        visit.arrived_at = now
    visit.status, visit.room, visit.seated_at = VisitStatus.SEATED, room, now
    visit.host_due_at = ladder_start(visit.visit_at, now)
    session.add(visit)
    await record_event(session, deps, visit, user_id, "seated", note=room)
    params = params_of(visit, deps)
    await tell_room(
        session,
        deps,
        room,
        key=visit_key(visit, f"seated:{room}:{now.timestamp():.0f}"),
        text_key="visit.alert.seated",
        params=params,
    )
    if visit.met_at is None:
        for person in await host_recipients(session, deps, visit.host_id):
            await tell(
                session,
                deps,
                key=visit_key(visit, f"waiting:{room}:{person}"),
                to=ToPerson(person),
                text_key="visit.notify.waiting",
                params=params,
                buttons=[button(VisitVerb.MET, number)],
            )
        grace = wall(deps.config.visitors.host_grace)
        for rung, due in host_ladder(visit.host_due_at, grace):
            await timers.set_timer(
                session,
                deps,
                key=visit_key(visit, rung),
                kind=f"visit.{rung}",
                subject_id=number,
                due_at=due,
                rearm=True,
            )
    overstay = visit.ends_at + wall(f"{OVERSTAY_MINUTES}m")
    await timers.set_timer(
        session,
        deps,
        key=visit_key(visit, "overstay"),
        kind="visit.overstay",
        subject_id=number,
        due_at=overstay,
        rearm=True,
    )
    return visit, over
