from __future__ import annotations

from datetime import date

import pytest

from bot.holidays_kr import kr_holidays, public_holidays

KR = kr_holidays(range(2025, 2028))


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2025, 1, 1), id="new year 2025"),
        pytest.param(date(2025, 3, 3), id="substitute for independence day on saturday"),
        pytest.param(date(2025, 10, 5), id="chuseok eve (sunday)"),
        pytest.param(date(2025, 10, 6), id="chuseok"),
        pytest.param(date(2025, 10, 7), id="chuseok second day"),
        pytest.param(date(2025, 10, 8), id="chuseok substitute"),
        pytest.param(date(2025, 12, 25), id="christmas"),
        pytest.param(date(2026, 1, 1), id="new year 2026"),
        pytest.param(date(2026, 2, 16), id="seollal eve"),
        pytest.param(date(2026, 2, 17), id="seollal"),
        pytest.param(date(2026, 2, 18), id="seollal second day"),
        pytest.param(date(2027, 1, 1), id="new year 2027"),
    ],
)
def test_known_holidays(day: date) -> None:
    assert day in KR


@pytest.mark.parametrize(
    "day",
    [date(2025, 3, 4), date(2025, 10, 10), date(2026, 1, 2), date(2026, 2, 19)],
)
def test_working_days_around_holidays(day: date) -> None:
    assert day not in KR


def test_only_requested_years_are_returned() -> None:
    assert {d.year for d in kr_holidays([2026])} == {2026}
    assert kr_holidays([]) == frozenset()


def test_other_countries_and_none() -> None:
    assert date(2025, 7, 4) in public_holidays("us", [2025])
    assert public_holidays("", [2025]) == frozenset()
    with pytest.raises(ValueError, match="unknown holiday country"):
        public_holidays("XX", [2025])


# Korean non-working weekdays 2024-2027, as announced (인사혁신처 관공서의 공휴일, 임시공휴일 and
# 대체공휴일; 2027-05-03 and 2027-07-19 as the `holidays` package (>= 0.102) implements the
# announced substitute rule for 노동절 and 제헌절). A new `holidays` release that drifts from
# this list fails here.
OFFICIAL_WEEKDAYS = {
    2024: [
        "01-01", "02-09", "02-12", "03-01", "04-10", "05-06", "05-15", "06-06", "08-15",
        "09-16", "09-17", "09-18", "10-01", "10-03", "10-09", "12-25",
    ],
    2025: [
        "01-01", "01-27", "01-28", "01-29", "01-30", "03-03", "05-05", "05-06", "06-03",
        "06-06", "08-15", "10-03", "10-06", "10-07", "10-08", "10-09", "12-25",
    ],
    2026: [
        "01-01", "02-16", "02-17", "02-18", "03-02", "05-01", "05-05", "05-25", "06-03",
        "07-17", "08-17", "09-24", "09-25", "10-05", "10-09", "12-25",
    ],
    2027: [
        "01-01", "02-08", "02-09", "03-01", "05-03", "05-05", "05-13", "07-19", "08-16",
        "09-14", "09-15", "09-16", "10-04", "10-11", "12-27",
    ],
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(OFFICIAL_WEEKDAYS))
def test_korean_non_working_weekdays_match_the_official_list(year: int) -> None:
    found = sorted(d for d in kr_holidays([year]) if d.weekday() < 5)
    assert [d.strftime("%m-%d") for d in found] == OFFICIAL_WEEKDAYS[year]


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 4, 10), date(2024, 10, 1), date(2025, 1, 27), date(2025, 3, 3),
        date(2025, 5, 6), date(2025, 6, 3), date(2025, 10, 8), date(2026, 3, 2),
        date(2026, 5, 1), date(2026, 5, 25), date(2026, 6, 3), date(2026, 7, 17),
        date(2026, 8, 17), date(2026, 10, 5), date(2027, 5, 3), date(2027, 7, 19),
    ],
)  # fmt: skip
def test_the_days_the_issue_names(day: date) -> None:
    assert day in kr_holidays([day.year])
