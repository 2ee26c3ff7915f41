"""Which promises an inquiry owes, and when to nudge, warn and escalate about them (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import Duration
from bot.domain.inquiry import Kind
from bot.domain.sla import SlaPolicy, end_of_business_day, first_deadline


@dataclass(frozen=True)
class Facts:
    """What the nudge rules need to know about an inquiry."""

    kind: Kind
    is_open: bool
    on_hold: bool
    sla_start: datetime
    due_end: datetime | None
    first_response_at: datetime | None
    eta_at: datetime | None
    eta_set_at: datetime | None
    milestones: tuple[tuple[datetime, date], ...] = ()  # (planned at, milestone date)
    progress_at: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class Obligation:
    """One promise with a window: opened at `start`, kept by `deadline` unless `met`."""

    name: str
    start: datetime
    deadline: datetime
    met: bool
    business: bool = True


@dataclass(frozen=True)
class Planned:
    """A reminder to exist: unique key, who hears it and when."""

    key: str
    obligation: str
    kind: str  # approaching | deadline | escalation | warning
    audience: str  # assignee | manager
    due_at: datetime
    deadline_at: datetime
    repeat: int = 0


@dataclass(frozen=True)
class NudgePolicy:
    """The nudge settings of the [sla] section."""

    sla: SlaPolicy
    regulatory_warnings: tuple[Duration, ...]
    overdue_repeat: Duration


def obligations(f: Facts, cal: BusinessCalendar, policy: SlaPolicy) -> list[Obligation]:
    """List the promises an inquiry owes now; all met (none) once it is closed or on hold."""
    if not f.is_open or f.on_hold:
        return []
    out: list[Obligation] = []
    first = first_deadline(f.kind, f.sla_start, None, cal, policy)
    if f.kind == Kind.VOC and first:
        out.append(Obligation("review", f.sla_start, first, f.first_response_at is not None))
    if f.kind == Kind.REQUEST and first:
        out.append(Obligation("review", f.sla_start, first, f.first_response_at is not None))
    if f.kind == Kind.SUPPORT and first:
        out.append(
            Obligation("first_response", f.sla_start, first, f.first_response_at is not None)
        )
        eta_due = cal.add(f.sla_start, policy.support_eta)
        out.append(Obligation("eta_required", f.sla_start, eta_due, f.eta_at is not None))
    if f.kind == Kind.REGULATORY and f.due_end is not None:
        out.append(Obligation("due", f.sla_start, f.due_end, False, business=False))
    if f.eta_at is not None and f.kind != Kind.REGULATORY:
        out.append(Obligation("resolution", f.eta_set_at or f.sla_start, f.eta_at, False))
    previous = f.sla_start
    for planned_at, day in sorted(f.milestones, key=lambda m: m[1]):
        deadline = end_of_business_day(day, cal)
        start = max(planned_at, previous)
        met = any(t >= start for t in f.progress_at)
        out.append(Obligation(f"milestone:{day.isoformat()}", start, deadline, met))
        previous = deadline
    return out


def _hold_to_open(moment: datetime, cal: BusinessCalendar, business: bool) -> datetime:
    """Nudges about business-time promises wait for the next opening."""
    return cal.next_open(moment) if business and not cal.always_open else moment


def approaching_at(ob: Obligation, cal: BusinessCalendar, share: float) -> datetime:
    """The moment `share` of the obligation's window has elapsed (business time if it counts)."""
    if cal.always_open or not ob.business:
        return ob.start + (ob.deadline - ob.start) * share
    window = cal.business_minutes_between(ob.start, ob.deadline)
    return cal.add_business_minutes(cal.next_open(ob.start), int(window * share))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S")


def _planned(
    ob: Obligation,
    base: str,
    kind: str,
    audience: str,
    at: datetime,
    cal: BusinessCalendar,
    suffix: str = "",
) -> Planned:
    return Planned(
        key=f"{base}:{kind}{suffix}",
        obligation=ob.name,
        kind=kind,
        audience=audience,
        due_at=_hold_to_open(at, cal, ob.business),
        deadline_at=ob.deadline,
    )


def plan(inquiry_id: int, f: Facts, cal: BusinessCalendar, policy: NudgePolicy) -> list[Planned]:
    """Every reminder the inquiry should have now; keys change when a deadline moves."""
    out: list[Planned] = []
    for ob in obligations(f, cal, policy.sla):
        if ob.met:
            continue
        base = f"r:{inquiry_id}:{ob.name}:{_stamp(ob.deadline)}"
        if ob.name == "due":
            for warning in policy.regulatory_warnings:
                at = ob.deadline - warning.wall if not warning.is_business else ob.deadline
                if at > ob.start:
                    out.append(_planned(ob, base, "warning", "assignee", at, cal, f":{warning}"))
        else:
            at = approaching_at(ob, cal, policy.sla.approaching)
            out.append(_planned(ob, base, "approaching", "assignee", at, cal))
        out.append(_planned(ob, base, "deadline", "assignee", ob.deadline, cal))
        out.append(_planned(ob, base, "escalation", "manager", ob.deadline, cal))
    return out


def next_repeat(due_at: datetime, cal: BusinessCalendar, every: Duration) -> datetime:
    """When an escalation about a still-overdue promise is repeated."""
    moment = cal.add(due_at, every) if every.is_business else due_at + every.wall
    return moment if cal.always_open else cal.next_open(moment)


def snooze_until(now: datetime, minutes: int, cal: BusinessCalendar) -> datetime:
    """Snoozing counts business minutes (wall minutes when always open)."""
    if cal.always_open:
        return now + timedelta(minutes=minutes)
    return cal.add_business_minutes(now, minutes)
