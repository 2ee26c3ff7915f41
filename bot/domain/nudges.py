"""Which promises an inquiry owes, and when to nudge, warn and escalate about them (pure).

The stages of one obligation, for its assignee: ``warning`` (regulatory, days ahead) or
``approaching`` (at the approaching share of the window), then ``deadline`` (overdue), then
``deadline`` repeats; for the assignee's manager: ``escalation`` a grace period after the
deadline, then ``escalation`` repeats. Only the most advanced stage is ever shown: an early
stage that fires after the deadline is dropped (or, when it is a snooze, shown as overdue).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import Duration
from bot.domain.inquiry import Kind
from bot.domain.sla import SlaPolicy, end_of_business_day, first_deadline

DEFAULT_GRACE = Duration(business_minutes=30)


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
    # An assignee who is not absent: the manager is told only after the escalation grace.
    assignee_present: bool = True


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
    escalation_grace: Duration = DEFAULT_GRACE


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


def warning_day(moment: datetime, cal: BusinessCalendar) -> datetime:
    """A regulatory warning (D-30, D-7, D-1) is delivered on a business day: one that falls on
    a weekend or holiday comes at the opening of the business day before."""
    if cal.always_open:
        return moment
    day = moment.astimezone(cal.tz).date()
    if cal.is_business_day(day):
        return moment
    return _opening(cal.previous_business_day(day), cal)


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


def escalation_at(
    ob: Obligation, cal: BusinessCalendar, grace: Duration, assignee_present: bool
) -> datetime:
    """When the manager hears about a missed deadline: after the grace, at once without an
    assignee (or when the assignee is absent); held to the next opening for business promises.
    """
    at = cal.add(ob.deadline, grace) if assignee_present else ob.deadline
    return _hold_to_open(at, cal, ob.business)


def plan(inquiry_id: int, f: Facts, cal: BusinessCalendar, policy: NudgePolicy) -> list[Planned]:
    """Every reminder the inquiry should have now; keys change when a deadline moves.

    An early nudge (warning, approaching) that could only go out at or after the deadline is
    not planned: the deadline nudge supersedes it. The escalation's key does not depend on
    its time, so a new assignee moves a pending escalation instead of adding a second one.
    """
    out: list[Planned] = []
    for ob in obligations(f, cal, policy.sla):
        if ob.met:
            continue
        base = f"r:{inquiry_id}:{ob.name}:{_stamp(ob.deadline)}"
        early: list[Planned] = []
        if ob.name == "due":
            for warning in policy.regulatory_warnings:
                if warning.is_business:
                    at = ob.deadline  # falls on the due moment: the deadline nudge wins
                else:
                    at = warning_day(ob.deadline - warning.wall, cal)
                if at > ob.start:
                    early.append(_planned(ob, base, "warning", "assignee", at, cal, f":{warning}"))
        else:
            at = approaching_at(ob, cal, policy.sla.approaching)
            early.append(_planned(ob, base, "approaching", "assignee", at, cal))
        out += [p for p in early if p.due_at < ob.deadline]
        out.append(_planned(ob, base, "deadline", "assignee", ob.deadline, cal))
        out.append(
            Planned(
                key=f"{base}:escalation",
                obligation=ob.name,
                kind="escalation",
                audience="manager",
                due_at=escalation_at(ob, cal, policy.escalation_grace, f.assignee_present),
                deadline_at=ob.deadline,
            )
        )
    return out


# The repeat grid for wall-clock intervals starts here (a Monday, local midnight), so the
# overdue repeats of all inquiries land on the same points.
_GRID_ANCHOR = datetime(2000, 1, 3)


def next_repeat(last: datetime, cal: BusinessCalendar, every: Duration) -> datetime:
    """When an overdue nudge or escalation sent at `last` repeats.

    Repeats of all inquiries fall on one shared grid, so a person gets at most one overdue
    round-up per grid point (one line per inquiry), not one message per inquiry:

    * whole business days (``1bd``): the opening of the N-th business day after `last`'s day;
    * business minutes or hours: points every `every` from each business day's opening, the
      first at least `every` of business time after `last`;
    * wall clock (and business time when always open): points every `every` from a fixed
      local midnight, the first at least `every` after `last`; held to the next opening.
    """
    if every.is_business and not cal.always_open:
        if not every.business_minutes:
            day = last.astimezone(cal.tz).date()
            for _ in range(every.business_days):
                day = _next_business_day(day, cal)
            return _opening(day, cal)
        step = every.business_total(cal.minutes_per_day)
        earliest = cal.next_open(cal.add(last, every))
        day_open = _opening(earliest.astimezone(cal.tz).date(), cal)
        k = math.ceil(cal.business_minutes_between(day_open, earliest) / step)
        if k * step < cal.minutes_per_day:
            return cal.add_business_minutes(day_open, k * step)
        return _opening(_next_business_day(day_open.astimezone(cal.tz).date(), cal), cal)
    size = (
        timedelta(minutes=every.business_total(cal.minutes_per_day))
        if every.is_business
        else every.wall
    )
    anchor = _GRID_ANCHOR.replace(tzinfo=cal.tz).astimezone(UTC)
    k = math.ceil((last.astimezone(UTC) + size - anchor) / size)
    moment = (anchor + k * size).astimezone(cal.tz)
    return moment if cal.always_open else cal.next_open(moment)


def _opening(day: date, cal: BusinessCalendar) -> datetime:
    return cal.next_open(datetime.combine(day, time(0), cal.tz))


def _next_business_day(day: date, cal: BusinessCalendar) -> date:
    day += timedelta(days=1)
    while not cal.is_business_day(day):
        day += timedelta(days=1)
    return day


def snooze_until(now: datetime, minutes: int, cal: BusinessCalendar) -> datetime:
    """Snoozing counts business minutes (wall minutes when always open)."""
    if cal.always_open:
        return now + timedelta(minutes=minutes)
    return cal.add_business_minutes(now, minutes)


EARLY = frozenset({"warning", "approaching"})
_RANK = {"warning": 0, "approaching": 1, "deadline": 2, "escalation": 3}
Slot = tuple[int, str, str]  # (inquiry id, obligation, audience)


@dataclass(frozen=True)
class Fired:
    """A reminder taken from the queue because it is due."""

    id: int
    inquiry_id: int
    obligation: str
    kind: str
    audience: str
    deadline_at: datetime
    snooze: bool = False  # a copy made by a snooze button

    @property
    def slot(self) -> Slot:
        """The obligation and audience this reminder speaks about."""
        return (self.inquiry_id, self.obligation, self.audience)


@dataclass(frozen=True)
class Shown:
    """A fired reminder that makes it into a message, at the stage it is shown in."""

    fired: Fired
    stage: str  # warning | approaching | deadline | escalation


def stage_when_fired(fired: Fired, now: datetime) -> str | None:
    """The stage a reminder shows when it fires at `now`; None: it is dropped.

    An early stage whose deadline has passed is superseded: sent late it would say "due
    11:52 is approaching" after 11:52. A snooze postpones the obligation's next nudge, so a
    snoozed early nudge that wakes up after the deadline shows the overdue stage instead.
    """
    if fired.kind in EARLY and now >= fired.deadline_at:
        return "deadline" if fired.snooze else None
    return fired.kind


def select_nudges(
    fired: Iterable[Fired], now: datetime, snoozed: frozenset[Slot] = frozenset()
) -> list[Shown]:
    """Decide what a sweep shows: per obligation and audience only the most advanced stage.

    `snoozed` holds the slots with a snooze still waiting: nothing else about that
    obligation reaches that audience until the snooze wakes up.
    """
    best: dict[Slot, Shown] = {}
    for f in fired:
        if f.slot in snoozed:
            continue
        stage = stage_when_fired(f, now)
        if stage is None:
            continue
        current = best.get(f.slot)
        if current is None or _RANK[stage] > _RANK[current.stage]:
            best[f.slot] = Shown(f, stage)
    return sorted(best.values(), key=lambda s: (s.fired.inquiry_id, s.fired.id))


def group_by_inquiry(items: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Nudge items grouped per inquiry (first-seen order); per obligation the most advanced
    stage. An item is a dict with `number`, `obligation`, `kind` and an optional `promise`
    (what tells two promises of one obligation apart).
    """
    groups: dict[int, dict[str, dict[str, Any]]] = {}
    for item in items:
        best = groups.setdefault(item["number"], {})
        promise = item.get("promise") or item["obligation"]
        current = best.get(promise)
        if current is None or _RANK[item["kind"]] > _RANK[current["kind"]]:
            best[promise] = item
    return [list(g.values()) for g in groups.values()]


def channel_snoozers(
    assignee: str | None, teams: Sequence[tuple[str, Sequence[str]]]
) -> frozenset[str]:
    """Who may snooze a nudge posted in a channel: the assignee and the people (members and
    manager) of the assignee's team; with no assignee, the people of every team, since any of
    them could take the inquiry. `teams` holds (manager, members) pairs.
    """
    people: set[str] = set()
    for manager, members in teams:
        if assignee is None or assignee == manager or assignee in members:
            people.add(manager)
            people.update(members)
    if assignee is not None:
        people.add(assignee)
    return frozenset(people)
