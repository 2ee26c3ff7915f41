"""Field visits (C11): staff visiting a customer plan the agreed time, are reminded the
business day before, and report the result after it (due `sla.fieldvisit_report` after the
planned end; nudged on the inquiries' engine: at the approaching share and the deadline, the
manager told `sla.escalation_grace` after it, repeated every `sla.overdue_repeat`)."""

from __future__ import annotations

import json
from datetime import date, datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.domain.inquiry import Actor
from bot.domain.nudges import Obligation, approaching_at, escalation_at
from bot.domain.visits import day_before_at, field_visit_report_due
from bot.errors import Conflict, DomainError, Forbidden
from bot.i18n import Phrase, timed
from bot.ports import ToPerson, ToRole
from bot.services import inquiries as inquiry_svc
from bot.services import timers
from bot.services.home_refresh import refresh_for_field_visit
from bot.services.visits.common import (
    VisitVerb,
    at_local,
    button,
    clock_of,
    find_field_visit,
    host_recipients,
    refuse_id_numbers,
    refuse_non_staff,
    tell,
)
from storage.models import FieldVisit

FIELD_VISIT_LENGTH = "2h"  # a field visit's planned end, after its start


def staff_of(visit: FieldVisit) -> list[str]:
    """The staff going on the visit (the planner first)."""
    people = json.loads(visit.staff or "[]")
    return [str(p) for p in people]


async def alerted_staff(session: AsyncSession, deps: Deps, visit: FieldVisit) -> list[str]:
    """Who gets a field visit's reminder and report nudges now: its staff, each absent one
    stood in for by their delegate (else their team's manager), as the absence hook says."""
    people: dict[str, None] = {}
    for person in staff_of(visit):
        for who in await host_recipients(session, deps, person):
            people[who] = None
    return list(people)


async def _refuse_not_on_it(
    session: AsyncSession, deps: Deps, visit: FieldVisit, user_id: str
) -> None:
    """Its staff, whoever stands in for one of them now, and admins act on a field visit."""
    if deps.config.is_admin(user_id) or any(
        deps.config.same_person(p, user_id) for p in staff_of(visit)
    ):
        return
    if user_id in await alerted_staff(session, deps, visit):
        return
    raise Forbidden("visit.error.fieldvisit_staff_only", number=visit.id or 0)


def params_of(visit: FieldVisit) -> dict[str, object]:
    """The message parameters of a field visit's alerts."""
    return {
        "number": visit.id or 0,
        "customer": visit.customer,
        "purpose": visit.purpose or "-",
        "at": timed(visit.visit_at),
        "due": timed(visit.report_due_at),
        "staff_users": staff_of(visit),
    }


def _key(visit: FieldVisit, what: str) -> str:
    return f"fieldvisit:{visit.id}:{what}"


async def plan_field_visit(
    session: AsyncSession,
    deps: Deps,
    user_id: str,
    *,
    customer: str,
    day: date,
    at: time,
    purpose: str,
    people: list[str],
    inquiry: int | None,
) -> FieldVisit:
    """Plan a visit to a customer at the agreed time; remind the business day before and
    make the result report due after it."""
    refuse_id_numbers([customer, purpose])
    refuse_non_staff(deps, user_id)
    for person in people:
        if not deps.is_staff(person):
            raise DomainError("visit.error.with_not_staff", "visit.usage.fieldvisit.plan")
    if inquiry is not None:
        await inquiry_svc.find_inquiry(session, inquiry)  # "no such inquiry #N"
    now = deps.clock.now()
    start = at_local(deps, day, at)
    if start < now:
        raise DomainError("visit.error.in_the_past", "visit.usage.fieldvisit.plan")
    end = start + parse_duration(FIELD_VISIT_LENGTH).wall
    due = field_visit_report_due(end, deps.config.sla.fieldvisit_report, deps.calendar)
    visit = FieldVisit(
        status="planned",
        customer=customer,
        purpose=purpose,
        visit_at=start,
        ends_at=end,
        staff=json.dumps(list(dict.fromkeys([user_id, *people]))),
        inquiry_number=inquiry,
        created_by=user_id,
        report_due_at=due,
        created_at=now,
    )
    session.add(visit)
    await session.flush()
    await refresh_for_field_visit(session, deps, staff_of(visit))
    number = visit.id or 0
    reminder = day_before_at(day, clock_of(deps.config.visitors.reminder_time), deps.calendar)
    plan = [("day_before", reminder), *report_nudges(deps, end, due)]
    for name, when in plan:
        if when > now:
            await timers.set_timer(
                session,
                deps,
                key=_key(visit, name),
                kind=f"fieldvisit.{name}",
                subject_id=number,
                due_at=when,
            )
    return visit


