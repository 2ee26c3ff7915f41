"""Deadlines per inquiry kind (pure: the calendar and times are parameters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import Duration, parse_duration
from bot.domain.inquiry import Kind


@dataclass(frozen=True)
class SlaPolicy:
    """The SLA durations of the [sla] config section, parsed."""

    voc_review: Duration
    support_first_response: Duration
    support_eta: Duration
    request_review: Duration
    long_request: Duration
    approaching: float

    @classmethod
    def from_texts(
        cls,
        *,
        voc_review: str,
        support_first_response: str,
        support_eta: str,
        request_review: str,
        long_request: str,
        approaching: float,
    ) -> SlaPolicy:
        """Parse the duration strings of the config."""
        return cls(
            voc_review=parse_duration(voc_review),
            support_first_response=parse_duration(support_first_response),
            support_eta=parse_duration(support_eta),
            request_review=parse_duration(request_review),
            long_request=parse_duration(long_request),
            approaching=approaching,
        )


class DeadlineState(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    NONE = "none"


def end_of_business_day(day: date, cal: BusinessCalendar) -> datetime:
    """Return the close of business on day (the last slot's end; 23:59 when always open)."""
    if cal.always_open or not cal.slots:
        return datetime.combine(day, time(23, 59), cal.tz)
    return datetime.combine(day, cal.slots[-1][1], cal.tz)


def first_deadline(
    kind: Kind, created_at: datetime, due: date | None, cal: BusinessCalendar, policy: SlaPolicy
) -> datetime | None:
    """Return the first promise's deadline: review result, first response, or the due date."""
    if kind == Kind.VOC:
        return cal.add(created_at, policy.voc_review)
    if kind == Kind.SUPPORT:
        return cal.add(created_at, policy.support_first_response)
    if kind == Kind.REQUEST:
        return cal.add(created_at, policy.request_review)
    return end_of_business_day(due, cal) if due else None


def current_deadline(
    *,
    kind: Kind,
    created_at: datetime,
    due: date | None,
    first_response_at: datetime | None,
    eta_at: datetime | None,
    cal: BusinessCalendar,
    policy: SlaPolicy,
) -> datetime | None:
    """Return the deadline that matters now, given which promises are already kept."""
    if first_response_at is None and kind != Kind.REGULATORY:
        return first_deadline(kind, created_at, due, cal, policy)
    if eta_at is not None:
        return eta_at
    if kind == Kind.SUPPORT:
        # Still open after the first response: an ETA is owed by created + support_eta.
        return cal.add(created_at, policy.support_eta)
    if due is not None:
        return end_of_business_day(due, cal)
    return None


def deadline_state(
    *,
    start: datetime,
    deadline: datetime | None,
    now: datetime,
    done: bool,
    cal: BusinessCalendar,
    approaching: float,
) -> DeadlineState:
    """Classify a deadline as met, on track, at risk (past the approaching mark) or breached."""
    if deadline is None:
        return DeadlineState.NONE
    if done:
        return DeadlineState.MET
    if now >= deadline:
        return DeadlineState.BREACHED
    window = cal.business_minutes_between(start, deadline)
    used = cal.business_minutes_between(start, now)
    if window > 0 and used >= approaching * window:
        return DeadlineState.AT_RISK
    return DeadlineState.ON_TRACK


def shift_for_pause(
    moment: datetime | None, paused_from: datetime, resumed_at: datetime, cal: BusinessCalendar
) -> datetime | None:
    """Move a deadline later by the business time that passed while on hold."""
    if moment is None:
        return None
    paused = cal.business_minutes_between(paused_from, resumed_at)
    if paused <= 0:
        return moment
    if cal.always_open:
        return moment + timedelta(minutes=paused)
    return cal.add_business_minutes(moment, paused)


@dataclass(frozen=True)
class ReopenWindow:
    """Where a reopened inquiry's clock starts again, and its (possibly moved) due date."""

    sla_start: datetime
    due_end: datetime | None


def reopen_window(
    kind: Kind, *, now: datetime, due_end: datetime | None, cal: BusinessCalendar, policy: SlaPolicy
) -> ReopenWindow:
    """Start a new resolution window at the reopen time (policy per kind).

    voc, request and support start over as if the inquiry came in at `now`: a new review
    result (voc_review, request_review) or first response (support_first_response) is owed,
    then a new ETA; the old response and ETA were promises about work that turned out
    unfinished. regulatory keeps the regulator's due date while it is still ahead; once it has
    passed, the reopened work is owed by the close of business one voc_review window later
    (1 business day by default), so reopening never produces an instant breach.
    """
    if kind == Kind.REGULATORY and due_end is not None and due_end <= now:
        moved = cal.add(now, policy.voc_review)
        return ReopenWindow(now, end_of_business_day(moved.astimezone(cal.tz).date(), cal))
    return ReopenWindow(now, due_end)


@dataclass(frozen=True)
class Verdict:
    """How one obligation of a finished inquiry was kept: how long it took, how late."""

    obligation: str  # first_response | review | resolution
    took: timedelta  # from the window's start to the moment it was kept
    late: timedelta | None  # None: met (or no deadline); else by how much it was missed
    has_deadline: bool


def verdicts(
    *,
    kind: Kind,
    start: datetime,
    first_response_at: datetime | None,
    eta_at: datetime | None,
    due_end: datetime | None,
    resolved_at: datetime,
    cal: BusinessCalendar,
    policy: SlaPolicy,
) -> list[Verdict]:
    """Judge each promise of a resolved inquiry: first response or review, then resolution."""

    def judge(name: str, deadline: datetime | None, kept: datetime) -> Verdict:
        late = kept - deadline if deadline is not None and kept > deadline else None
        return Verdict(name, max(kept - start, timedelta(0)), late, deadline is not None)

    out: list[Verdict] = []
    responded = first_response_at or resolved_at
    if kind in (Kind.VOC, Kind.REQUEST, Kind.SUPPORT) and responded < resolved_at:
        name = "first_response" if kind == Kind.SUPPORT else "review"
        out.append(judge(name, first_deadline(kind, start, None, cal, policy), responded))
    if eta_at is not None:
        deadline: datetime | None = eta_at
    elif due_end is not None:
        deadline = due_end
    elif first_response_at is None or first_response_at >= resolved_at:
        # the resolution was also the first answer: the first window applies to it
        deadline = first_deadline(kind, start, None, cal, policy)
    elif kind == Kind.SUPPORT:
        # answered, then resolved without an ETA: before an ETA became owed
        deadline = cal.add(start, policy.support_eta)
    else:
        deadline = None
    out.append(judge("resolution", deadline, resolved_at))
    return out
