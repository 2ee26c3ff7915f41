from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.durations import Duration, DurationError, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", Duration(wall=timedelta(seconds=90))),
        ("5m", Duration(wall=timedelta(minutes=5))),
        ("2h30m", Duration(wall=timedelta(hours=2, minutes=30))),
        ("30m2h", Duration(wall=timedelta(hours=2, minutes=30))),
        ("1d2h3m4s", Duration(wall=timedelta(days=1, hours=2, minutes=3, seconds=4))),
        ("30d", Duration(wall=timedelta(days=30))),
        ("  7d\t", Duration(wall=timedelta(days=7))),
        ("2h 30m", Duration(wall=timedelta(hours=2, minutes=30))),
        ("2H30M", Duration(wall=timedelta(hours=2, minutes=30))),
        ("0h5m", Duration(wall=timedelta(minutes=5))),
        ("007m", Duration(wall=timedelta(minutes=7))),
        ("1bd", Duration(business_days=1)),
        ("3BD", Duration(business_days=3)),
        ("15bm", Duration(business_minutes=15)),
        ("1bh", Duration(business_minutes=60)),
        ("1bh30bm", Duration(business_minutes=90)),
        ("2bd4bh", Duration(business_days=2, business_minutes=240)),
        ("480bm", Duration(business_minutes=480)),
    ],
)
def test_parse_good(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "use numbers with units s m h d"),
        ("   ", "use numbers with units s m h d"),
        ("3x", "bad duration '3x': use numbers with units s m h d (wall clock) or bm bh bd"),
        ("h", "use numbers"),
        ("5", "use numbers"),
        ("-5m", "use numbers"),
        ("+5m", "use numbers"),
        ("1.5h", "use numbers"),
        ("1,5h", "use numbers"),
        ("5 m", "use numbers"),
        ("1b", "use numbers"),
        ("1bx", "use numbers"),
        ("5mm", "use numbers"),
        ("1h1h", "appears twice"),
        ("1bh2bh", "appears twice"),
        ("1h x", "use numbers"),
        ("2h30mfoo", "use numbers"),
        ("1d-1h", "use numbers"),
        ("\u0661h", "use numbers"),  # Arabic-Indic digit one
        ("0m", "longer than zero"),
        ("0bd0bh", "longer than zero"),
        ("1h1bd", "do not mix"),
        ("15bm30s", "do not mix"),
        ("99999999999d", "too long"),
        ("9999999bd", "too long"),
        ("1m" * 60, "use numbers"),
    ],
)
def test_parse_bad(text: str, message: str) -> None:
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(business_days=1), "1bd"),
        (Duration(wall=timedelta(hours=2, minutes=30)), "2h30m"),
        (Duration(wall=timedelta(seconds=90)), "1m30s"),
        (Duration(wall=timedelta(days=1, seconds=1)), "1d1s"),
        (Duration(business_minutes=90), "1bh30bm"),
        (Duration(business_minutes=15), "15bm"),
        (Duration(business_days=2, business_minutes=60), "2bd1bh"),
        (Duration(), "0s"),
    ],
)
def test_str_is_canonical(duration: Duration, text: str) -> None:
    assert str(duration) == text


@pytest.mark.parametrize(
    ("duration", "is_business"),
    [
        (parse_duration("5m"), False),
        (parse_duration("1bd"), True),
        (parse_duration("15bm"), True),
        (Duration(), False),
    ],
)
def test_is_business(duration: Duration, is_business: bool) -> None:
    assert duration.is_business is is_business


def test_business_total_counts_days_with_the_calendar_day_length() -> None:
    assert parse_duration("2bd1bh").business_total(480) == 2 * 480 + 60
    assert parse_duration("5m").business_total(480) == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"wall": timedelta(minutes=-1)},
        {"business_minutes": -1},
        {"business_days": -1},
        {"wall": timedelta(milliseconds=1)},
        {"wall": timedelta(minutes=1), "business_days": 1},
    ],
)
def test_invalid_values_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(DurationError):
        Duration(**kwargs)  # type: ignore[arg-type]


def test_duration_is_a_hashable_value() -> None:
    assert {parse_duration("90s"), parse_duration("1m30s")} == {parse_duration("90s")}


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        st.builds(
            lambda s: Duration(wall=timedelta(seconds=s)),
            st.integers(min_value=1, max_value=3660 * 86400),
        ),
        st.builds(
            lambda m, d: Duration(business_minutes=m, business_days=d),
            st.integers(min_value=0, max_value=100_000),
            st.integers(min_value=0, max_value=3000),
        ).filter(lambda d: d.is_business),
    )
)
def test_str_round_trips(duration: Duration) -> None:
    assert parse_duration(str(duration)) == duration
