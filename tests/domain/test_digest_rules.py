"""Digest and report maths as tables: when a digest is due (business days of the company
calendar, the reader's own zone, catch-up the same day only), what "since" is, collapse,
months."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import BusinessCalendar
from bot.domain.digest import (
    collapse,
    days_touched,
    digest_due,
    first_business_day_of_month,
    median,
    month_bounds,
    parse_month,
    previous_month,
)
from bot.holidays_kr import kr_holidays

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
CAL = BusinessCalendar(SEOUL, holidays=kr_holidays(range(2026, 2028)))
AT = time(8, 30)


def kst(m: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2026, m, d, h, mi, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("now", "zone", "day", "since"),
    [
        pytest.param(kst(12, 2, 8, 29), SEOUL, None, None, id="a minute early"),
        pytest.param(kst(12, 2, 8, 30), SEOUL, date(2026, 12, 2), kst(12, 1, 8, 30), id="on time"),
        pytest.param(
            kst(12, 2, 23, 59), SEOUL, date(2026, 12, 2), kst(12, 1, 8, 30), id="late same day"
        ),
        pytest.param(kst(12, 5, 9), SEOUL, None, None, id="saturday"),
        pytest.param(kst(12, 6, 9), SEOUL, None, None, id="sunday"),
        pytest.param(
            kst(12, 7, 8, 30),
            SEOUL,
            date(2026, 12, 7),
            kst(12, 4, 8, 30),
            id="monday covers the weekend",
        ),
        pytest.param(kst(12, 25, 9), SEOUL, None, None, id="christmas (KR holiday)"),
        pytest.param(
            kst(12, 28, 9),
            SEOUL,
            date(2026, 12, 28),
            kst(12, 24, 8, 30),
            id="after holiday and weekend",
        ),
        pytest.param(kst(9, 25, 9), SEOUL, None, None, id="chuseok"),
        # New York: 08:30 there is 22:30 in Seoul the same date (December, EST = UTC-5)
        pytest.param(kst(12, 2, 22, 29), NEW_YORK, None, None, id="new york before its 08:30"),
        pytest.param(
            kst(12, 2, 22, 30),
            NEW_YORK,
            date(2026, 12, 2),
            datetime(2026, 12, 1, 8, 30, tzinfo=NEW_YORK),
            id="new york at its 08:30",
        ),
        # Saturday 08:30 in Seoul is still Friday evening in New York: Friday's digest is due
        pytest.param(
            kst(12, 5, 8, 30),
            NEW_YORK,
            date(2026, 12, 4),
            datetime(2026, 12, 3, 8, 30, tzinfo=NEW_YORK),
            id="new york friday evening",
        ),
    ],
)
def test_digest_due(
    now: datetime, zone: ZoneInfo, day: date | None, since: datetime | None
) -> None:
    moment = digest_due(now, AT, zone, CAL)
    if day is None:
        assert moment is None
        return
    assert moment is not None
    assert (moment.day, moment.since) == (day, since)
    assert moment.due_at == datetime.combine(day, AT, zone)


def test_extra_holidays_have_no_digest() -> None:
    cal = CAL.with_holidays([date(2026, 12, 3)])
    assert digest_due(kst(12, 3, 9), AT, SEOUL, cal) is None
    moment = digest_due(kst(12, 4, 9), AT, SEOUL, cal)
    assert moment is not None and moment.since == kst(12, 2, 8, 30)


@pytest.mark.parametrize(
    ("count", "limit", "shown", "more"),
    [(0, 5, 0, 0), (3, 5, 3, 0), (5, 5, 5, 0), (6, 5, 5, 1), (30, 5, 5, 25)],
)
def test_collapse(count: int, limit: int, shown: int, more: int) -> None:
    items, rest = collapse(list(range(count)), limit)
    assert (len(items), rest) == (shown, more)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11", (2026, 11)),
        ("2026-01", (2026, 1)),
        ("2026-12", (2026, 12)),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-1", None),
        ("1999-12", None),
        ("2026-11\n", None),
        (" 2026-11", None),
        ("２０２６-１１", None),
        ("../2026-11", None),
        ("2026-11.csv", None),
        ("", None),
    ],
)
def test_parse_month(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_month(text) == expected


def test_months_and_median() -> None:
    assert previous_month(date(2026, 1, 15)) == (2025, 12)
    assert previous_month(date(2026, 12, 1)) == (2026, 11)
    start, end = month_bounds(2026, 12, SEOUL)
    assert (start, end) == (datetime(2026, 12, 1, tzinfo=SEOUL), datetime(2027, 1, 1, tzinfo=SEOUL))
    assert first_business_day_of_month(2026, 12, CAL) == date(2026, 12, 1)
    assert first_business_day_of_month(2027, 1, CAL) == date(2027, 1, 4)  # 1st holiday, weekend
    assert first_business_day_of_month(2026, 11, CAL) == date(2026, 11, 2)  # the 1st a Sunday
    assert median([]) is None
    assert median([3.0]) == 3.0
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([1.0, 2.0, 3.0, 10.0]) == 2.5


_NOV = (datetime(2026, 11, 1, tzinfo=SEOUL), datetime(2026, 12, 1, tzinfo=SEOUL))


def _t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10 if day > 100 else 11, day % 100, hour, minute, tzinfo=SEOUL)


@pytest.mark.parametrize(
    ("spans", "days"),
    [
        ([], 0),
        ([(_t(3, 10), _t(3, 11))], 1),
        ([(_t(3, 23), _t(4, 1))], 2),  # over midnight: two days
        ([(_t(3, 10), _t(3, 11)), (_t(3, 14), _t(3, 15))], 1),  # the same day once
        ([(_t(3, 23), _t(4, 0))], 1),  # ends exactly at midnight: the 4th is untouched
        ([(_t(131, 23, 30), _t(1, 0, 30))], 1),  # from October: only 1 November counts
        ([(_t(30, 23), datetime(2026, 12, 1, 2, tzinfo=SEOUL))], 1),  # into December: cut
        ([(_t(5, 10), _t(5, 10))], 0),  # no length
    ],
)
def test_days_touched(spans: list[tuple[datetime, datetime]], days: int) -> None:
    assert days_touched(spans, *_NOV, SEOUL) == days
