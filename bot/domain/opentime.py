"""Open (business) time over a span of days, indexed once, for many questions (pure).

`BusinessCalendar.business_minutes_between` walks day by day from its first moment: fine for
one deadline, slow for a digest that asks it for hundreds of inquiries opened months ago.
`OpenTime` adds up each day's open time once for a span of days; then the open time between
any two moments inside the span costs a dictionary look-up and the day's slots. It answers
exactly what the calendar answers (tests/domain/test_opentime.py checks it against it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.calendar import BusinessCalendar

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)


class OpenTime:
    """The calendar's open time from the start of `first` to any moment up to `last`'s end."""

    def __init__(self, cal: BusinessCalendar, first: date, last: date) -> None:
        self.cal = cal
        self.first = first
        self.last = last
        self._before: dict[date, timedelta] = {}
        self._slots: dict[date, list[tuple[datetime, datetime]]] = {}
        total = timedelta()
        day = first
        while day <= last:
            self._before[day] = total
            slots = self._day_slots(day)
            self._slots[day] = slots
            total += sum((hi - lo for lo, hi in slots), timedelta())
            day += _DAY

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
        return self.first <= at.astimezone(self.cal.tz).date() <= self.last

    def _open_before(self, at: datetime) -> timedelta:
        day = at.astimezone(self.cal.tz).date()
        instant = at.astimezone(UTC)
        total = self._before[day]
        for lo, hi in self._slots[day]:
            if instant > lo:
                total += min(hi, instant) - lo
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
        window = self.minutes(start, deadline)
        return window > 0 and self.minutes(start, now) >= approaching * window


def span_of(cal: BusinessCalendar, moments: list[datetime]) -> OpenTime:
    """An index covering every given moment (their local days)."""
    days = [m.astimezone(cal.tz).date() for m in moments]
    return OpenTime(cal, min(days), max(days))
