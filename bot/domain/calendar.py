"""Business calendar: opening slots, workdays and holidays, and business-time arithmetic.

Business time is the elapsed time inside open slots. Slot bounds are local wall times in the
calendar's zone, resolved to instants day by day, so the maths stays right across DST changes
(all arithmetic is done on UTC instants; Python's same-zone ``datetime`` arithmetic is wall-clock
arithmetic and would be wrong there).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.domain.durations import Duration

__all__ = [
    "DEFAULT_SLOTS",
    "DEFAULT_WORKDAYS",
    "WEEKDAY_NAMES",
    "BusinessCalendar",
    "holiday_dates",
    "parse_slots",
    "parse_workdays",
]

Slot = tuple[time, time]

DEFAULT_SLOTS: tuple[Slot, ...] = ((time(9), time(12)), (time(13), time(18)))
DEFAULT_WORKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)
_SLOT_DAYS_KEPT = 20_000  # days whose slots a calendar remembers (about 55 years)
_SLOT_SPEC = re.compile(r"\s*([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})\s*", re.ASCII)
_SLOT_GRAMMAR = "write slots as 'HH:MM-HH:MM', e.g. '09:00-12:00'"

# The parsers below raise ValueError even for wrong types (TRY004 silenced): config validators
# (pydantic) turn only ValueError into a readable error for the operator.


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours of the business; a value, safe to share and compare.

    ``slots`` are local wall times in ``tz``; ``workdays`` use Monday = 0. With
    ``always_open`` every minute counts: workdays, slots and holidays are ignored and one
    ``bd`` is 24 hours.

    ``holidays`` are fixed dates (the operator's ``extra_holidays``); ``holiday_years`` gives
    a year's public holidays and is asked once per year, when a date of that year is first
    looked at (no window fixed at start-up: a server up for years, or a deadline years ahead,
    sees the right days). ``extra_workdays`` are days the company works although they are
    weekends or holidays (they win over both).
    """

    tz: ZoneInfo
    slots: tuple[Slot, ...] = DEFAULT_SLOTS
    workdays: frozenset[int] = DEFAULT_WORKDAYS
    holidays: frozenset[date] = frozenset()
    always_open: bool = False
    holiday_years: Callable[[int], Iterable[date]] | None = field(
        default=None, compare=False, repr=False
    )
    extra_workdays: frozenset[date] = frozenset()
    _years: dict[int, frozenset[date]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # each day's slots as UTC instants, worked out once (deadline arithmetic asks the same
    # days again and again: a digest judges thousands of inquiries over a few weeks)
    _slot_days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        """Normalise containers and reject calendars that can never open."""
        if not isinstance(self.tz, tzinfo):
            raise TypeError(f"tz must be a ZoneInfo, not {type(self.tz).__name__}")
        # Accept lists and sets from callers but keep the value hashable.
        object.__setattr__(self, "slots", tuple(sorted(tuple(slot) for slot in self.slots)))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "holidays", holiday_dates(self.holidays))
        object.__setattr__(self, "extra_workdays", holiday_dates(self.extra_workdays))
        _check_slots(self.slots)
        if not self.workdays <= set(range(7)):
            raise ValueError(f"workdays must be numbers 0 (Monday) to 6 (Sunday): {self.workdays}")
        if not self.always_open and not self.workdays:
            raise ValueError("a business calendar needs at least one workday (or always_open)")

    @functools.cached_property
    def minutes_per_day(self) -> int:
        """Return the open minutes of one full business day, the length of ``1bd`` (worked
        out once: every business duration added asks it)."""
        if self.always_open:
            return 24 * 60
        total = sum((_wall_length(start, end) for start, end in self.slots), timedelta())
        return total // _MINUTE

    def with_holidays(self, dates: Iterable[date | str]) -> BusinessCalendar:
        """Return a copy that also closes on the given dates."""
        return dataclasses.replace(self, holidays=self.holidays | holiday_dates(dates))

    def public_holidays(self, year: int) -> frozenset[date]:
        """The public holidays of a year (loaded on first use, then kept)."""
        if self.holiday_years is None:
            return frozenset()
        found = self._years.get(year)
        if found is None:
            found = holiday_dates(self.holiday_years(year))
            self._years[year] = found
        return found

    def is_holiday(self, d: date) -> bool:
        """Tell whether the date is a public or extra holiday the company does not work."""
        if d in self.extra_workdays:
            return False
        return d in self.holidays or d in self.public_holidays(d.year)

    def is_business_day(self, d: date) -> bool:
        """Tell whether the date is a workday and not a holiday (or an extra working day)."""
        if isinstance(d, datetime):
            d = self._local(d).date()
        if self.always_open or d in self.extra_workdays:
            return True
        return d.weekday() in self.workdays and not self.is_holiday(d)

    def previous_business_day(self, d: date) -> date:
        """The last business day strictly before d."""
        d -= _DAY
        while not self.is_business_day(d):
            d -= _DAY
        return d

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after d."""
        d += _DAY
        while not self.is_business_day(d):
            d += _DAY
        return d

    def is_open(self, at: datetime) -> bool:
        """Tell whether the instant falls inside an open slot (slot ends are closed)."""
        instant = _as_utc(at)
        if self.always_open:
            return True
        return any(start <= instant < end for start, end in self._day_slots(self._local(at).date()))

    def next_open(self, at: datetime) -> datetime:
        """Return ``at`` when open, else the start of the next open slot."""
        if self.always_open:
            return self._local(at)
        start, _ = next(self._open_intervals(_as_utc(at)))
        return start.astimezone(self.tz)

    def add_business_minutes(self, start: datetime, minutes: int) -> datetime:
        """Return the instant ``minutes`` of open time after ``start``.

        Args:
            start: any aware datetime; a clock started while closed starts at the next opening.
            minutes: zero or more; zero returns ``start`` unchanged (in ``tz``). When the time
                runs out exactly at a slot end, that slot end is returned (not the next opening).
        """
        if minutes < 0:
            raise ValueError(f"business minutes cannot be negative: {minutes}")
        if minutes == 0:
            return self._local(start)
        return self._add_open_time(_as_utc(start), minutes * _MINUTE).astimezone(self.tz)

    def add(self, start: datetime, duration: Duration) -> datetime:
        """Return ``start`` plus the duration (wall units: elapsed time; business: open time)."""
        if duration.is_business:
            return self.add_business_minutes(start, duration.business_total(self.minutes_per_day))
        return (_as_utc(start) + duration.wall).astimezone(self.tz)

    def business_minutes_between(self, a: datetime, b: datetime) -> int:
        """Return the whole minutes of open time in ``[a, b)``; 0 when ``b <= a``."""
        begin, end = _as_utc(a), _as_utc(b)
        if end <= begin:
            return 0
        if self.always_open:
            return (end - begin) // _MINUTE
        total = timedelta()
        for slot_start, slot_end in self._open_intervals(begin):
            if slot_start >= end:
                break
            total += min(slot_end, end) - slot_start
        return total // _MINUTE

    # -- internals -------------------------------------------------------------------------

    def _local(self, at: datetime) -> datetime:
        return _as_utc(at).astimezone(self.tz)

    def _day_slots(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        """Return the day's open slots as UTC instants (none on closed days)."""
        found = self._slot_days.get(d)
        if found is not None:
            return found
        result = []
        if self.is_business_day(d):
            for start, end in self.slots:
                # fold=0: a wall time skipped or repeated by a DST change maps to its first
                # reading.
                lo = datetime.combine(d, start, tzinfo=self.tz).astimezone(UTC)
                hi = datetime.combine(d, end, tzinfo=self.tz).astimezone(UTC)
                if hi > lo:
                    result.append((lo, hi))
        if len(self._slot_days) >= _SLOT_DAYS_KEPT:
            self._slot_days.clear()
        found = self._slot_days[d] = tuple(result)
        return found

    def _open_intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield open intervals after ``since`` (UTC) in order, the first one clipped to it.

        Terminates for callers that stop: every 7 days hold a workday, and holidays are finite.
        """
        day = since.astimezone(self.tz).date()
        while True:
            for start, end in self._day_slots(day):
                if end > since:
                    yield max(start, since), end
            day += _DAY

    def _add_open_time(self, start: datetime, amount: timedelta) -> datetime:
        if self.always_open:
            return start + amount
        remaining = amount
        # Jump slot by slot (not minute by minute): 30bd is about 90 iterations.
        for slot_start, slot_end in self._open_intervals(start):
            available = slot_end - slot_start
            if remaining <= available:
                return slot_start + remaining
            remaining -= available
        raise AssertionError("unreachable: open intervals never run out")  # pragma: no cover


def holiday_dates(*groups: Iterable[date | str]) -> frozenset[date]:
    """Merge groups of holidays (dates or ISO ``YYYY-MM-DD`` strings) into one set."""
    result: set[date] = set()
    for group in groups:
        if isinstance(group, str):
            message = f"holidays must be a list of dates, not the string {group!r}"
            raise ValueError(message)  # noqa: TRY004
        for item in group:
            if isinstance(item, datetime):
                raise ValueError(f"holiday {item!r} must be a date, not a datetime")  # noqa: TRY004
            if isinstance(item, date):
                result.add(item)
            elif isinstance(item, str):
                try:
                    result.add(date.fromisoformat(item.strip()))
                except ValueError:
                    raise ValueError(
                        f"bad holiday {item!r}: write dates as YYYY-MM-DD, e.g. 2026-05-01"
                    ) from None
            else:
                raise ValueError(f"bad holiday {item!r}: write dates as YYYY-MM-DD")  # noqa: TRY004
    return frozenset(result)


def parse_slots(specs: Sequence[str]) -> tuple[Slot, ...]:
    """Parse opening slots such as ``["09:00-12:00", "13:00-18:00"]``, sorted by start."""
    if isinstance(specs, str):
        raise ValueError(f"slots must be a list of strings; {_SLOT_GRAMMAR}")  # noqa: TRY004
    slots: list[Slot] = []
    for spec in specs:
        match = _SLOT_SPEC.fullmatch(spec) if isinstance(spec, str) else None
        if match is None:
            raise ValueError(f"bad slot {spec!r}: {_SLOT_GRAMMAR}")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"bad slot {spec!r}: hours are 00-23 and minutes 00-59")
        slots.append((time(h1, m1), time(h2, m2)))
    slots.sort()
    _check_slots(tuple(slots))
    return tuple(slots)


def parse_workdays(names: Sequence[str]) -> frozenset[int]:
    """Parse weekday names (``mon`` .. ``sun``, or full names) into numbers with Monday = 0."""
    if isinstance(names, str):
        raise ValueError("workdays must be a list of names such as ['mon', 'tue']")  # noqa: TRY004
    days: set[int] = set()
    for name in names:
        key = name.strip().lower() if isinstance(name, str) else ""
        if key in WEEKDAY_NAMES:
            days.add(WEEKDAY_NAMES.index(key))
        elif key in _FULL_WEEKDAY_NAMES:
            days.add(_FULL_WEEKDAY_NAMES.index(key))
        else:
            raise ValueError(f"unknown weekday {name!r}: use {' '.join(WEEKDAY_NAMES)}")
    if not days:
        raise ValueError(f"at least one workday is needed: use {' '.join(WEEKDAY_NAMES)}")
    return frozenset(days)


def _check_slots(slots: tuple[Slot, ...]) -> None:
    if not slots:
        raise ValueError(f"at least one opening slot is needed; {_SLOT_GRAMMAR}")
    for start, end in slots:
        for value in (start, end):
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(f"slot bounds must be naive times, got {value!r}")
            if value.second or value.microsecond:
                raise ValueError(f"slot bounds must be whole minutes, got {value}")
        if end <= start:
            raise ValueError(f"bad slot {start:%H:%M}-{end:%H:%M}: the end must be after the start")
    for (s1, e1), (s2, e2) in itertools.pairwise(slots):
        if s2 < s1:
            raise ValueError("slots must be in order of start time")
        if s2 < e1:
            raise ValueError(f"slots {s1:%H:%M}-{e1:%H:%M} and {s2:%H:%M}-{e2:%H:%M} overlap")


def _wall_length(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()}: pass a timezone-aware datetime")
    return at.astimezone(UTC)
