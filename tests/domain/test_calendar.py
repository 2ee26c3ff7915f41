from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import BusinessCalendar, holiday_dates, parse_slots, parse_workdays
from bot.domain.durations import Duration, parse_duration
from bot.holidays_kr import kr_holidays

SEOUL = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

# Real Korean holidays (substitute days included); results of 2027 starts run into 2028.
CAL = BusinessCalendar(SEOUL, holidays=kr_holidays(range(2024, 2030)))
ALWAYS = BusinessCalendar(SEOUL, always_open=True)


def kst(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=SEOUL)


# 2025-01-07 is a Tuesday; 2025-01-10 a Friday; 2025-01-13 a Monday.
TUE = (2025, 1, 7)
FRI = (2025, 1, 10)
SAT = (2025, 1, 11)
MON = (2025, 1, 13)


# -- add_business_minutes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        pytest.param(kst(*TUE, 11, 30), 120, kst(*TUE, 14, 30), id="lunch skipped"),
        pytest.param(kst(*TUE, 11, 59), 1, kst(*TUE, 12, 0), id="11:59+1 ends at slot end"),
        pytest.param(kst(*TUE, 11, 59, 30), 1, kst(*TUE, 13, 0, 30), id="seconds span lunch"),
        pytest.param(kst(*TUE, 12, 0), 1, kst(*TUE, 13, 1), id="12:00 start waits"),
        pytest.param(kst(*TUE, 12, 30), 1, kst(*TUE, 13, 1), id="12:30 start waits"),
        pytest.param(kst(*TUE, 12, 30), 180, kst(*TUE, 16, 0), id="lunch start long"),
        pytest.param(kst(*TUE, 13, 0), 1, kst(*TUE, 13, 1), id="13:00 open"),
        pytest.param(kst(*TUE, 8, 59), 1, kst(*TUE, 9, 1), id="08:59 waits for 09:00"),
        pytest.param(kst(*TUE, 9, 0, 30), 1, kst(*TUE, 9, 1, 30), id="seconds kept"),
        pytest.param(kst(*TUE, 9, 0), 180, kst(*TUE, 12, 0), id="morning slot exactly"),
        pytest.param(kst(*TUE, 17, 59), 1, kst(*TUE, 18, 0), id="17:59+1 is 18:00"),
        pytest.param(kst(*TUE, 18, 0), 1, kst(2025, 1, 8, 9, 1), id="18:00 is closed"),
        pytest.param(kst(*TUE, 17, 0), 60, kst(*TUE, 18, 0), id="day end exactly"),
        pytest.param(kst(*TUE, 17, 0), 61, kst(2025, 1, 8, 9, 1), id="one past day end"),
        pytest.param(kst(*TUE, 9, 0), 480, kst(*TUE, 18, 0), id="full day"),
        pytest.param(kst(*TUE, 9, 0), 481, kst(2025, 1, 8, 9, 1), id="full day plus one"),
        pytest.param(kst(*FRI, 17, 55), 10, kst(*MON, 9, 5), id="friday 17:55 + 10bm"),
        pytest.param(kst(*SAT, 10, 0), 1, kst(*MON, 9, 1), id="weekend start"),
        pytest.param(kst(2025, 1, 12, 23, 59), 60, kst(*MON, 10, 0), id="sunday night"),
        pytest.param(kst(*SAT, 3, 0), 0, kst(*SAT, 3, 0), id="zero is unchanged"),
        pytest.param(datetime(2025, 1, 7, 1, 0, tzinfo=UTC), 30, kst(*TUE, 10, 30), id="utc input"),
        pytest.param(
            kst(2026, 2, 13, 17, 55), 10, kst(2026, 2, 19, 9, 5), id="seollal 2026 friday"
        ),
        pytest.param(kst(2026, 2, 17, 10, 0), 1, kst(2026, 2, 19, 9, 1), id="inside seollal"),
        pytest.param(kst(2025, 10, 8, 10, 0), 1, kst(2025, 10, 10, 9, 1), id="chuseok subst"),
        pytest.param(
            kst(2025, 2, 28, 17, 30), 60, kst(2025, 3, 4, 9, 30), id="substitute 2025-03-03"
        ),
        pytest.param(kst(2025, 6, 30, 17, 30), 60, kst(2025, 7, 1, 9, 30), id="month end"),
    ],
)
def test_add_business_minutes(start: datetime, minutes: int, expected: datetime) -> None:
    result = CAL.add_business_minutes(start, minutes)
    assert result == expected
    assert result.tzinfo == SEOUL
    assert result.utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        pytest.param(kst(*FRI, 17, 0), "1bd", kst(*MON, 17, 0), id="friday 17:00 + 1bd"),
        pytest.param(kst(*SAT, 10, 0), "1bd", kst(*MON, 18, 0), id="saturday + 1bd"),
        pytest.param(kst(*TUE, 11, 30), "2bh", kst(*TUE, 14, 30), id="tuesday 11:30 + 2bh"),
        pytest.param(kst(*TUE, 9, 0), "1bd", kst(*TUE, 18, 0), id="1bd from opening"),
        pytest.param(kst(*TUE, 9, 0), "3bd", kst(2025, 1, 9, 18, 0), id="3bd"),
        pytest.param(kst(*TUE, 10, 0), "15bm", kst(*TUE, 10, 15), id="15bm"),
        pytest.param(kst(*TUE, 17, 0), "1bd1bh", kst(2025, 1, 8, 18, 0), id="1bd1bh"),
        pytest.param(kst(2025, 11, 3, 9, 0), "30bd", kst(2025, 12, 12, 18, 0), id="30bd"),
        pytest.param(kst(*SAT, 10, 0), "5m", kst(*SAT, 10, 5), id="wall ignores hours"),
        pytest.param(kst(*FRI, 17, 0), "1d", kst(*SAT, 17, 0), id="wall day"),
        pytest.param(kst(*TUE, 11, 59), "2h30m", kst(*TUE, 14, 29), id="wall through lunch"),
        pytest.param(
            kst(2026, 2, 13, 17, 0), "1bd", kst(2026, 2, 19, 17, 0), id="seollal 2026 (16-18)"
        ),
        pytest.param(
            kst(2025, 10, 2, 17, 0), "1bd", kst(2025, 10, 10, 17, 0), id="chuseok 2025 (3,5-9)"
        ),
        pytest.param(kst(2025, 10, 2, 17, 0), "2bd", kst(2025, 10, 13, 17, 0), id="after chuseok"),
        pytest.param(kst(2025, 12, 31, 17, 0), "1bd", kst(2026, 1, 2, 17, 0), id="year end 2025"),
        pytest.param(kst(2026, 12, 31, 17, 0), "1bd", kst(2027, 1, 4, 17, 0), id="year end 2026"),
        pytest.param(
            kst(2025, 1, 31, 17, 0), "1bd", kst(2025, 2, 3, 17, 0), id="month end january"
        ),
    ],
)
def test_add_duration(start: datetime, duration: str, expected: datetime) -> None:
    result = CAL.add(start, parse_duration(duration))
    assert result == expected
    assert result.tzinfo == SEOUL


