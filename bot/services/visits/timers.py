"""The visit features' timer handlers (kind → handler, gathered in bot/scheduler.py).

Each re-reads its subject and does nothing when the moment has passed: a host who confirmed,
a visit cancelled or gone, a report already in.
"""

from __future__ import annotations

from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.nudges import next_repeat
from bot.domain.visits import VisitStatus, minutes_late
from bot.i18n import LANGS, Lang, template, timed
from bot.ports import ToPerson
from bot.services.timers import Due, Handler, set_timer
from bot.services.visits.common import (
    VisitVerb,
    button,
    host_recipients,
    team_and_manager,
    tell,
    tell_reception,
    tell_room,
)
from bot.services.visits.desk import params_of, plan_end_of_day
from bot.services.visits.fieldvisits import alerted_staff, ask_for_report, staff_of
from bot.services.visits.fieldvisits import params_of as field_params
from storage.models import Visit
from storage.repos.visits import get_field_visit, get_visit, list_unreturned


async def _reminder(session: AsyncSession, deps: Deps, due: Due) -> None:
    visit = await get_visit(session, due.subject_id)
    if visit is None or visit.status != VisitStatus.EXPECTED:
        return
    what = due.kind.removeprefix("visit.")
    for person in await host_recipients(session, deps, visit.host_id):
        await tell(
            session,
            deps,
            key=f"visit:{visit.id}:{what}:{person}",
            to=ToPerson(person),
            text_key=f"visit.notify.reminder_{what}",
            params=params_of(visit, deps),
        )


async def _host_nudge(session: AsyncSession, deps: Deps, due: Due) -> None:
    visit = await get_visit(session, due.subject_id)
    if visit is None or visit.status != VisitStatus.SEATED or visit.met_at is not None:
        return
    late = minutes_late(visit.host_due_at or visit.visit_at, deps.clock.now())
    params = {**params_of(visit, deps), "late": late}
    for person in await host_recipients(session, deps, visit.host_id):
        await tell(
            session,
            deps,
            key=f"visit:{visit.id}:nudge:{due.id}:{person}",
            to=ToPerson(person),
            text_key="visit.notify.host_late",
            params=params,
            buttons=[button(VisitVerb.MET, visit.id or 0)],
        )


async def _host_escalate(session: AsyncSession, deps: Deps, due: Due) -> None:
    visit = await get_visit(session, due.subject_id)
    if visit is None or visit.status != VisitStatus.SEATED or visit.met_at is not None:
        return
    late = minutes_late(visit.host_due_at or visit.visit_at, deps.clock.now())
    alerted = team_and_manager(deps, visit.host_id)
    params = {**params_of(visit, deps), "late": late}
    for person in alerted:
        await tell(
            session,
            deps,
            key=f"visit:{visit.id}:escalate:{due.id}:{person}",
            to=ToPerson(person),
            text_key="visit.notify.host_missing",
            params=params,
            buttons=[button(VisitVerb.MET, visit.id or 0)],
        )
    await tell_reception(
        session,
        deps,
        key=f"visit:{visit.id}:escalated:{due.id}",
        text_key="visit.alert.escalated",
        params={**params, "alerted_users": alerted},
    )


async def _overstay(session: AsyncSession, deps: Deps, due: Due) -> None:
    visit = await get_visit(session, due.subject_id)
    if visit is None or visit.status not in (VisitStatus.SEATED, VisitStatus.MET):
        return
    await tell_room(
        session,
        deps,
        visit.room,
        key=f"visit:{visit.id}:overstay:{due.id}",
        text_key="visit.alert.overstay",
        params={**params_of(visit, deps), "until": timed(visit.ends_at)},
    )


async def _end_of_day(session: AsyncSession, deps: Deps, due: Due) -> None:
    day = date.fromisoformat(str(due.payload.get("day")))
    now = deps.clock.now()
    visits = await list_unreturned(session, arrived_before=now)
    if not visits:
        return  # nothing when all is back
    # what is still out is listed again on the next business day, until it is back
    await plan_end_of_day(session, deps, now)
    if not deps.calendar.is_business_day(day):
        return  # the day became a holiday after the list was planned
    await tell_reception(
        session,
        deps,
        key=f"visit:eod:{day.isoformat()}",
        text_key="visit.alert.end_of_day",
        params={"count": len(visits), "lines": ""},
        localized={lang: {"lines": _still_out(lang, visits)} for lang in LANGS},
    )


