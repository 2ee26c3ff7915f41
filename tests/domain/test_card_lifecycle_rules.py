"""Reopen windows and verdicts of resolved inquiries, as tables (issue 9 §5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.charter import SLA_POLICY as POLICY

from bot.domain.calendar import BusinessCalendar
from bot.domain.inquiry import Kind
from bot.domain.sla import reopen_window, verdicts
from bot.holidays_kr import kr_holidays

SEOUL = ZoneInfo("Asia/Seoul")
CAL = BusinessCalendar(SEOUL, holidays=kr_holidays([2026, 2027]))


def kst(d: int, h: int, mi: int = 0) -> datetime:
    return datetime(2026, 12, d, h, mi, tzinfo=SEOUL)


M = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("kind", "due_end", "now", "want_start", "want_due"),
    [
        # voc, request, support: the window starts over at the reopen time
        (Kind.VOC, None, kst(3, 14), kst(3, 14), None),
        (Kind.REQUEST, None, kst(3, 14), kst(3, 14), None),
        (Kind.SUPPORT, None, kst(3, 14), kst(3, 14), None),
        # regulatory: a due date still ahead stands
        (Kind.REGULATORY, kst(10, 18), kst(3, 14), kst(3, 14), kst(10, 18)),
        # ... a passed one moves to the close of the next business day (Fri → Mon)
        (Kind.REGULATORY, kst(1, 18), kst(4, 14), kst(4, 14), kst(7, 18)),
    ],
)
def test_reopen_window(
    kind: Kind,
    due_end: datetime | None,
    now: datetime,
    want_start: datetime,
    want_due: datetime | None,
) -> None:
    window = reopen_window(kind, now=now, due_end=due_end, cal=CAL, policy=POLICY)
    assert (window.sla_start, window.due_end) == (want_start, want_due)
    assert window.due_end is None or window.due_end > now  # never instantly breached


@pytest.mark.parametrize(
    ("kind", "first", "eta", "due", "resolved", "want"),
    [
        # support: answered at 10:05 (due 10:15), ETA 11:00, resolved 11:40
        (
            Kind.SUPPORT,
            kst(1, 10, 5),
            kst(1, 11),
            None,
            kst(1, 11, 40),
            [("first_response", 5 * M, None), ("resolution", 100 * M, 40 * M)],
        ),
        # support resolved at once within 15 business minutes
        (Kind.SUPPORT, None, None, None, kst(1, 10, 12), [("resolution", 12 * M, None)]),
        # voc resolved directly after 3h 20m: the review window (1bd) applies
        (Kind.VOC, None, None, None, kst(1, 13, 20), [("resolution", 200 * M, None)]),
        # voc: reviewed on time, resolved later with no ETA: no resolution deadline
        (
            Kind.VOC,
            kst(1, 11),
            None,
            None,
            kst(3, 10),
            [("review", 60 * M, None), ("resolution", timedelta(days=2), None)],
        ),
        # regulatory: due end of 1 Dec, resolved 2 Dec 10:00 → 16h late
        (
            Kind.REGULATORY,
            None,
            None,
            kst(1, 18),
            kst(2, 10),
            [("resolution", timedelta(hours=24), timedelta(hours=16))],
        ),
    ],
)
def test_verdicts(
    kind: Kind,
    first: datetime | None,
    eta: datetime | None,
    due: datetime | None,
    resolved: datetime,
    want: list[tuple[str, timedelta, timedelta | None]],
) -> None:
    got = verdicts(
        kind=kind,
        start=kst(1, 10),
        first_response_at=first,
        eta_at=eta,
        due_end=due,
        resolved_at=resolved,
        cal=CAL,
        policy=POLICY,
    )
    assert [(v.obligation, v.took, v.late) for v in got] == want
