"""Check-out and the ends of a visit: left (the room free again, badge and ID still to
confirm), badge and ID back, cancelled, no-show; and a visit as a list row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.visits import VisitStatus, may_step, minutes_late
from bot.errors import DomainError, Forbidden
from bot.ports import ToPerson
from bot.services import timers
from bot.services.visits.common import (
    find_visit,
    is_desk,
    refuse_id_numbers,
    refuse_non_desk,
    refuse_step,
    tell,
    tell_room,
)
from bot.services.visits.desk import params_of, record_event, visit_key
from bot.services.visits.rooms import release_visit_rooms
from storage.models import Visit


@dataclass(frozen=True)
class CheckedOut:
    """A visitor left: what reception must still confirm (badge and ID back)."""

    visit: Visit
    badge_out: bool
    id_out: bool


async def leave(session: AsyncSession, deps: Deps, user_id: str, number: int) -> CheckedOut:
    """Reception: the visitor left; the room is free again; badge and ID still to confirm."""
    refuse_non_desk(deps, user_id)
    visit = await find_visit(session, number, lock=True)
    refuse_step(visit, "leave", may_step(visit.status, "leave"))
    now = deps.clock.now()
    visit.status, visit.left_at = VisitStatus.LEFT, now
    session.add(visit)
    await record_event(session, deps, visit, user_id, "left")
    await timers.cancel(session, kind_prefix="visit.", subject_id=number)
    freed = await release_visit_rooms(session, deps, number)
    params = params_of(visit, deps)
    await tell_room(
        session,
        deps,
        visit.room,
        key=visit_key(visit, "left"),
        text_key="visit.alert.left",
        params=params,
    )
    if visit.room and (freed or visit.seated_at):
        visit.room_freed_at = now
        await tell_room(
            session,
            deps,
            visit.room,
            key=visit_key(visit, "room_free"),
            text_key="visit.alert.room_free",
            params=params,
        )
    return CheckedOut(visit, *outstanding(visit))


def outstanding(visit: Visit) -> tuple[bool, bool]:
    """Whether the badge, and the ID, are still to come back."""
    return bool(visit.badge and not visit.badge_returned), bool(
        visit.id_type and not visit.id_returned
    )


async def returned(
    session: AsyncSession, deps: Deps, user_id: str, number: int, what: set[str]
) -> CheckedOut:
    """Reception: the badge and/or the ID came back."""
    refuse_non_desk(deps, user_id)
    visit = await find_visit(session, number, lock=True)
    words = {w.lower() for w in what}
    badge = bool(words & {"badge", "출입증", "both", "모두", "all"})
    id_back = bool(words & {"id", "신분증", "both", "모두", "all"})
    if not (badge or id_back):
        raise DomainError("visit.error.bad_returned", "visit.usage.visitor.returned")
    if badge and visit.badge:
        visit.badge_returned = True
        await record_event(session, deps, visit, user_id, "badge_returned")
    if id_back and visit.id_type:
        visit.id_returned = True
        await record_event(session, deps, visit, user_id, "id_returned")
    session.add(visit)
    return CheckedOut(visit, *outstanding(visit))


async def cancel_visit(
    session: AsyncSession, deps: Deps, user_id: str, number: int, reason: str
) -> Visit:
    """Cancel an expected visit (its host, its registrant, reception, admins)."""
    refuse_id_numbers([reason])
    visit = await find_visit(session, number, lock=True)
    if not (
        deps.config.same_person(visit.registered_by, user_id)
        or is_desk(deps, user_id)
        or deps.config.same_person(visit.host_id, user_id)
    ):
        raise Forbidden("visit.error.cancel_only", number=number)
    refuse_step(visit, "cancel", may_step(visit.status, "cancel"))
    visit.status, visit.reason = VisitStatus.CANCELLED, reason
    session.add(visit)
    await record_event(session, deps, visit, user_id, "cancelled", note=reason)
    await timers.cancel(session, kind_prefix="visit.", subject_id=number)
    await release_visit_rooms(session, deps, number)
    if not deps.config.same_person(visit.host_id, user_id):
        await tell(
            session,
            deps,
            key=visit_key(visit, "cancelled"),
            to=ToPerson(visit.host_id),
            text_key="visit.notify.cancelled",
            params={**params_of(visit, deps), "user": user_id},
        )
    return visit


async def no_show(session: AsyncSession, deps: Deps, user_id: str, number: int) -> Visit:
    """Reception: the expected visitor did not come."""
    refuse_non_desk(deps, user_id)
    visit = await find_visit(session, number, lock=True)
    refuse_step(visit, "no_show", may_step(visit.status, "no_show"))
    visit.status = VisitStatus.NO_SHOW
    session.add(visit)
    await record_event(session, deps, visit, user_id, "no_show")
    await timers.cancel(session, kind_prefix="visit.", subject_id=number)
    await release_visit_rooms(session, deps, number)
    return visit


def describe_visit(visit: Visit, deps: Deps, now: datetime) -> dict[str, object]:
    """One visit as a list row: number, time, visitor, company, host, room, status, flags."""
    badge_out, id_out = outstanding(visit)
    waiting = 0
    if visit.status == VisitStatus.SEATED and visit.met_at is None and visit.host_due_at:
        waiting = minutes_late(visit.host_due_at, now)
    return {
        "number": visit.id or 0,
        "time": visit.visit_at.astimezone(deps.tz).strftime("%H:%M"),
        "visitor": visit.visitor,
        "company": visit.company,
        "host": visit.host_id,
        "room": visit.room,
        "status": visit.status,
        "walkin": visit.walkin,
        "badge": visit.badge,
        "id_type": visit.id_type,
        "slot": visit.slot,
        "badge_out": badge_out and visit.status == VisitStatus.LEFT,
        "id_out": id_out and visit.status == VisitStatus.LEFT,
        "waiting": waiting,
    }