@pytest.mark.parametrize("extra", [[date(2025, 1, 13)], ["2025-01-13"]])
def test_extra_holiday_is_skipped(extra: list[date | str]) -> None:
    cal = CAL.with_holidays(extra)
    assert cal.add(kst(*FRI, 17, 0), parse_duration("1bd")) == kst(2025, 1, 14, 17, 0)
    assert not cal.is_business_day(date(2025, 1, 13))
    # The original value is untouched.
    assert CAL.is_business_day(date(2025, 1, 13))


def test_extra_holiday_passed_at_construction() -> None:
    cal = BusinessCalendar(SEOUL, holidays=holiday_dates(kr_holidays([2025]), ["2025-05-02"]))
    # 2025-05-01 is a working Thursday; 05-02 closed by the company; 05-05, 05-06 public.
    assert cal.add(kst(2025, 4, 30, 17, 0), parse_duration("2bd")) == kst(2025, 5, 7, 17, 0)


def test_zero_duration_returns_start() -> None:
    assert CAL.add(kst(*SAT, 3, 0), Duration()) == kst(*SAT, 3, 0)


def test_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add_business_minutes(kst(*TUE, 10, 0), -1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_business_minutes(datetime(2025, 1, 7, 10, 0), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.is_open(datetime(2025, 1, 7, 10, 0))


def test_large_additions_jump_by_slots() -> None:
    # 10 years of business days must be quick (it is a loop over days, not minutes).
    result = CAL.add(kst(2025, 1, 1), parse_duration("2500bd"))
    assert CAL.business_minutes_between(kst(2025, 1, 1), result) == 2500 * 480


# -- is_open, next_open, is_business_day --------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (kst(*TUE, 8, 59, 59), False),
        (kst(*TUE, 9, 0), True),
        (kst(*TUE, 11, 59), True),
        (kst(*TUE, 12, 0), False),
        (kst(*TUE, 12, 59, 59), False),
        (kst(*TUE, 13, 0), True),
        (kst(*TUE, 17, 59, 59), True),
        (kst(*TUE, 18, 0), False),
        (kst(*SAT, 10, 0), False),
        (kst(2025, 3, 3, 10, 0), False),
        (kst(2026, 2, 17, 10, 0), False),
        (datetime(2025, 1, 7, 4, 0, tzinfo=UTC), True),  # 13:00 KST
        (datetime(2025, 1, 7, 3, 0, tzinfo=UTC), False),  # 12:00 KST
    ],
)
def test_is_open(at: datetime, expected: bool) -> None:
    assert CAL.is_open(at) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (kst(*TUE, 10, 0), kst(*TUE, 10, 0)),
        (kst(*TUE, 11, 59, 59), kst(*TUE, 11, 59, 59)),
        (kst(*TUE, 12, 0), kst(*TUE, 13, 0)),
        (kst(*TUE, 12, 30), kst(*TUE, 13, 0)),
        (kst(*TUE, 8, 59), kst(*TUE, 9, 0)),
        (kst(*TUE, 0, 0), kst(*TUE, 9, 0)),
        (kst(*TUE, 18, 0), kst(2025, 1, 8, 9, 0)),
        (kst(*FRI, 18, 0), kst(*MON, 9, 0)),
        (kst(*SAT, 10, 0), kst(*MON, 9, 0)),
        (kst(2026, 2, 13, 18, 0), kst(2026, 2, 19, 9, 0)),
        (kst(2025, 10, 2, 18, 0), kst(2025, 10, 10, 9, 0)),
        (kst(2025, 12, 31, 18, 0), kst(2026, 1, 2, 9, 0)),
        (datetime(2025, 1, 7, 1, 0, tzinfo=UTC), kst(*TUE, 10, 0)),
        (datetime(2025, 1, 7, 9, 30, tzinfo=UTC), kst(2025, 1, 8, 9, 0)),  # 18:30 KST
    ],
)
def test_next_open(at: datetime, expected: datetime) -> None:
    result = CAL.next_open(at)
    assert result == expected
    assert result.tzinfo == SEOUL


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(*TUE), True),
        (date(*SAT), False),
        (date(2025, 1, 12), False),
        (date(2025, 3, 3), False),  # substitute for 03-01 (Saturday)
        (date(2025, 3, 4), True),
        (date(2026, 2, 16), False),
        (date(2026, 2, 17), False),
        (date(2026, 2, 18), False),
        (date(2026, 2, 19), True),
        (date(2025, 10, 6), False),
        (date(2025, 10, 7), False),
        (date(2025, 10, 8), False),  # substitute for 10-05 (Sunday)
        (date(2025, 10, 10), True),
        (date(2026, 1, 1), False),
        (date(2026, 1, 2), True),
    ],
)
def test_is_business_day(d: date, expected: bool) -> None:
    assert CAL.is_business_day(d) is expected


