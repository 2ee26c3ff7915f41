"""Planned-interruption notices and the outage log: the rules, as pure functions (C1, C6).

Time is always a parameter. `min_lead` is measured on the business calendar (a notice planned
on Friday evening for Monday night has had no business day of warning); reminders, the start
and the end are wall clock (the service stops at 22:00 whatever the calendar says).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import Duration

# Why a planned interruption happens (the charter names these three).
REASONS = ("maintenance", "regulation", "improvement")
MAX_SERVICES = 20
MAX_SERVICE_CHARS = 40


def lead_ok(
    planned_at: datetime, start: datetime, min_lead: Duration, cal: BusinessCalendar
) -> bool:
    """Whether a notice planned at `planned_at` for `start` gives at least `min_lead` of
    warning, counted on the business calendar when min_lead is business time."""
    return cal.add(planned_at, min_lead) <= start


def reminder_times(
    start: datetime, reminders: Sequence[timedelta], now: datetime
) -> list[tuple[timedelta, datetime]]:
    """(how long before, when) of each reminder still ahead of `now`, soonest first.

    A reminder whose moment has passed when the notice is planned (a notice planned 2 h ahead
    has no "1 day before") is skipped, not sent late; one exactly at `now` is kept.
    """
    found = {before: start - before for before in reminders if before > timedelta(0)}
    return sorted(
        ((before, at) for before, at in found.items() if now <= at < start), key=lambda p: p[1]
    )


def split_services(text: str) -> list[str]:
    """The services a text names (`"HTS, MTS"`, `HTS/MTS`, `HTS·MTS`): trimmed, without
    duplicates (case-insensitive), in the order given."""
    seen: dict[str, str] = {}
    for raw in text.replace("/", ",").replace("·", ",").replace("、", ",").split(","):
        name = " ".join(raw.split())[:MAX_SERVICE_CHARS]
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())[:MAX_SERVICES]


def same_service(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two service lists share a service (case-insensitive)."""
    return bool({s.lower() for s in a} & {s.lower() for s in b})


@dataclass(frozen=True)
class Window:
    """A notice's announced interruption: its number, services and [start, end)."""

    number: int
    services: tuple[str, ...]
    start: datetime
    end: datetime


def covering_notice(at: datetime, services: Iterable[str], windows: Iterable[Window]) -> int | None:
    """The number of the notice whose window holds `at` for one of `services`, or None.

    An outage that starts inside an announced interruption of the same service is that
    interruption (planned), not a break of the "days without an outage" streak.
    """
    wanted = list(services)
    for w in sorted(windows, key=lambda w: w.number):
        if w.start <= at < w.end and same_service(w.services, wanted):
            return w.number
    return None


def streak_days(today: date, last_outage: date | None, since: date) -> int:
    """Whole days without an unplanned outage on `today`: since the local day the last one
    ended (or since `since`, when tracking started, without any). The day of an outage
    counts 0; the calendar decides, so a year boundary is just another midnight."""
    start = last_outage if last_outage is not None else since
    return max(0, (today - start).days)


def year_window(year: int, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """[1 January 00:00, min(now, next 1 January)) of a year, in the company's zone."""
    begin = datetime(year, 1, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz)
    return begin, min(end, max(begin, now))


def downtime(
    intervals: Iterable[tuple[datetime, datetime]], begin: datetime, end: datetime
) -> timedelta:
    """The length of the union of `intervals` clipped to [begin, end) (overlaps once)."""
    clipped = sorted((max(a, begin), min(b, end)) for a, b in intervals if b > begin and a < end)
    total = timedelta(0)
    cur_a: datetime | None = None
    cur_b: datetime | None = None
    for a, b in clipped:
        if b <= a:
            continue
        if cur_b is None or a > cur_b:
            if cur_a is not None and cur_b is not None:
                total += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_a is not None and cur_b is not None:
        total += cur_b - cur_a
    return total


def availability(
    intervals: Iterable[tuple[datetime, datetime]], begin: datetime, end: datetime
) -> float:
    """The share of [begin, end) without downtime, as a percentage (100.0 for an empty window)."""
    span = end - begin
    if span <= timedelta(0):
        return 100.0
    return max(0.0, 100.0 * (1 - downtime(intervals, begin, end) / span))


def mask_name(name: str) -> str:
    """`홍길동` → `홍**`, `Jane Doe` → `J***`: the initial only, for channel posts."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * min(max(len(name) - 1, 1), 3)


def mask_contact(contact: str) -> str:
    """An e-mail or phone number with most of it hidden: `ab***@example.com`,
    `010-****-5678`; anything else keeps its first two characters."""
    contact = contact.strip()
    if "@" in contact:
        local, _, domain = contact.partition("@")
        return f"{local[:2]}***@{domain}"
    digits = [c for c in contact if c.isdigit()]
    if len(digits) >= 7:
        keep_head, keep_tail = 3, 4
        out = []
        seen = 0
        for c in contact:
            if c.isdigit():
                seen += 1
                hidden = keep_head < seen <= len(digits) - keep_tail
                out.append("*" if hidden else c)
            else:
                out.append(c)
        return "".join(out)
    return contact[:2] + "***" if contact else ""