def _still_out(lang: Lang, visits: list[Visit]) -> str:
    """One line per visit: its badge not returned, the type of ID still held and its slot
    (the labels from the catalogue; the text as a whole is escaped where it is written)."""

    def say(key: str, name: str, value: str) -> str:
        return template(lang, f"visit.eod.{key}").replace("{" + name + "}", value)

    lines = []
    for v in visits:
        parts = [f"V{v.id} {v.visitor}"]
        if v.badge and not v.badge_returned:
            parts.append(say("badge", "badge", v.badge))
        if v.id_type and not v.id_returned:
            kind = template(lang, f"visit.id_type.{v.id_type}")
            parts.append(say("id", "id_type", kind))
            if v.slot:
                parts.append(say("slot", "slot", v.slot))
        lines.append(" · ".join(parts))
    return "\n".join(lines)


async def _field_reminder(session: AsyncSession, deps: Deps, due: Due) -> None:
    visit = await get_field_visit(session, due.subject_id)
    if visit is None or visit.status != "planned":
        return
    for person in await alerted_staff(session, deps, visit):
        await tell(
            session,
            deps,
            key=f"fieldvisit:{visit.id}:day_before:{person}",
            to=ToPerson(person),
            text_key="visit.fieldvisit.reminder",
            params=field_params(visit),
        )


async def _field_ended(session: AsyncSession, deps: Deps, due: Due) -> None:
    visit = await get_field_visit(session, due.subject_id)
    if visit is not None and visit.status == "planned":
        await ask_for_report(session, deps, visit, "report_asked")


async def _field_due(session: AsyncSession, deps: Deps, due: Due) -> None:
    visit = await get_field_visit(session, due.subject_id)
    if visit is not None and visit.status == "planned":
        await ask_for_report(session, deps, visit, "report_due")


async def _field_approaching(session: AsyncSession, deps: Deps, due: Due) -> None:
    visit = await get_field_visit(session, due.subject_id)
    if visit is not None and visit.status == "planned":
        await ask_for_report(session, deps, visit, "report_approaching")


async def _field_escalate(session: AsyncSession, deps: Deps, due: Due) -> None:
    """The report is overdue: the manager is told and the staff nudged again, then both once
    more every `overdue_repeat` (the inquiries' repeat grid) until it is in."""
    visit = await get_field_visit(session, due.subject_id)
    if visit is None or visit.status != "planned":
        return
    now = deps.clock.now()
    again = next_repeat(now, deps.calendar, deps.nudges.overdue_repeat)
    await set_timer(
        session,
        deps,
        key=f"fieldvisit:{visit.id}:escalate:{again.isoformat()}",
        kind="fieldvisit.escalate",
        subject_id=visit.id or 0,
        due_at=again,
    )
    await ask_for_report(session, deps, visit, "report_late", tag=f"{due.id}")
    managers: dict[str, None] = {}
    for person in staff_of(visit):
        team = deps.config.team_of(person)
        if team is not None and not deps.config.same_person(team.manager, person):
            managers[team.manager] = None
    for manager in managers:
        await tell(
            session,
            deps,
            key=f"fieldvisit:{visit.id}:escalate:{due.id}:{manager}",
            to=ToPerson(manager),
            text_key="visit.fieldvisit.report_overdue",
            params=field_params(visit),
        )


TIMERS: dict[str, Handler] = {
    "visit.day_before": _reminder,
    "visit.before": _reminder,
    "visit.nudge": _host_nudge,
    "visit.escalate": _host_escalate,
    "visit.overstay": _overstay,
    "visit.eod": _end_of_day,
    "fieldvisit.day_before": _field_reminder,
    "fieldvisit.ended": _field_ended,
    "fieldvisit.approaching": _field_approaching,
    "fieldvisit.due": _field_due,
    "fieldvisit.escalate": _field_escalate,
}