# -- business_minutes_between -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (kst(*TUE, 9, 0), kst(*TUE, 11, 30), 150),
        (kst(*TUE, 11, 0), kst(*TUE, 14, 0), 120),
        (kst(*TUE, 12, 10), kst(*TUE, 12, 50), 0),
        (kst(*TUE, 8, 0), kst(*TUE, 20, 0), 480),
        (kst(*TUE, 17, 0), kst(2025, 1, 8, 10, 0), 120),
        (kst(*FRI, 17, 0), kst(*MON, 10, 0), 120),
        (kst(*SAT, 0, 0), kst(2025, 1, 12, 23, 59), 0),
        (kst(2025, 1, 6, 9, 0), kst(*MON, 9, 0), 2400),
        (kst(2026, 2, 13, 17, 0), kst(2026, 2, 19, 10, 0), 120),
        (kst(2025, 10, 2, 17, 0), kst(2025, 10, 10, 10, 0), 120),
        (kst(2025, 9, 29, 9, 0), kst(2025, 10, 13, 9, 0), 5 * 480),
        (kst(2025, 12, 31, 17, 0), kst(2026, 1, 2, 10, 0), 120),
        (kst(2025, 2, 28, 17, 0), kst(2025, 3, 4, 10, 0), 120),
        (kst(*TUE, 9, 0, 30), kst(*TUE, 9, 1, 29), 0),
        (kst(*TUE, 9, 0, 30), kst(*TUE, 9, 1, 30), 1),
        (kst(*TUE, 10, 0), kst(*TUE, 10, 0), 0),
        (kst(*TUE, 11, 0), kst(*TUE, 10, 0), 0),
        (datetime(2025, 1, 7, 0, 0, tzinfo=UTC), kst(*TUE, 10, 0), 60),
    ],
)
def test_business_minutes_between(a: datetime, b: datetime, expected: int) -> None:
    assert CAL.business_minutes_between(a, b) == expected


