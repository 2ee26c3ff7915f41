"""The host's side of a visit (C10): the answers to an arrival (coming down, send to a room,
can't meet now) and the confirmation of being in the room, which stops the ladder."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.visits import VisitStatus, may_step, minutes_late
from bot.errors import DomainError
from bot.ports import ToPerson
from bot.services import timers
from bot.services.visits.common import (
    VisitVerb,
    find_visit,
    host_recipients,
    refuse_id_numbers,
    refuse_step,
    refuse_stranger,
    team_and_manager,
    tell,
    tell_reception,
    tell_room,
)
from bot.services.visits.desk import params_of, record_event, visit_key
from bot.services.visits.rooms import room_of
from storage.models import Visit


async def meet(session: AsyncSession, deps: Deps, user_id: str, number: int) -> tuple[Visit, int]:
    """The host is in the room with the visitor (C10 is measured from here): stops the ladder.
    Returns the visit and how many minutes late the host was."""
    visit = await find_visit(session, number, lock=True)
    await _refuse_not_host(session, deps, visit, user_id)
    if visit.met_at is not None:
        raise DomainError("visit.error.already_met", number=number)
    refuse_step(visit, "meet", may_step(visit.status, "meet"))
    now = deps.clock.now()
    due = visit.host_due_at or visit.visit_at
    late = minutes_late(due, now)
    visit.status, visit.met_at = VisitStatus.MET, now
    session.add(visit)
    await record_event(session, deps, visit, user_id, "met", note=str(late))
    await timers.cancel(session, keys=[visit_key(visit, "nudge"), visit_key(visit, "escalate")])
    await tell_room(
        session,
        deps,
        visit.room,
        key=visit_key(visit, "met"),
        text_key="visit.alert.host_in_room" if late else "visit.alert.host_in_room_on_time",
        params={**params_of(visit, deps), "late": late},
    )
    return visit, late


async def _refuse_not_host(session: AsyncSession, deps: Deps, visit: Visit, user_id: str) -> None:
    """The host, whoever stands in for them now, reception and admins may answer."""
    if user_id in await host_recipients(session, deps, visit.host_id):
        return
    refuse_stranger(deps, visit, user_id)


async def answerable(
    session: AsyncSession,
    deps: Deps,
    user_id: str,
    number: int,
    verb: VisitVerb,
    *,
    lock: bool = False,
) -> Visit:
    """The visit a host's answer is about, once it is theirs to answer and its status allows
    it (asked before the "can't meet now" form opens, so a stale button is refused at once)."""
    visit = await find_visit(session, number, lock=lock)
    await _refuse_not_host(session, deps, visit, user_id)
    step = {VisitVerb.COMING: "coming", VisitVerb.SEND_ROOM: "coming"}.get(verb, "decline")
    refuse_step(visit, step, may_step(visit.status, step))
    return visit


async def host_answer(
    session: AsyncSession,
    deps: Deps,
    user_id: str,
    number: int,
    verb: VisitVerb,
    *,
    room: str = "",
    reason: str = "",
) -> Visit:
    """The host's answer to an arrival: coming down, send to a room, or can't meet now (with a
    reason: reception and the host's team are alerted)."""
    refuse_id_numbers([reason])
    visit = await answerable(session, deps, user_id, number, verb, lock=True)
    params = {**params_of(visit, deps), "user": user_id}
    now = f"{deps.clock.now().timestamp():.0f}"
    if verb == VisitVerb.COMING:
        await record_event(session, deps, visit, user_id, "coming")
        await tell_reception(
            session,
            deps,
            key=visit_key(visit, f"coming:{now}"),
            text_key="visit.alert.coming",
            params=params,
        )
    elif verb == VisitVerb.SEND_ROOM:
        room = room_of(deps, room)
        await record_event(session, deps, visit, user_id, "send_room", note=room)
        await tell_reception(
            session,
            deps,
            key=visit_key(visit, f"send_room:{now}"),
            text_key="visit.alert.send_room",
            params={**params, "room": room},
        )
    else:
        if not reason:
            raise DomainError("visit.error.missing_reason")
        visit.reason = reason
        session.add(visit)
        await record_event(session, deps, visit, user_id, "declined", note=reason)
        params = {**params, "reason": reason}
        await tell_reception(
            session,
            deps,
            key=visit_key(visit, f"declined:{now}"),
            text_key="visit.alert.declined",
            params=params,
        )
        for person in team_and_manager(deps, visit.host_id):
            await tell(
                session,
                deps,
                key=visit_key(visit, f"declined:{now}:{person}"),
                to=ToPerson(person),
                text_key="visit.alert.declined",
                params=params,
            )
    return visit
