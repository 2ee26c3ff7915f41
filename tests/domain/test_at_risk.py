"""`OpenTime` (the digest's indexed open time) counts exactly what the calendar counts, and its
"at risk" says exactly what `deadline_state` says."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.calendar import BusinessCalendar
from bot.domain.opentime import span_of
from bot.domain.sla import DeadlineState, deadline_state
from bot.holidays_kr import kr_holidays

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")
CAL = BusinessCalendar(SEOUL, holidays=kr_holidays(range(2025, 2028)))
NYC = BusinessCalendar(NEW_YORK, workdays=frozenset({0, 1, 2, 3, 4}))  # DST changes inside
ALWAYS = BusinessCalendar(SEOUL, always_open=True)
BASE = datetime(2026, 9, 1, 0, 0, tzinfo=SEOUL)

minutes = st.integers(min_value=0, max_value=60 * 24 * 120)


@settings(max_examples=500, deadline=None)
@given(
    a=minutes,
    b=minutes,
    c=minutes,
    seconds=st.integers(0, 59),
    approaching=st.sampled_from([0.0, 0.5, 0.75, 0.9, 1.0]),
    which=st.sampled_from(["kr", "nyc", "always"]),
)
def test_open_time_matches_the_calendar(
    a: int, b: int, c: int, seconds: int, approaching: float, which: str
) -> None:
    cal = {"kr": CAL, "nyc": NYC, "always": ALWAYS}[which]
    start, now, deadline = sorted([a, b, c])
    start_at = BASE + timedelta(minutes=start, seconds=seconds)
    now_at = max(BASE + timedelta(minutes=now, seconds=seconds * 7 % 60), start_at)
    deadline_at = BASE + timedelta(minutes=deadline)
    index = span_of(cal, [start_at, now_at, deadline_at])
    for x, y in ((start_at, now_at), (start_at, deadline_at), (now_at, deadline_at)):
        assert index.minutes(x, y) == cal.business_minutes_between(x, y)
    expected = (
        deadline_state(
            start=start_at,
            deadline=deadline_at,
            now=now_at,
            done=False,
            cal=cal,
            approaching=approaching,
        )
        == DeadlineState.AT_RISK
    )
    got = index.at_risk(start=start_at, deadline=deadline_at, now=now_at, approaching=approaching)
    assert got == expected
    # the batch form, for this window among others (one outside the span, one already due)
    windows = [(start_at, deadline_at), (start_at - timedelta(days=90), deadline_at)]
    windows.append((start_at, now_at))
    many = index.at_risk_many(windows, now=now_at, approaching=approaching)
    assert many == [
        index.at_risk(start=s, deadline=d, now=now_at, approaching=approaching) for s, d in windows
    ]
    assert many[0] == expected


def test_outside_the_span_falls_back_to_the_calendar() -> None:
    index = span_of(CAL, [BASE, BASE + timedelta(days=3)])
    far = BASE + timedelta(days=40)
    assert index.minutes(BASE, far) == CAL.business_minutes_between(BASE, far)