# -- always open, DST zones, construction ---------------------------------------------------------


def test_always_open_counts_every_minute() -> None:
    assert ALWAYS.minutes_per_day == 1440
    assert ALWAYS.is_open(kst(2025, 1, 12, 3, 0))
    assert ALWAYS.is_business_day(date(2026, 2, 17))
    assert ALWAYS.next_open(kst(*SAT, 3, 0)) == kst(*SAT, 3, 0)
    assert ALWAYS.add(kst(*SAT, 3, 0), parse_duration("15bm")) == kst(*SAT, 3, 15)
    assert ALWAYS.add(kst(*FRI, 17, 0), parse_duration("1bd")) == kst(*SAT, 17, 0)
    assert ALWAYS.business_minutes_between(kst(*FRI, 17, 0), kst(*MON, 10, 0)) == 65 * 60
    assert BusinessCalendar(SEOUL, workdays=frozenset(), always_open=True).is_open(kst(*SAT))


def test_minutes_per_day() -> None:
    assert CAL.minutes_per_day == 480
    cal = BusinessCalendar(SEOUL, slots=((time(8, 30), time(17, 15)),))
    assert cal.minutes_per_day == 525
    assert cal.add(kst(*TUE, 8, 30), parse_duration("1bd")) == kst(*TUE, 17, 15)


def test_custom_workdays_and_slots() -> None:
    cal = BusinessCalendar(
        SEOUL,
        slots=parse_slots(["13:00-18:00", "09:00-12:00"]),
        workdays=parse_workdays(["mon", "tue", "wed", "thu", "fri", "sat"]),
    )
    assert cal == BusinessCalendar(SEOUL, workdays=frozenset(range(6)))
    assert cal.add(kst(*FRI, 17, 55), parse_duration("10bm")) == kst(*SAT, 9, 5)


