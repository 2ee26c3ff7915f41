"""Digest and report maths (pure): when a manager's digest is due, what "since the last
digest" means, how long sections collapse, and the report's months."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.domain.calendar import BusinessCalendar

T = TypeVar("T")
MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
FIRST_MONTH = (2000, 1)  # nothing before it can have been recorded


@dataclass(frozen=True)
class DigestMoment:
    """A manager's digest of one day: the local day it belongs to, the moment it is due, and
    the moment the previous one was due (its "since")."""

    day: date
    due_at: datetime
    since: datetime


def digest_time(text: str) -> time:
    """The `HH:MM` of `scheduler.digest_time` as a time of day."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def digest_due(
    now: datetime, at: time, zone: ZoneInfo, cal: BusinessCalendar
) -> DigestMoment | None:
    """The digest due now for a reader in `zone`, or None.

    Due from `at` on a business day (of the company calendar, read on the reader's local
    date) until that local day ends: a process that was down at `at` catches up the same day,
    never the next one (the next day has its own digest). The previous digest was due on the
    previous business day, so a Monday's covers the weekend.
    """
    local = now.astimezone(zone)
    day = local.date()
    if not cal.is_business_day(day):
        return None
    due_at = datetime.combine(day, at, zone)
    if local < due_at:
        return None
    before = cal.previous_business_day(day)
    return DigestMoment(day, due_at, datetime.combine(before, at, zone))


def collapse(items: list[T], limit: int) -> tuple[list[T], int]:
    """The first `limit` items and how many more were left out."""
    return items[:limit], max(0, len(items) - limit)


def parse_month(text: str) -> tuple[int, int] | None:
    """`2026-11` as (2026, 11); None for anything else (no other form is read)."""
    match = MONTH.fullmatch(text)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if (year, month) >= FIRST_MONTH else None


def previous_month(day: date) -> tuple[int, int]:
    """The month before the one `day` is in."""
    first = day.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The first moment of the month and of the next one, in `zone`."""
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


def month_label(year: int, month: int) -> str:
    """`2026-11`."""
    return f"{year:04d}-{month:02d}"


def first_business_day_of_month(year: int, month: int, cal: BusinessCalendar) -> date:
    """The first business day of a month (the report is published then)."""
    day = date(year, month, 1)
    return day if cal.is_business_day(day) else cal.next_business_day(day)


def median(values: list[float]) -> float | None:
    """The median of values, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def days_touched(
    intervals: list[tuple[datetime, datetime]], begin: datetime, end: datetime, zone: ZoneInfo
) -> int:
    """How many local days of [begin, end) some interval overlaps (C1's outage days): an
    outage from 23:00 to 01:00 touches two days."""
    days: set[date] = set()
    for a, b in intervals:
        a, b = max(a, begin), min(b, end)
        if b <= a:
            continue
        day, last = (
            a.astimezone(zone).date(),
            (b - timedelta(microseconds=1)).astimezone(zone).date(),
        )
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return len(days)
