"""SLA deadlines on the real Korean business calendar (09-12, 13-18, Mon-Fri, KR holidays)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.charter import SLA_POLICY as POLICY

from bot.domain.calendar import BusinessCalendar
from bot.domain.inquiry import Kind
from bot.domain.sla import (
    DeadlineState,
    current_deadline,
    deadline_state,
    end_of_business_day,
    first_deadline,
    shift_for_pause,
)
from bot.holidays_kr import kr_holidays

SEOUL = ZoneInfo("Asia/Seoul")
HOLIDAYS = kr_holidays([2025, 2026])
CAL = BusinessCalendar(SEOUL, holidays=HOLIDAYS)
ALWAYS = BusinessCalendar(SEOUL, always_open=True)


def kst(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SEOUL)


def test_calendar_facts_the_cases_below_rely_on() -> None:
    assert CAL.minutes_per_day == 480
    assert POLICY.voc_review.business_days == 1
    assert POLICY.support_first_response.business_minutes == 15
    assert POLICY.support_eta.business_minutes == 60
    assert POLICY.request_review.business_days == 3
    assert POLICY.approaching == 0.75
    # Weekdays of the dates used below.
    assert date(2026, 1, 9).weekday() == 4  # Friday
    assert date(2026, 2, 13).weekday() == 4  # Friday before Seollal
    assert date(2026, 3, 31).weekday() == 1  # Tuesday
    assert date(2025, 2, 28).weekday() == 4  # Friday; 2025-03-01 (Sat) is 삼일절
    # Seollal 2026 is Mon-Wed 16-18 February; Thu 19, Fri 20 and Mon 23 are working days.
    for d in (16, 17, 18):
        assert not CAL.is_business_day(date(2026, 2, d))
    for d in (13, 19, 20, 23, 24):
        assert CAL.is_business_day(date(2026, 2, d))
    # 2025-03-03 is the substitute holiday (대체공휴일) for 삼일절 falling on a Saturday.
    assert date(2025, 3, 3) in HOLIDAYS
    assert not CAL.is_business_day(date(2025, 3, 3))
    assert CAL.is_business_day(date(2025, 3, 4))


# -- first_deadline ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "created", "due", "expected"),
    [
        # Friday 17:55: 5 minutes on Friday, 475 on Monday (09-12 = 180, 13:00 + 295).
        pytest.param(
            Kind.VOC,
            kst(2026, 1, 9, 17, 55),
            None,
            kst(2026, 1, 12, 17, 55),
            id="voc friday evening to monday",
        ),
        # 5 minutes on Friday, 10 on Monday morning.
        pytest.param(
            Kind.SUPPORT,
            kst(2026, 1, 9, 17, 55),
            None,
            kst(2026, 1, 12, 9, 10),
            id="support friday evening first response monday 09:10",
        ),
        # Friday 10:00 leaves 120 + 300 = 420 min; Seollal Mon-Wed closed; Thu 19 + Fri 20 give
        # 960 (1380); the last 60 minutes are Monday 23rd 09:00-10:00.
        pytest.param(
            Kind.REQUEST,
            kst(2026, 2, 13, 10),
            None,
            kst(2026, 2, 23, 10),
            id="request over seollal",
        ),
        # Month end not touching 1 May: Tuesday 31 March 17:00 + 1bd.
        pytest.param(Kind.VOC, kst(2026, 3, 31, 17), None, kst(2026, 4, 1, 17), id="voc month end"),
        # Substitute holiday: Fri 28 Feb 17:00 + 1bd skips Sat 1 Mar, Sun, Mon 3 Mar.
        pytest.param(
            Kind.VOC,
            kst(2025, 2, 28, 17),
            None,
            kst(2025, 3, 4, 17),
            id="voc over substitute holiday",
        ),
        # Chuseok 2025: Fri 3 Oct, Mon 6 - Thu 9 Oct closed (8 Oct is a substitute day).
        pytest.param(
            Kind.VOC, kst(2025, 10, 2, 17), None, kst(2025, 10, 10, 17), id="voc over chuseok"
        ),
        # Lunch is skipped: 10 minutes before noon, 5 after 13:00.
        pytest.param(
            Kind.SUPPORT,
            kst(2026, 1, 13, 11, 50),
            None,
            kst(2026, 1, 13, 13, 5),
            id="support across lunch",
        ),
        # Created during lunch / at night / on a weekend: the clock starts at the next opening.
        pytest.param(
            Kind.SUPPORT,
            kst(2026, 1, 13, 12, 30),
            None,
            kst(2026, 1, 13, 13, 15),
            id="support created at lunch",
        ),
        pytest.param(
            Kind.SUPPORT,
            kst(2026, 1, 13, 22, 0),
            None,
            kst(2026, 1, 14, 9, 15),
            id="support created at night",
        ),
        pytest.param(
            Kind.VOC,
            kst(2026, 1, 10, 11, 0),
            None,
            kst(2026, 1, 12, 18, 0),
            id="voc created saturday ends at monday close",
        ),
        pytest.param(
            Kind.REQUEST,
            kst(2026, 1, 12, 9, 0),
            None,
            kst(2026, 1, 14, 18, 0),
            id="request three full days",
        ),
        # Regulatory: the end of the due day's business hours.
        pytest.param(
            Kind.REGULATORY,
            kst(2026, 1, 12, 9),
            date(2026, 12, 31),
            kst(2026, 12, 31, 18),
            id="regulatory due date close of business",
        ),
        pytest.param(Kind.REGULATORY, kst(2026, 1, 12, 9), None, None, id="regulatory no due"),
        # The due date does not change the first promise of the other kinds.
        pytest.param(
            Kind.VOC,
            kst(2026, 1, 9, 17, 55),
            date(2026, 1, 10),
            kst(2026, 1, 12, 17, 55),
            id="voc ignores due",
        ),
    ],
)
def test_first_deadline(
    kind: Kind, created: datetime, due: date | None, expected: datetime | None
) -> None:
    result = first_deadline(kind, created, due, CAL, POLICY)
    assert result == expected
    if result is not None:
        assert result.tzinfo is not None
        assert result.utcoffset() == timedelta(hours=9)


def test_first_deadline_accepts_utc_input() -> None:
    created = kst(2026, 1, 9, 17, 55).astimezone(UTC)
    assert first_deadline(Kind.VOC, created, None, CAL, POLICY) == kst(2026, 1, 12, 17, 55)


def test_month_end_over_labour_day_follows_the_installed_holiday_data() -> None:
    # Thursday 30 April 17:00 + 1bd: 1 hour on Thursday, 7 hours on the next working day,
    # which is Friday 1 May unless this `holidays` version lists Labour Day, else Monday 4 May.
    nxt = date(2026, 5, 4) if date(2026, 5, 1) in HOLIDAYS else date(2026, 5, 1)
    expected = datetime.combine(nxt, time(17), SEOUL)
    assert first_deadline(Kind.VOC, kst(2026, 4, 30, 17), None, CAL, POLICY) == expected


# -- current_deadline --------------------------------------------------------------------------

C = kst(2026, 1, 13, 10)  # Tuesday 10:00
FR = kst(2026, 1, 13, 10, 5)
ETA = kst(2026, 1, 20, 15)


@pytest.mark.parametrize(
    ("kind", "due", "first_response_at", "eta_at", "expected"),
    [
        pytest.param(
            Kind.SUPPORT,
            None,
            None,
            None,
            kst(2026, 1, 13, 10, 15),
            id="support waits for first response",
        ),
        pytest.param(
            Kind.SUPPORT,
            None,
            None,
            ETA,
            kst(2026, 1, 13, 10, 15),
            id="support eta without first response still owes the response",
        ),
        pytest.param(
            Kind.SUPPORT,
            None,
            FR,
            None,
            kst(2026, 1, 13, 11),
            id="support answered owes an eta by created + 1bh",
        ),
        pytest.param(Kind.SUPPORT, None, FR, ETA, ETA, id="support with eta"),
        pytest.param(Kind.VOC, None, None, None, kst(2026, 1, 14, 10), id="voc review"),
        pytest.param(Kind.VOC, None, FR, None, None, id="voc reviewed, nothing owed"),
        pytest.param(Kind.VOC, None, FR, ETA, ETA, id="voc reviewed with eta"),
        pytest.param(Kind.REQUEST, None, None, None, kst(2026, 1, 16, 10), id="request review"),
        pytest.param(
            Kind.REQUEST,
            date(2026, 3, 3),
            FR,
            None,
            kst(2026, 3, 3, 18),
            id="request reviewed with due date",
        ),
        pytest.param(Kind.REQUEST, None, FR, None, None, id="request reviewed without due"),
        pytest.param(
            Kind.REGULATORY, date(2026, 3, 3), None, None, kst(2026, 3, 3, 18), id="regulatory due"
        ),
        pytest.param(
            Kind.REGULATORY,
            date(2026, 3, 3),
            FR,
            None,
            kst(2026, 3, 3, 18),
            id="regulatory answered still due",
        ),
        pytest.param(Kind.REGULATORY, date(2026, 3, 3), None, ETA, ETA, id="regulatory eta"),
        pytest.param(Kind.REGULATORY, None, None, None, None, id="regulatory without due"),
    ],
)
def test_current_deadline(
    kind: Kind,
    due: date | None,
    first_response_at: datetime | None,
    eta_at: datetime | None,
    expected: datetime | None,
) -> None:
    assert (
        current_deadline(
            kind=kind,
            created_at=C,
            due=due,
            first_response_at=first_response_at,
            eta_at=eta_at,
            cal=CAL,
            policy=POLICY,
        )
        == expected
    )


# -- end_of_business_day -----------------------------------------------------------------------


def test_end_of_business_day() -> None:
    assert end_of_business_day(date(2026, 12, 31), CAL) == kst(2026, 12, 31, 18)
    assert end_of_business_day(date(2026, 12, 31), ALWAYS) == kst(2026, 12, 31, 23, 59)
    short = BusinessCalendar(SEOUL, slots=((time(13), time(17)), (time(8), time(12))))
    assert end_of_business_day(date(2026, 12, 31), short) == kst(2026, 12, 31, 17)
    utc_cal = BusinessCalendar(ZoneInfo("UTC"))
    assert end_of_business_day(date(2026, 12, 31), utc_cal) == datetime(
        2026, 12, 31, 18, tzinfo=UTC
    )


# -- deadline_state ----------------------------------------------------------------------------

MON_0900 = kst(2026, 1, 12, 9)
MON_1800 = kst(2026, 1, 12, 18)  # voc deadline of MON_0900 (exactly a slot end)


def test_one_business_day_from_opening_ends_at_close() -> None:
    assert first_deadline(Kind.VOC, MON_0900, None, CAL, POLICY) == MON_1800


@pytest.mark.parametrize(
    ("start", "deadline", "now", "done", "expected"),
    [
        # Window 480 business minutes; the 75% mark is 360 minutes in: 16:00.
        pytest.param(MON_0900, MON_1800, kst(2026, 1, 12, 9), False, "on_track", id="at start"),
        pytest.param(MON_0900, MON_1800, kst(2026, 1, 12, 12, 30), False, "on_track", id="lunch"),
        pytest.param(
            MON_0900,
            MON_1800,
            kst(2026, 1, 12, 15, 59),
            False,
            "on_track",
            id="a minute before the mark",
        ),
        pytest.param(MON_0900, MON_1800, kst(2026, 1, 12, 16), False, "at_risk", id="at the mark"),
        pytest.param(
            MON_0900,
            MON_1800,
            kst(2026, 1, 12, 17, 59),
            False,
            "at_risk",
            id="a minute before the deadline",
        ),
        pytest.param(MON_0900, MON_1800, MON_1800, False, "breached", id="at the deadline"),
        pytest.param(MON_0900, MON_1800, kst(2026, 1, 14, 10), False, "breached", id="days later"),
        pytest.param(MON_0900, MON_1800, kst(2026, 1, 14, 10), True, "met", id="done late"),
        pytest.param(MON_0900, MON_1800, kst(2026, 1, 12, 10), True, "met", id="done early"),
        pytest.param(MON_0900, None, kst(2026, 1, 12, 10), False, "none", id="no deadline"),
        pytest.param(MON_0900, None, kst(2026, 1, 12, 10), True, "none", id="no deadline done"),
        # Over a weekend: Fri 17:55 -> Mon 17:55; the mark is 5 + 355 minutes: Mon 15:55.
        pytest.param(
            kst(2026, 1, 9, 17, 55),
            kst(2026, 1, 12, 17, 55),
            kst(2026, 1, 10, 12),
            False,
            "on_track",
            id="weekend counts nothing",
        ),
        pytest.param(
            kst(2026, 1, 9, 17, 55),
            kst(2026, 1, 12, 17, 55),
            kst(2026, 1, 12, 15, 54),
            False,
            "on_track",
            id="weekend before mark",
        ),
        pytest.param(
            kst(2026, 1, 9, 17, 55),
            kst(2026, 1, 12, 17, 55),
            kst(2026, 1, 12, 15, 55),
            False,
            "at_risk",
            id="weekend at mark",
        ),
        # A deadline equal to its start has no window: never "at risk" before it passes.
        pytest.param(MON_0900, MON_0900, kst(2026, 1, 12, 8), False, "on_track", id="empty window"),
    ],
)
def test_deadline_state(
    start: datetime, deadline: datetime | None, now: datetime, done: bool, expected: str
) -> None:
    state = deadline_state(
        start=start,
        deadline=deadline,
        now=now,
        done=done,
        cal=CAL,
        approaching=POLICY.approaching,
    )
    assert state == DeadlineState(expected)


# -- shift_for_pause ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "paused_from", "resumed_at", "expected"),
    [
        # Paused Fri 17:00 to Mon 10:00 = 60 + 60 business minutes; Mon 17:00 moves to Tue 10:00.
        pytest.param(
            kst(2026, 1, 12, 17),
            kst(2026, 1, 9, 17),
            kst(2026, 1, 12, 10),
            kst(2026, 1, 13, 10),
            id="over a weekend",
        ),
        # Paused Fri 17:30 to Mon 09:00 = 30 minutes; Mon 17:55 + 30 -> Tue 09:25.
        pytest.param(
            kst(2026, 1, 12, 17, 55),
            kst(2026, 1, 9, 17, 30),
            kst(2026, 1, 12, 9),
            kst(2026, 1, 13, 9, 25),
            id="weekend, resumed at opening",
        ),
        # Entirely inside the weekend: nothing moves.
        pytest.param(
            kst(2026, 1, 12, 17),
            kst(2026, 1, 10, 10),
            kst(2026, 1, 11, 15),
            kst(2026, 1, 12, 17),
            id="paused only on the weekend",
        ),
        # Only lunch: nothing moves.
        pytest.param(
            kst(2026, 1, 12, 17),
            kst(2026, 1, 12, 12, 1),
            kst(2026, 1, 12, 12, 59),
            kst(2026, 1, 12, 17),
            id="paused over lunch",
        ),
        # Resumed before paused (clock skew): nothing moves.
        pytest.param(
            kst(2026, 1, 12, 17),
            kst(2026, 1, 12, 11),
            kst(2026, 1, 12, 10),
            kst(2026, 1, 12, 17),
            id="negative pause",
        ),
        # Pause over Seollal: Fri 13 Feb 17:00 - Thu 19 Feb 10:00 = 60 + 60 minutes.
        pytest.param(
            kst(2026, 2, 19, 17, 30),
            kst(2026, 2, 13, 17),
            kst(2026, 2, 19, 10),
            kst(2026, 2, 20, 10, 30),
            id="over seollal",
        ),
        pytest.param(None, kst(2026, 1, 9, 17), kst(2026, 1, 12, 10), None, id="no moment"),
    ],
)
def test_shift_for_pause(
    moment: datetime | None,
    paused_from: datetime,
    resumed_at: datetime,
    expected: datetime | None,
) -> None:
    assert shift_for_pause(moment, paused_from, resumed_at, CAL) == expected


def test_shift_for_pause_always_open_is_wall_time() -> None:
    moment = kst(2026, 1, 12, 17)
    shifted = shift_for_pause(moment, kst(2026, 1, 9, 17), kst(2026, 1, 12, 10), ALWAYS)
    assert shifted == moment + timedelta(hours=65)


_MINUTES = st.integers(min_value=0, max_value=60 * 24 * 120)  # within ~4 months of the origin
_ORIGIN = kst(2025, 12, 1)


@settings(max_examples=200, deadline=None)
@given(
    created=_MINUTES,
    pause_start=_MINUTES,
    pause_len=st.integers(0, 60 * 24 * 20),
    kind=st.sampled_from([Kind.VOC, Kind.SUPPORT, Kind.REQUEST]),
)
def test_pausing_the_start_or_the_deadline_agree(
    created: int, pause_start: int, pause_len: int, kind: Kind
) -> None:
    """Shifting the SLA start by a pause moves its deadline exactly as shifting the deadline."""
    start = _ORIGIN + timedelta(minutes=created)
    paused_from = _ORIGIN + timedelta(minutes=pause_start)
    resumed_at = paused_from + timedelta(minutes=pause_len)
    deadline = first_deadline(kind, start, None, CAL, POLICY)
    shifted_start = shift_for_pause(start, paused_from, resumed_at, CAL)
    assert shifted_start is not None and deadline is not None
    paused = CAL.business_minutes_between(paused_from, resumed_at)
    shifted_deadline = shift_for_pause(deadline, paused_from, resumed_at, CAL)
    assert shifted_deadline is not None
    assert CAL.business_minutes_between(deadline, shifted_deadline) == paused
    if paused:
        assert first_deadline(kind, shifted_start, None, CAL, POLICY) == shifted_deadline