def test_dst_zone_uses_local_wall_hours() -> None:
    cal = BusinessCalendar(BERLIN)
    friday = datetime(2025, 3, 28, 17, 0, tzinfo=BERLIN)  # clocks go forward on 03-30
    monday = datetime(2025, 3, 31, 17, 0, tzinfo=BERLIN)
    assert cal.add(friday, parse_duration("1bd")) == monday
    assert cal.add(friday, parse_duration("1bd")).utcoffset() == timedelta(hours=2)
    assert cal.business_minutes_between(friday, datetime(2025, 3, 31, 10, tzinfo=BERLIN)) == 120


@pytest.mark.parametrize(
    ("day", "slot_minutes"),
    [
        (date(2025, 3, 30), 120),  # 02:00-03:00 does not exist
        (date(2025, 10, 26), 240),  # 02:00-03:00 happens twice
        (date(2025, 10, 27), 180),
    ],
)
def test_dst_changes_inside_a_slot_count_elapsed_time(day: date, slot_minutes: int) -> None:
    cal = BusinessCalendar(BERLIN, slots=((time(1), time(4)),), workdays=frozenset(range(7)))
    opening = datetime.combine(day, time(1), tzinfo=BERLIN)
    closing = datetime.combine(day, time(4), tzinfo=BERLIN)
    assert cal.business_minutes_between(opening, closing) == slot_minutes
    assert cal.add_business_minutes(opening, slot_minutes) == closing
    next_day = opening + timedelta(days=1, minutes=1)
    assert cal.add_business_minutes(opening, slot_minutes + 1) == next_day


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workdays": frozenset()}, "at least one workday"),
        ({"workdays": frozenset({7})}, "0 \\(Monday\\) to 6"),
        ({"slots": ()}, "at least one opening slot"),
        ({"slots": ((time(12), time(9)),)}, "after the start"),
        ({"slots": ((time(9), time(12)), (time(11), time(13)))}, "overlap"),
        ({"slots": ((time(9, 0, 30), time(12)),)}, "whole minutes"),
    ],
)
def test_bad_calendars_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(SEOUL, **kwargs)  # type: ignore[arg-type]


def test_calendar_is_a_hashable_value() -> None:
    holidays = set(kr_holidays(range(2024, 2030)))
    same = BusinessCalendar(SEOUL, holidays=holidays)  # type: ignore[arg-type]
    assert same == CAL
    assert hash(same) == hash(CAL)


# -- parsing helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (["09:00-12:00", "13:00-18:00"], ((time(9), time(12)), (time(13), time(18)))),
        (["13:00-18:00", "09:00-12:00"], ((time(9), time(12)), (time(13), time(18)))),
        ([" 9:00 - 12:00 "], ((time(9), time(12)),)),
        (["09:00-12:00", "12:00-13:00"], ((time(9), time(12)), (time(12), time(13)))),
        (["00:00-23:59"], ((time(0), time(23, 59)),)),
    ],
)
def test_parse_slots(specs: list[str], expected: tuple[tuple[time, time], ...]) -> None:
    assert parse_slots(specs) == expected


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["09:00-09:00"], "end must be after the start"),
        (["18:00-09:00"], "end must be after the start"),
        (["9-12"], "HH:MM-HH:MM"),
        (["09:00~12:00"], "HH:MM-HH:MM"),
        (["24:00-25:00"], "00-23"),
        (["09:60-10:00"], "00-59"),
        (["09:00-12:00", "11:00-13:00"], "overlap"),
        (["09:00-12:00", "09:00-12:00"], "overlap"),
        ([], "at least one"),
        ("09:00-12:00", "list"),
    ],
)
def test_parse_slots_errors(specs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_slots(specs)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["mon", "tue", "wed", "thu", "fri"], frozenset({0, 1, 2, 3, 4})),
        (["Sat", " SUNDAY "], frozenset({5, 6})),
        (["mon", "mon"], frozenset({0})),
    ],
)
def test_parse_workdays(names: list[str], expected: frozenset[int]) -> None:
    assert parse_workdays(names) == expected


