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
