"""Open (business) time over a span of days, indexed once, for many questions (pure).

`BusinessCalendar.business_minutes_between` walks day by day from its first moment: fine for
one deadline, slow for a digest that asks it for hundreds of inquiries opened months ago.
`OpenTime` adds up each day's open time once for a span of days; then the open time between
any two moments inside the span costs a dictionary look-up and the day's slots. It answers
exactly what the calendar answers (tests/domain/test_opentime.py checks it against it).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta

from bot.domain.calendar import BusinessCalendar

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)


class OpenTime:
    """The calendar's open time from the start of `first` to any moment up to `last`'s end.

    Per day of the span: the UTC instant it starts (its local midnight), the open time before
    it, and its slots. A moment's day is a binary search over the days' starts (no time zone
    conversion per question); the last moment asked (a digest's "now") is remembered.
    """

    def __init__(self, cal: BusinessCalendar, first: date, last: date) -> None:
        self.cal = cal
        self.first = first
        self.last = last
        self._starts: list[datetime] = []
        self._before: list[timedelta] = []
        self._slots: list[list[tuple[datetime, datetime]]] = []
        total = timedelta()
        day = first
        while day <= last:
            self._starts.append(_midnight(day, cal))
            self._before.append(total)
            slots = self._day_slots(day)
            self._slots.append(slots)
            total += sum((hi - lo for lo, hi in slots), timedelta())
            day += _DAY
        self._end = _midnight(last + _DAY, cal)
        self._asked: tuple[datetime, timedelta] | None = None

    def _day_slots(self, day: date) -> list[tuple[datetime, datetime]]:
        cal = self.cal
        if not cal.is_business_day(day):
            return []
        out = []
        for start, end in cal.slots:
            lo = datetime.combine(day, start, tzinfo=cal.tz).astimezone(UTC)
            hi = datetime.combine(day, end, tzinfo=cal.tz).astimezone(UTC)
            if hi > lo:
                out.append((lo, hi))
        return out

    def covers(self, at: datetime) -> bool:
        """Whether `at` falls on a day of the span."""
        return self._starts[0] <= at < self._end

    def _open_before(self, at: datetime) -> timedelta:
        index = bisect_right(self._starts, at) - 1
        total = self._before[index]
        for lo, hi in self._slots[index]:
            if at > lo:
                total += min(hi, at) - lo
        return total

    def minutes(self, a: datetime, b: datetime) -> int:
        """Whole minutes of open time in [a, b) (0 when b <= a), as the calendar counts."""
        if b <= a:
            return 0
        if self.cal.always_open:
            return (b - a) // _MINUTE
        if not (self.covers(a) and self.covers(b)):
            return self.cal.business_minutes_between(a, b)
        return (self._open_before(b) - self._open_before(a)) // _MINUTE

    def at_risk(
        self, *, start: datetime, deadline: datetime, now: datetime, approaching: float
    ) -> bool:
        """`deadline_state(...) == AT_RISK` for an open deadline: not breached, and at least
        `approaching` of its window used."""
        if now >= deadline:
            return False
        if deadline <= start:  # an empty window
            return False
        if self.cal.always_open or not (
            self.covers(start) and self.covers(deadline) and self.covers(now)
        ):
            window = self.minutes(start, deadline)
            return window > 0 and self.minutes(start, now) >= approaching * window
        asked = self._asked  # the moment every question of a digest shares: remembered
        if asked is not None and asked[0] is now:
            elapsed = asked[1]
        else:
            elapsed = self._open_before(now)
            self._asked = (now, elapsed)
        begun = self._open_before(start)
        window = (self._open_before(deadline) - begun) // _MINUTE
        used = (elapsed - begun) // _MINUTE if now > start else 0
        return window > 0 and used >= approaching * window

    def at_risk_many(
        self, windows: list[tuple[datetime, datetime]], *, now: datetime, approaching: float
    ) -> list[bool]:
        """`at_risk` of each (start, deadline) window at one moment (a digest's hundreds of
        open inquiries: the moment's open time is worked out once)."""
        if self.cal.always_open or not self.covers(now):
            return [
                self.at_risk(start=s, deadline=d, now=now, approaching=approaching)
                for s, d in windows
            ]
        first, end = self._starts[0], self._end
        before = self._open_before
        elapsed = before(now)
        out: list[bool] = []
        for start, deadline in windows:
            if now >= deadline or deadline <= start:
                out.append(False)
            elif first <= start < end and first <= deadline < end:
                begun = before(start)
                window = (before(deadline) - begun) // _MINUTE
                used = (elapsed - begun) // _MINUTE if now > start else 0
                out.append(window > 0 and used >= approaching * window)
            else:
                out.append(
                    self.at_risk(start=start, deadline=deadline, now=now, approaching=approaching)
                )
        return out


def _midnight(day: date, cal: BusinessCalendar) -> datetime:
    """The first instant of a local day, in UTC (a skipped midnight: the day's first hour)."""
    return datetime.combine(day, time(0), cal.tz).astimezone(UTC)


def span_of(cal: BusinessCalendar, moments: list[datetime]) -> OpenTime:
    """An index covering every given moment (their local days)."""
    days = [m.astimezone(cal.tz).date() for m in moments]
    return OpenTime(cal, min(days), max(days))
