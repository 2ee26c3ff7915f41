"""Notices and outages: min_lead on the business calendar, reminder times, overlap with a
running notice, streaks and availability across a year boundary, contact masking."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import parse_duration
from bot.domain.notices import (
    Window,
    availability,
    covering_notice,
    downtime,
    lead_ok,
    mask_contact,
    mask_name,
    reminder_times,
    split_services,
    streak_days,
    year_window,
)
from bot.holidays_kr import kr_holidays

SEOUL = ZoneInfo("Asia/Seoul")
CAL = BusinessCalendar(SEOUL, holidays=kr_holidays(range(2025, 2028)))
H = timedelta(hours=1)
D = timedelta(days=1)


def kst(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SEOUL)


# 2026-12-04 is a Friday, 2026-12-07 a Monday; 2026-12-25 (Friday) is Christmas.
@pytest.mark.parametrize(
    ("planned", "start", "lead", "ok"),
    [
        pytest.param(kst(2026, 12, 1, 10), kst(2026, 12, 5, 22), "3bd", True, id="Tue for Sat"),
        pytest.param(kst(2026, 12, 3, 10), kst(2026, 12, 5, 22), "3bd", False, id="Thu for Sat"),
        pytest.param(kst(2026, 12, 4, 17), kst(2026, 12, 7, 22), "1bd", True, id="Fri 17h Mon"),
        pytest.param(kst(2026, 12, 4, 17), kst(2026, 12, 7, 9), "1bd", False, id="Fri 17h Mon 9h"),
        pytest.param(kst(2026, 12, 4, 19), kst(2026, 12, 7, 17), "1bd", False, id="after hours"),
        pytest.param(kst(2026, 12, 24, 10), kst(2026, 12, 28, 12), "2bd", False, id="Christmas"),
        pytest.param(kst(2026, 12, 24, 10), kst(2026, 12, 28, 12), "3d", True, id="wall 3d"),
        pytest.param(kst(2026, 12, 30, 10), kst(2027, 1, 4, 12), "3bd", False, id="new year"),
        pytest.param(kst(2026, 12, 29, 10), kst(2027, 1, 4, 12), "3bd", True, id="year ahead"),
    ],
)
def test_min_lead_on_the_business_calendar(
    planned: datetime, start: datetime, lead: str, ok: bool
) -> None:
    assert lead_ok(planned, start, parse_duration(lead), CAL) is ok


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(kst(2026, 12, 1, 10), [D, H], id="both ahead"),
        pytest.param(kst(2026, 12, 5, 10), [H], id="a day is past"),
        pytest.param(kst(2026, 12, 5, 21), [H], id="exactly at the reminder"),
        pytest.param(kst(2026, 12, 5, 21, 30), [], id="all past"),
    ],
)
def test_reminder_times_are_wall_clock_and_skip_the_past(
    now: datetime, expected: list[timedelta]
) -> None:
    start = kst(2026, 12, 5, 22)
    got = reminder_times(start, [H, D, D], now)
    assert [b for b, _ in got] == expected
    assert all(at == start - b for b, at in got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HTS, MTS", ["HTS", "MTS"]),
        ("HTS/MTS·web", ["HTS", "MTS", "web"]),
        ("hts, HTS ,  ", ["hts"]),
        ("  ", []),
        ("홈 트레이딩, MTS", ["홈 트레이딩", "MTS"]),
    ],
)
def test_split_services(text: str, expected: list[str]) -> None:
    assert split_services(text) == expected


NOTICES = [
    Window(1, ("HTS", "MTS"), kst(2026, 12, 5, 22), kst(2026, 12, 6, 2)),
    Window(2, ("Web",), kst(2026, 12, 5, 23), kst(2026, 12, 6, 1)),
]


@pytest.mark.parametrize(
    ("at", "services", "number"),
    [
        pytest.param(kst(2026, 12, 5, 23), ["mts"], 1, id="inside, same service"),
        pytest.param(kst(2026, 12, 5, 23, 30), ["web", "HTS"], 1, id="two match: lowest"),
        pytest.param(kst(2026, 12, 5, 23), ["ARS"], None, id="other service"),
        pytest.param(kst(2026, 12, 6, 2), ["HTS"], None, id="at the end"),
        pytest.param(kst(2026, 12, 5, 21, 59), ["HTS"], None, id="before"),
        pytest.param(kst(2026, 12, 5, 22), ["HTS"], 1, id="at the start"),
    ],
)
def test_outage_inside_a_notice_is_planned(
    at: datetime, services: list[str], number: int | None
) -> None:
    assert covering_notice(at, services, NOTICES) == number


@pytest.mark.parametrize(
    ("today", "last", "since", "days"),
    [
        pytest.param(date(2027, 1, 2), date(2026, 12, 30), date(2026, 1, 1), 3, id="year edge"),
        pytest.param(date(2027, 1, 1), date(2026, 12, 31), date(2026, 1, 1), 1, id="new year"),
        pytest.param(date(2026, 12, 30), date(2026, 12, 30), date(2026, 1, 1), 0, id="same day"),
        pytest.param(date(2027, 3, 1), None, date(2026, 3, 1), 365, id="none for a year"),
        pytest.param(date(2029, 3, 1), None, date(2028, 2, 28), 367, id="leap year"),
    ],
)
def test_streak_days(today: date, last: date | None, since: date, days: int) -> None:
    assert streak_days(today, last, since) == days


def test_downtime_merges_overlaps_and_clips() -> None:
    begin, end = kst(2027, 1, 1), kst(2027, 1, 2)
    intervals = [
        (kst(2026, 12, 31, 23), kst(2027, 1, 1, 1)),  # one hour of it in 2027
        (kst(2027, 1, 1, 0, 30), kst(2027, 1, 1, 2)),  # overlaps the first
        (kst(2027, 1, 1, 10), kst(2027, 1, 1, 11)),
    ]
    assert downtime(intervals, begin, end) == 3 * H
    assert downtime([], begin, end) == timedelta(0)


@pytest.mark.parametrize(
    ("year", "now", "expected"),
    [
        # an outage 2026-12-31 23:00 → 2027-01-01 01:00 counts one hour in each year
        pytest.param(2026, kst(2027, 1, 5), 100 * (1 - 1 / (365 * 24)), id="2026 whole"),
        pytest.param(2027, kst(2027, 1, 2), 100 * (1 - 1 / 24), id="2027 first day"),
        pytest.param(2028, kst(2027, 1, 2), 100.0, id="not begun"),
    ],
)
def test_availability_across_a_year_boundary(year: int, now: datetime, expected: float) -> None:
    outage = [(kst(2026, 12, 31, 23), kst(2027, 1, 1, 1))]
    begin, end = year_window(year, SEOUL, now)
    assert availability(outage, begin, end) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("01012345678", "010****5678"),
        ("+82 10 1234 5678", "+82 1* **** 5678"),
        ("jane.doe@example.com", "ja***@example.com"),
        ("x@y.kr", "x***@y.kr"),
        ("kakao:abc", "ka***"),
        ("", ""),
    ],
)
def test_mask_contact(value: str, masked: str) -> None:
    assert mask_contact(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"), [("홍길동", "홍**"), ("Jane Doe", "J***"), ("김", "김*"), (" ", "")]
)
def test_mask_name(value: str, masked: str) -> None:
    assert mask_name(value) == masked
