"""Nudge planning rules as tables: which reminders exist, for whom, and when."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from support.charter import SLA_POLICY as SLA

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import parse_duration
from bot.domain.inquiry import Kind
from bot.domain.nudges import (
    Facts,
    Fired,
    NudgePolicy,
    channel_snoozers,
    next_repeat,
    obligations,
    plan,
    select_nudges,
    snooze_until,
)
from bot.holidays_kr import kr_holidays

KST = ZoneInfo("Asia/Seoul")
CAL = BusinessCalendar(tz=KST, holidays=kr_holidays([2025, 2026, 2027]))
POLICY = NudgePolicy(
    sla=SLA,
    regulatory_warnings=tuple(parse_duration(d) for d in ("30d", "7d", "1d")),
    overdue_repeat=parse_duration("1bd"),
    escalation_grace=parse_duration("30bm"),
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=KST)


def facts(kind: Kind, start: str, **kw: object) -> Facts:
    base: dict[str, object] = {
        "kind": kind,
        "is_open": True,
        "on_hold": False,
        "sla_start": at(start),
        "due_end": None,
        "first_response_at": None,
        "eta_at": None,
        "eta_set_at": None,
    }
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


def times(f: Facts) -> dict[str, str]:
    return {
        p.key.split(":", 2)[2]: p.due_at.astimezone(KST).strftime("%m-%d %H:%M")
        for p in plan(7, f, CAL, POLICY)
    }


@pytest.mark.parametrize(
    ("kind", "start", "expected"),
    [
        # support at 10:00: 15bm → 10:15; 75% mark = 11 minutes → 10:11; the manager hears
        # 30bm after the deadline, not in the same minute as the assignee
        (
            Kind.SUPPORT,
            "2026-12-01T10:00",
            {
                "first_response:20261201T011500:approaching": "12-01 10:11",
                "first_response:20261201T011500:deadline": "12-01 10:15",
                "first_response:20261201T011500:escalation": "12-01 10:45",
                "eta_required:20261201T020000:approaching": "12-01 10:45",
                "eta_required:20261201T020000:deadline": "12-01 11:00",
                "eta_required:20261201T020000:escalation": "12-01 11:30",
            },
        ),
        # Friday 17:55 support: deadline Monday 09:10; approaching (11 bm) Monday 09:06
        (
            Kind.SUPPORT,
            "2026-12-04T17:55",
            {
                "first_response:20261207T001000:approaching": "12-07 09:06",
                "first_response:20261207T001000:deadline": "12-07 09:10",
                "first_response:20261207T001000:escalation": "12-07 09:40",
                "eta_required:20261207T005500:approaching": "12-07 09:40",
                "eta_required:20261207T005500:deadline": "12-07 09:55",
                "eta_required:20261207T005500:escalation": "12-07 10:25",
            },
        ),
        # Friday 17:30: the deadline 17:45 is kept on Friday, the grace runs on Monday
        (
            Kind.SUPPORT,
            "2026-12-04T17:30",
            {
                "first_response:20261204T084500:approaching": "12-04 17:41",
                "first_response:20261204T084500:deadline": "12-04 17:45",
                "first_response:20261204T084500:escalation": "12-07 09:15",
                "eta_required:20261207T003000:approaching": "12-07 09:15",
                "eta_required:20261207T003000:deadline": "12-07 09:30",
                "eta_required:20261207T003000:escalation": "12-07 10:00",
            },
        ),
        # lunch: 11:30 + 15bm → 11:45; the grace skips lunch (11:45 + 30bm → 13:15)
        (
            Kind.SUPPORT,
            "2026-12-01T11:50",
            {
                "first_response:20261201T040500:approaching": "12-01 13:01",
                "first_response:20261201T040500:deadline": "12-01 13:05",
                "first_response:20261201T040500:escalation": "12-01 13:35",
                "eta_required:20261201T045000:approaching": "12-01 13:35",
                "eta_required:20261201T045000:deadline": "12-01 13:50",
                "eta_required:20261201T045000:escalation": "12-01 14:20",
            },
        ),
        # Seollal (16-18 Feb 2026): Friday 13 Feb 17:55 → Thursday 19 Feb 09:10
        (
            Kind.SUPPORT,
            "2026-02-13T17:55",
            {
                "first_response:20260219T001000:approaching": "02-19 09:06",
                "first_response:20260219T001000:deadline": "02-19 09:10",
                "first_response:20260219T001000:escalation": "02-19 09:40",
                "eta_required:20260219T005500:approaching": "02-19 09:40",
                "eta_required:20260219T005500:deadline": "02-19 09:55",
                "eta_required:20260219T005500:escalation": "02-19 10:25",
            },
        ),
        # voc before lunch: 1bd (480 bm) → next day 11:50; 75% = 360 bm → next day 09:50
        (
            Kind.VOC,
            "2026-12-01T11:50",
            {
                "review:20261202T025000:approaching": "12-02 09:50",
                "review:20261202T025000:deadline": "12-02 11:50",
                "review:20261202T025000:escalation": "12-02 13:20",
            },
        ),
    ],
)
def test_plan_times(kind: Kind, start: str, expected: dict[str, str]) -> None:
    assert times(facts(kind, start)) == expected


def test_deadline_at_close_of_business_waits_for_next_morning() -> None:
    # request 3bd from Wednesday 18:00 (closed) → Monday 18:00; deadline nudge held to Tuesday 09:00
    planned = {p.kind: p for p in plan(1, facts(Kind.REQUEST, "2026-12-02T18:00"), CAL, POLICY)}
    assert planned["deadline"].deadline_at.astimezone(KST) == at("2026-12-07T18:00")
    assert planned["deadline"].due_at.astimezone(KST) == at("2026-12-08T09:00")
    assert planned["escalation"].due_at.astimezone(KST) == at("2026-12-08T09:30")


@pytest.mark.parametrize(
    ("change", "escalation"),
    [
        ({}, "12-01 10:45"),  # an assignee at work: after the 30bm grace
        ({"assignee_present": False}, "12-01 10:15"),  # none, or absent: at the deadline
    ],
)
def test_escalation_grace_needs_a_present_assignee(
    change: dict[str, object], escalation: str
) -> None:
    got = times(facts(Kind.SUPPORT, "2026-12-01T10:00", **change))
    assert got["first_response:20261201T011500:escalation"] == escalation
    assert got["first_response:20261201T011500:deadline"] == "12-01 10:15"


def test_escalation_key_does_not_move_with_the_assignee() -> None:
    # assigning later moves the pending escalation (same key) instead of adding another one
    keys = {p.key for p in plan(1, facts(Kind.VOC, "2026-12-01T10:00"), CAL, POLICY)}
    absent = facts(Kind.VOC, "2026-12-01T10:00", assignee_present=False)
    assert keys == {p.key for p in plan(1, absent, CAL, POLICY)}


@pytest.mark.parametrize(
    ("eta_at", "expected"),
    [
        # ETA on Sunday 10:00 set on Saturday: no business time left before it; the
        # "approaching" nudge would wait for Monday 09:00, after the deadline: not planned
        ("2026-12-06T10:00", ["deadline", "escalation"]),
        # ETA Friday 20:00 set at 17:50: approaching 17:57 (still before the deadline)
        ("2026-12-04T20:00", ["approaching", "deadline", "escalation"]),
    ],
)
def test_superseded_approaching_is_not_planned(eta_at: str, expected: list[str]) -> None:
    set_at = at("2026-12-05T11:00") if eta_at.startswith("2026-12-06") else at("2026-12-04T17:50")
    f = facts(
        Kind.REQUEST,
        "2026-12-01T10:00",
        first_response_at=at("2026-12-01T10:05"),
        eta_at=at(eta_at),
        eta_set_at=set_at,
    )
    assert sorted(p.kind for p in plan(1, f, CAL, POLICY) if p.obligation == "resolution") == (
        expected
    )


def test_regulatory_warnings_skip_marks_before_start() -> None:
    f = facts(Kind.REGULATORY, "2026-12-01T10:00", due_end=at("2026-12-20T18:00"))
    kinds = sorted((p.kind, p.key.rsplit(":", 1)[-1]) for p in plan(1, f, CAL, POLICY))
    assert kinds == [
        ("deadline", "deadline"),
        ("escalation", "escalation"),
        ("warning", "1d"),
        ("warning", "7d"),
    ]


def test_business_warning_at_the_deadline_is_superseded() -> None:
    # a warning written in business time falls on the due moment itself: the deadline wins
    policy = NudgePolicy(
        sla=SLA,
        regulatory_warnings=(parse_duration("1bd"), parse_duration("7d")),
        overdue_repeat=parse_duration("1bd"),
    )
    f = facts(Kind.REGULATORY, "2026-12-01T10:00", due_end=at("2026-12-20T18:00"))
    assert sorted(p.kind for p in plan(1, f, CAL, policy)) == ["deadline", "escalation", "warning"]


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({}, ["first_response", "eta_required"]),
        ({"first_response_at": at("2026-12-01T10:05")}, ["eta_required"]),
        (
            {"first_response_at": at("2026-12-01T10:05"), "eta_at": at("2026-12-03T10:00")},
            ["resolution"],
        ),
        ({"on_hold": True}, []),
        ({"is_open": False}, []),
    ],
)
def test_met_obligations_have_no_reminders(change: dict[str, object], names: list[str]) -> None:
    f = facts(Kind.SUPPORT, "2026-12-01T10:00", **change)
    assert [o.name for o in obligations(f, CAL, SLA) if not o.met] == names


def test_milestone_met_by_progress_after_it_was_planned() -> None:
    planned_at = at("2026-12-01T10:00")
    f = facts(
        Kind.REQUEST,
        "2026-12-01T09:00",
        first_response_at=planned_at,
        milestones=((planned_at, date(2026, 12, 10)),),
        progress_at=(at("2026-12-05T10:00"),),
    )
    assert [(o.name, o.met) for o in obligations(f, CAL, SLA)] == [
        ("review", True),
        ("milestone:2026-12-10", True),
    ]
    f2 = facts(
        Kind.REQUEST,
        "2026-12-01T09:00",
        first_response_at=planned_at,
        milestones=((planned_at, date(2026, 12, 10)),),
        progress_at=(at("2026-11-30T10:00"),),
    )
    assert obligations(f2, CAL, SLA)[-1].met is False


@pytest.mark.parametrize(
    ("last", "every", "expected"),
    [
        # whole business days: the opening of the next business day, whatever the hour of
        # the last nudge, so every overdue inquiry of a person repeats in one morning message
        ("2026-12-04T17:00", "1bd", "2026-12-07T09:00"),  # Friday → Monday
        ("2026-12-01T10:45", "1bd", "2026-12-02T09:00"),
        ("2026-12-01T15:20", "1bd", "2026-12-02T09:00"),  # same point as the 10:45 one
        ("2026-12-01T10:45", "2bd", "2026-12-03T09:00"),
        ("2026-12-31T18:00", "1bd", "2027-01-04T09:00"),  # Jan 1 holiday, then the weekend
        ("2026-02-13T10:00", "1bd", "2026-02-19T09:00"),  # Seollal 16-18 skipped
        ("2026-12-05T11:00", "1bd", "2026-12-07T09:00"),  # sent on a Saturday (wall-clock due)
        # business hours: points every 2bh from the opening (09:00, 11:00, 14:00, 16:00)
        ("2026-12-01T09:30", "2bh", "2026-12-01T14:00"),
        ("2026-12-01T11:00", "2bh", "2026-12-01T14:00"),
        ("2026-12-01T16:10", "2bh", "2026-12-02T11:00"),  # 2bh later is 10:10 next day
        # wall clock: a grid from local midnight, at least one interval later
        ("2026-12-01T10:29", "30m", "2026-12-01T11:00"),
        ("2026-12-01T10:30", "30m", "2026-12-01T11:00"),
        ("2026-12-01T10:31", "30m", "2026-12-01T11:30"),
        ("2026-12-04T17:50", "30m", "2026-12-07T09:00"),  # lands after closing: next opening
    ],
)
def test_overdue_repeat_points(last: str, every: str, expected: str) -> None:
    assert next_repeat(at(last), CAL, parse_duration(every)).astimezone(KST) == at(expected)


def test_overdue_repeat_when_always_open() -> None:
    cal = BusinessCalendar(tz=KST, always_open=True)
    got = next_repeat(at("2026-12-05T15:00"), cal, parse_duration("1bd"))
    assert got.astimezone(KST) == at("2026-12-07T00:00")
    got = next_repeat(at("2026-12-05T15:10"), cal, parse_duration("30m"))
    assert got.astimezone(KST) == at("2026-12-05T16:00")


DEADLINE = at("2026-12-01T10:15")


def fired(
    rid: int, kind: str, *, ob: str = "first_response", aud: str = "assignee", snooze: bool = False
) -> Fired:
    return Fired(rid, 1, ob, kind, aud, DEADLINE, snooze)


@pytest.mark.parametrize(
    ("now", "items", "snoozed", "expected"),
    [
        # before the deadline the approaching nudge is shown
        ("10:11", [fired(1, "approaching")], [], [(1, "approaching")]),
        # it fires after the deadline (waited for business hours): dropped, never sent late
        ("10:20", [fired(1, "approaching")], [], []),
        # both due in one sweep: only the most advanced state of the obligation
        ("10:20", [fired(1, "approaching"), fired(2, "deadline")], [], [(2, "deadline")]),
        ("10:14", [fired(1, "warning"), fired(2, "approaching")], [], [(2, "approaching")]),
        # a snooze that wakes after the deadline carries the overdue state, not "approaching"
        ("10:41", [fired(3, "approaching", snooze=True)], [], [(3, "deadline")]),
        (
            "10:41",
            [fired(3, "approaching", snooze=True), fired(2, "deadline")],
            [],
            [(3, "deadline")],
        ),
        # a snooze still waiting holds back the deadline nudge of that obligation ...
        ("10:15", [fired(2, "deadline")], [(1, "first_response", "assignee")], []),
        # ... but not other obligations, nor the manager's escalation
        (
            "10:45",
            [fired(2, "deadline", ob="eta_required"), fired(4, "escalation", aud="manager")],
            [(1, "first_response", "assignee")],
            [(2, "deadline"), (4, "escalation")],
        ),
        # different obligations of one inquiry are kept apart (the message joins them)
        (
            "10:20",
            [fired(2, "deadline"), fired(5, "approaching", ob="eta_required")],
            [],
            [(2, "deadline")],
        ),
    ],
)
def test_select_nudges(
    now: str,
    items: list[Fired],
    snoozed: list[tuple[int, str, str]],
    expected: list[tuple[int, str]],
) -> None:
    shown = select_nudges(items, at(f"2026-12-01T{now}"), frozenset(snoozed))
    assert [(s.fired.id, s.stage) for s in shown] == expected


TEAMS = [("UM1", ["UA", "UB"]), ("UM2", ["UC"])]


@pytest.mark.parametrize(
    ("assignee", "expected"),
    [
        ("UA", {"UA", "UB", "UM1"}),
        ("UC", {"UC", "UM2"}),
        ("UM2", {"UC", "UM2"}),
        (None, {"UA", "UB", "UC", "UM1", "UM2"}),  # unassigned: anyone who could take it
        ("UX", {"UX"}),  # assignee outside every team
    ],
)
def test_channel_snoozers(assignee: str | None, expected: set[str]) -> None:
    assert channel_snoozers(assignee, TEAMS) == expected


def test_snooze_counts_business_minutes() -> None:
    assert snooze_until(at("2026-12-04T17:45"), 30, CAL).astimezone(KST) == at("2026-12-07T09:15")
    assert snooze_until(at("2026-12-01T11:45"), 60, CAL).astimezone(KST) == at("2026-12-01T13:45")


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # D-7 of Fri 2026-12-18 is Fri 12-11 (a business day): as planned, 18:00
        ("2026-12-18T18:00", {"1d": "12-17 18:00", "7d": "12-11 18:00", "30d": "11-18 18:00"}),
        # D-1 of Mon 2026-12-07 is Sunday: the business day before (Friday) at opening
        ("2026-12-07T18:00", {"1d": "12-04 09:00", "7d": "11-30 18:00"}),
        # D-1 of Mon 2026-09-28 is Sunday; Fri 09-25 is 추석 and Thu 09-24 its eve: Wed 09-23
        ("2026-09-28T18:00", {"1d": "09-23 09:00", "7d": "09-21 18:00"}),
        # D-30 of 2026-03-31 is Sun 03-01 (삼일절): Fri 02-27 at opening
        ("2026-03-31T18:00", {"1d": "03-30 18:00", "7d": "03-24 18:00", "30d": "02-27 09:00"}),
        # D-7 of Mon 2026-10-12 is Mon 10-05 (substitute day): Fri 10-02 at opening; D-1 is
        # Sunday and Fri 10-09 is 한글날: Thu 10-08
        ("2026-10-12T18:00", {"1d": "10-08 09:00", "7d": "10-02 09:00"}),
    ],
)
def test_regulatory_warnings_come_on_business_days(due: str, expected: dict[str, str]) -> None:
    f = facts(Kind.REGULATORY, "2026-01-05T10:00", due_end=at(due))
    found = {
        p.key.rsplit(":", 1)[-1]: p.due_at.astimezone(KST).strftime("%m-%d %H:%M")
        for p in plan(1, f, CAL, POLICY)
        if p.kind == "warning"
    }
    for mark, when in expected.items():
        assert found[mark] == when, mark
