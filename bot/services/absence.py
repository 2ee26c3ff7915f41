"""`/away`: record, end and read absences; route an alert for a person to whoever stands in.

`bot.services.people.absence_of` is the hook every feature asks; this module is the use case
behind it (setting one) and the routing rule the features share: an absent person's alerts
go to their delegate when the delegate is staff and not absent too, else to the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.callback_commands import AwayCommand
from bot.domain.durations import DurationError, parse_duration
from bot.errors import Conflict, DomainError, Forbidden
from bot.i18n import timed
from bot.services.people import Absence, absence_of
from storage.models import Absence as AbsenceRow
from storage.repos.absences import add_absence, end_absences

MAX_AWAY = timedelta(days=60)


@dataclass(frozen=True)
class Route:
    """Who gets an alert meant for `user_id`: the person, their delegate, or nobody in
    particular (`to is None`: the caller falls back to the team)."""

    user_id: str
    to: str | None
    absence: Absence | None = None


async def route_person(session: AsyncSession, deps: Deps, user_id: str, *, at: datetime) -> Route:
    """The person when present; else their delegate when the delegate is staff and present;
    else nobody (the team)."""
    absence = await absence_of(session, user_id, at=at, deps=deps)
    if absence is None:
        return Route(user_id, user_id)
    delegate = absence.delegate
    if (
        delegate
        and deps.is_staff(delegate)
        and await absence_of(session, delegate, at=at, deps=deps) is None
    ):
        return Route(user_id, delegate, absence)
    return Route(user_id, None, absence)


def resolve_until(cmd: AwayCommand, deps: Deps, now: datetime) -> datetime:
    """The end of an absence as typed: a time today, a day (its
    end: the next morning's start), a day and time, or `+2h`; refused in the past or over
    60 days ahead."""
    tz = deps.tz
    local = now.astimezone(tz)
    if cmd.until_relative is not None:
        try:
            duration = parse_duration(cmd.until_relative)
        except DurationError:  # well formed (the grammar checked) but too long
            raise DomainError("away.error.too_far", "away.usage", days=MAX_AWAY.days) from None
        until = deps.calendar.add(now, duration)
    elif cmd.until_at is not None:
        day = cmd.until_day or local.date()
        until = datetime.combine(day, cmd.until_at, tz)
    else:
        assert cmd.until_day is not None
        until = datetime.combine(cmd.until_day + timedelta(days=1), time(0), tz)
    if until <= now:
        raise DomainError("away.error.past", "away.usage", until=timed(until, tz))
    if until - now > MAX_AWAY:
        raise DomainError("away.error.too_far", "away.usage", days=MAX_AWAY.days)
    return until


async def set_away(
    session: AsyncSession,
    deps: Deps,
    user_id: str,
    *,
    until: datetime,
    delegate: str | None,
    reason: str,
) -> AbsenceRow:
    """Record an absence from now until `until` (ending any absence in force); the delegate
    must be staff, someone else, and not away too."""
    if not deps.is_staff(user_id):
        raise Forbidden("away.error.staff_only")
    now = deps.clock.now()
    if delegate is not None:
        if deps.config.same_person(delegate, user_id):
            raise Conflict("away.error.self_delegate")
        if not deps.is_staff(delegate):
            raise Forbidden("away.error.delegate_not_staff", user=delegate)
        theirs = await absence_of(session, delegate, at=now)
        if theirs is not None:
            raise Conflict("away.error.delegate_away", user=delegate)
    await end_absences(session, user_id=user_id, at=now)
    return await add_absence(
        session,
        AbsenceRow(
            user_id=user_id,
            starts_at=now,
            until=until,
            delegate=delegate,
            reason=reason,
            created_at=now,
        ),
    )


async def end_away(session: AsyncSession, deps: Deps, user_id: str) -> bool:
    """End user_id's absence now (`/away off`); whether there was one."""
    return await end_absences(session, user_id=user_id, at=deps.clock.now()) > 0
