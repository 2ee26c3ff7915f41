"""Issue 17: public holidays loaded per year on demand, the operator's extra holidays and
extra working days, and business-time boundaries on that calendar (tables)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import parse_duration
from bot.holidays_kr import kr_holidays

SEOUL = ZoneInfo("Asia/Seoul")
asked: list[int] = []


def _years(year: int) -> frozenset[date]:
    asked.append(year)
    return kr_holidays([year])


CAL = BusinessCalendar(SEOUL, holiday_years=_years)
COMPANY = BusinessCalendar(
    SEOUL,
    holiday_years=lambda y: kr_holidays([y]),
    holidays=frozenset({date(2026, 12, 24)}),  # extra holiday (a company day off)
    extra_workdays=frozenset({date(2026, 5, 1), date(2026, 12, 26)}),  # 노동절 worked; a Saturday
)


def kst(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SEOUL)


def test_years_load_on_demand_and_once() -> None:
    asked.clear()
    cal = BusinessCalendar(SEOUL, holiday_years=_years)
    assert not cal.is_business_day(date(2026, 2, 17))  # 설날
    assert not cal.is_business_day(date(2026, 2, 18))
    assert asked == [2026]
    assert not cal.is_business_day(date(2040, 3, 1))  # a deadline years ahead (삼일절)
    assert asked == [2026, 2040]


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2035, 3, 1), False),  # 삼일절, far from any start-up window
        (date(2035, 3, 2), True),
        (date(2019, 10, 9), False),  # 한글날, years back
        (date(2026, 7, 17), False),  # 제헌절 (again a holiday from 2026)
        (date(2027, 7, 19), False),  # its substitute day
    ],
)
def test_any_year_is_known(day: date, business: bool) -> None:
    assert CAL.is_business_day(day) is business


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2026, 5, 1), True),  # 노동절, but the company works (extra_workdays)
        (date(2026, 12, 24), False),  # extra holiday
        (date(2026, 12, 25), False),  # Christmas
        (date(2026, 12, 26), True),  # a Saturday the company works
        (date(2026, 12, 27), False),  # Sunday
        (date(2026, 12, 28), True),
    ],
)
def test_extra_holidays_and_workdays(day: date, business: bool) -> None:
    assert COMPANY.is_business_day(day) is business


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        pytest.param(kst(2026, 12, 4, 17, 55), "10bm", kst(2026, 12, 7, 9, 5), id="friday 17:55"),
        pytest.param(kst(2026, 12, 4, 17, 55), "1bd", kst(2026, 12, 7, 17, 55), id="fri +1bd"),
        pytest.param(kst(2026, 12, 1, 11, 55), "10bm", kst(2026, 12, 1, 13, 5), id="lunch"),
        pytest.param(kst(2026, 12, 1, 12, 30), "1bm", kst(2026, 12, 1, 13, 1), id="in lunch"),
        pytest.param(kst(2026, 9, 23, 17, 0), "2bh", kst(2026, 9, 28, 10, 0), id="chuseok"),
        pytest.param(kst(2026, 8, 14, 17, 0), "2bh", kst(2026, 8, 18, 10, 0), id="substitute"),
        pytest.param(kst(2026, 4, 30, 17, 0), "2bh", kst(2026, 5, 4, 10, 0), id="노동절 2026"),
        pytest.param(kst(2026, 7, 16, 17, 0), "2bh", kst(2026, 7, 20, 10, 0), id="제헌절 2026"),
        pytest.param(kst(2026, 3, 31, 17, 30), "1bh", kst(2026, 4, 1, 9, 30), id="month end"),
        pytest.param(kst(2026, 12, 31, 17, 0), "2bh", kst(2027, 1, 4, 10, 0), id="year end"),
        pytest.param(kst(2026, 2, 27, 18, 0), "1bd", kst(2026, 3, 3, 18, 0), id="feb end, 3·1"),
    ],
)
def test_business_time_over_boundaries(start: datetime, duration: str, expected: datetime) -> None:
    assert CAL.add(start, parse_duration(duration)) == expected


@pytest.mark.parametrize(
    ("day", "before", "after"),
    [
        (date(2026, 2, 17), date(2026, 2, 13), date(2026, 2, 19)),  # 설날
        (date(2026, 12, 5), date(2026, 12, 4), date(2026, 12, 7)),  # Saturday
        (date(2026, 10, 5), date(2026, 10, 2), date(2026, 10, 6)),  # substitute day
        (date(2026, 5, 1), date(2026, 4, 30), date(2026, 5, 4)),
    ],
)
def test_previous_and_next_business_days(day: date, before: date, after: date) -> None:
    assert CAL.previous_business_day(day) == before
    assert CAL.next_business_day(day) == after
