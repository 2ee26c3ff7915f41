"""Nudge planning rules as tables: which reminders exist, for whom, and when."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import parse_duration
from bot.domain.inquiry import Kind
from bot.domain.nudges import Facts, NudgePolicy, next_repeat, obligations, plan, snooze_until
from bot.domain.sla import SlaPolicy
from bot.holidays_kr import kr_holidays

KST = ZoneInfo("Asia/Seoul")
CAL = BusinessCalendar(tz=KST, holidays=kr_holidays([2025, 2026, 2027]))
SLA = SlaPolicy.from_texts(
    voc_review="1bd",
    support_first_response="15bm",
    support_eta="1bh",
    request_review="3bd",
    long_request="30d",
    approaching=0.75,
)
POLICY = NudgePolicy(
    sla=SLA,
    regulatory_warnings=tuple(parse_duration(d) for d in ("30d", "7d", "1d")),
    overdue_repeat=parse_duration("1bd"),
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
        # support at 10:00: 15bm → 10:15; 75% mark = 11 minutes → 10:11
        (
            Kind.SUPPORT,
            "2026-12-01T10:00",
            {
                "first_response:20261201T011500:approaching": "12-01 10:11",
                "first_response:20261201T011500:deadline": "12-01 10:15",
                "first_response:20261201T011500:escalation": "12-01 10:15",
                "eta_required:20261201T020000:approaching": "12-01 10:45",
                "eta_required:20261201T020000:deadline": "12-01 11:00",
                "eta_required:20261201T020000:escalation": "12-01 11:00",
            },
        ),
        # Friday 17:55 support: deadline Monday 09:10; approaching (11 bm) Monday 09:06
        (
            Kind.SUPPORT,
            "2026-12-04T17:55",
            {
                "first_response:20261207T001000:approaching": "12-07 09:06",
                "first_response:20261207T001000:deadline": "12-07 09:10",
                "first_response:20261207T001000:escalation": "12-07 09:10",
                "eta_required:20261207T005500:approaching": "12-07 09:40",
                "eta_required:20261207T005500:deadline": "12-07 09:55",
                "eta_required:20261207T005500:escalation": "12-07 09:55",
            },
        ),
        # voc before lunch: 1bd (480 bm) → next day 11:50; 75% = 360 bm → next day 09:50
        (
            Kind.VOC,
            "2026-12-01T11:50",
            {
                "review:20261202T025000:approaching": "12-02 09:50",
                "review:20261202T025000:deadline": "12-02 11:50",
                "review:20261202T025000:escalation": "12-02 11:50",
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


def test_regulatory_warnings_skip_marks_before_start() -> None:
    f = facts(Kind.REGULATORY, "2026-12-01T10:00", due_end=at("2026-12-20T18:00"))
    kinds = sorted((p.kind, p.key.rsplit(":", 1)[-1]) for p in plan(1, f, CAL, POLICY))
    assert kinds == [
        ("deadline", "deadline"),
        ("escalation", "escalation"),
        ("warning", "1d"),
        ("warning", "7d"),
    ]


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
    ("due", "expected"),
    [
        ("2026-12-04T17:00", "2026-12-07T17:00"),  # Friday + 1bd → Monday
        ("2026-12-31T18:00", "2027-01-05T09:00"),  # year end: Jan 1 holiday, weekend; 18:00 waits
        ("2026-02-13T10:00", "2026-02-19T10:00"),  # Seollal 16-18 skipped
    ],
)
def test_overdue_repeat_once_per_business_day(due: str, expected: str) -> None:
    assert next_repeat(at(due), CAL, parse_duration("1bd")).astimezone(KST) == at(expected)


def test_snooze_counts_business_minutes() -> None:
    assert snooze_until(at("2026-12-04T17:45"), 30, CAL).astimezone(KST) == at("2026-12-07T09:15")
    assert snooze_until(at("2026-12-01T11:45"), 60, CAL).astimezone(KST) == at("2026-12-01T13:45")