def report_nudges(deps: Deps, end: datetime, due: datetime) -> list[tuple[str, datetime]]:
    """The result report's steps: the form asked for as the visit ends (wall clock: the staff
    are just out of it), then the inquiries' nudge engine (bot.domain.nudges): nudged at the
    approaching share of the window and at the deadline, the manager told `escalation_grace`
    after it, then repeated every `overdue_repeat` (timers.py), held to business hours."""
    cal, policy = deps.calendar, deps.nudges
    report = Obligation("fieldvisit_report", start=end, deadline=due, met=False)
    approaching = cal.next_open(approaching_at(report, cal, policy.sla.approaching))
    plan = [("ended", end)]
    if end < approaching < due:
        plan.append(("approaching", approaching))
    plan.append(("due", due))
    plan.append(("escalate", escalation_at(report, cal, policy.escalation_grace, True)))
    return plan


async def report_field_visit(
    session: AsyncSession, deps: Deps, user_id: str, number: int, *, outcome: str, next_steps: str
) -> FieldVisit:
    """Record a field visit's result: posted to triage, and added to the inquiry it names
    (its history and its requester)."""
    refuse_id_numbers([outcome, next_steps])
    refuse_non_staff(deps, user_id)
    visit = await find_field_visit(session, number, lock=True)
    await _refuse_not_on_it(session, deps, visit, user_id)
    if visit.status != "planned":
        raise Conflict(
            "visit.error.fieldvisit_done",
            number=number,
            state=Phrase(f"visit.fieldvisit.status.{visit.status}"),
        )
    if not outcome:
        raise DomainError("visit.error.missing_outcome", "visit.usage.fieldvisit.report")
    now = deps.clock.now()
    visit.status, visit.outcome, visit.next_steps = "reported", outcome, next_steps
    visit.reported_by, visit.reported_at = user_id, now
    session.add(visit)
    await timers.cancel(session, kind_prefix="fieldvisit.", subject_id=number)
    await refresh_for_field_visit(session, deps, staff_of(visit))
    params = {**params_of(visit), "user": user_id, "outcome": outcome, "next": next_steps or "-"}
    await tell(
        session,
        deps,
        key=_key(visit, "reported"),
        to=ToRole("triage"),
        text_key="visit.fieldvisit.reported",
        params=params,
    )
    if visit.inquiry_number is not None:
        note = f"F{number} {visit.customer}: {outcome}"
        if next_steps:
            note += f" / {next_steps}"
        actor = Actor(user_id=user_id, is_staff=True)
        await inquiry_svc.add_field_visit_result(
            session, deps, visit.inquiry_number, actor, note[:2900]
        )
    return visit


async def cancel_field_visit(
    session: AsyncSession, deps: Deps, user_id: str, number: int, reason: str
) -> FieldVisit:
    """Cancel a planned field visit (its staff, admins)."""
    refuse_non_staff(deps, user_id)
    visit = await find_field_visit(session, number, lock=True)
    await _refuse_not_on_it(session, deps, visit, user_id)
    if visit.status != "planned":
        raise Conflict(
            "visit.error.fieldvisit_done",
            number=number,
            state=Phrase(f"visit.fieldvisit.status.{visit.status}"),
        )
    visit.status, visit.next_steps = "cancelled", reason
    session.add(visit)
    await timers.cancel(session, kind_prefix="fieldvisit.", subject_id=number)
    await refresh_for_field_visit(session, deps, staff_of(visit))
    return visit


async def ask_for_report(
    session: AsyncSession, deps: Deps, visit: FieldVisit, what: str, *, tag: str = ""
) -> None:
    """DM the visiting staff the report button (the visit ended, the report is due soon, due
    now, late; `tag` tells the repeats of one step apart)."""
    for person in await alerted_staff(session, deps, visit):
        await tell(
            session,
            deps,
            key=_key(visit, f"{what}{tag}:{person}"),
            to=ToPerson(person),
            text_key=f"visit.fieldvisit.{what}",
            params=params_of(visit),
            buttons=[button(VisitVerb.REPORT, visit.id or 0)],
        )