@pytest.mark.parametrize(
    ("names", "message"),
    [(["funday"], "unknown weekday 'funday'"), ([], "at least one"), ("mon", "list")],
)
def test_parse_workdays_errors(names: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_workdays(names)


def test_holiday_dates_merges_dates_and_iso_strings() -> None:
    merged = holiday_dates([date(2025, 1, 1)], ["2025-05-02", " 2025-01-01 "])
    assert merged == frozenset({date(2025, 1, 1), date(2025, 5, 2)})


@pytest.mark.parametrize(
    ("group", "message"),
    [
        (["2025-13-01"], "YYYY-MM-DD"),
        ([datetime(2025, 1, 1, tzinfo=SEOUL)], "not a datetime"),
        ([20250101], "YYYY-MM-DD"),
        ("2025-01-01", "list of dates"),
    ],
)
def test_holiday_dates_errors(group: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        holiday_dates(group)  # type: ignore[arg-type]


# -- properties -----------------------------------------------------------------------------

_EDGES = [
    time(8, 59),
    time(9),
    time(11, 59),
    time(12),
    time(12, 30),
    time(13),
    time(17, 59),
    time(18),
    time(18, 30),
    time(23, 59, 59),
]

starts = st.one_of(
    st.datetimes(
        min_value=datetime(2025, 1, 1),
        max_value=datetime(2027, 12, 31, 23, 59, 59),
        timezones=st.sampled_from([SEOUL, UTC, NEW_YORK]),
    ),
    st.builds(
        lambda d, t: datetime.combine(d, t, tzinfo=SEOUL),
        st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
        st.sampled_from(_EDGES),
    ),
)
minutes = st.integers(min_value=1, max_value=20_000)


def _is_slot_end(cal: BusinessCalendar, at: datetime) -> bool:
    local = at.astimezone(cal.tz)
    return cal.is_business_day(local.date()) and any(
        local.timetz().replace(tzinfo=None) == end for _, end in cal.slots
    )


@settings(max_examples=200, deadline=None)
@given(starts, minutes)
def test_result_is_open_or_a_slot_end_and_counts_back(start: datetime, m: int) -> None:
    result = CAL.add_business_minutes(start, m)
    assert result.tzinfo == SEOUL
    assert result > start
    assert CAL.is_open(result) or _is_slot_end(CAL, result)
    assert CAL.business_minutes_between(CAL.next_open(start), result) == m
    assert CAL.business_minutes_between(start, result) == m


@settings(max_examples=200, deadline=None)
@given(starts, minutes, minutes)
def test_addition_is_monotonic_and_composes(start: datetime, m1: int, m2: int) -> None:
    first = CAL.add_business_minutes(start, m1)
    both = CAL.add_business_minutes(start, m1 + m2)
    assert first < both
    assert CAL.add_business_minutes(first, m2) == both


@settings(max_examples=100, deadline=None)
@given(starts, st.integers(min_value=1, max_value=40))
def test_business_days_are_full_days_of_minutes(start: datetime, days: int) -> None:
    assert CAL.add(start, Duration(business_days=days)) == CAL.add_business_minutes(
        start, days * CAL.minutes_per_day
    )


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2025, 1, 1),
        max_value=datetime(2026, 12, 31),
        timezones=st.just(BERLIN),
    ),
    minutes,
)
def test_dst_calendar_properties(start: datetime, m: int) -> None:
    # A night slot that DST changes cut or stretch, open every day.
    cal = BusinessCalendar(
        BERLIN, slots=((time(1), time(4)), (time(9), time(17))), workdays=frozenset(range(7))
    )
    result = cal.add_business_minutes(start, m)
    assert cal.is_open(result) or _is_slot_end(cal, result)
    assert cal.business_minutes_between(start, result) == m
