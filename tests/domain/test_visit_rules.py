"""The desk's pure rules as tables: ID numbers, the status machine, room overlaps, reminder
and ladder times, and the command grammar with its Korean aliases."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import BusinessCalendar
from bot.domain.commands import UsageError
from bot.domain.visit_commands import parse_ref, parse_visit_command
from bot.domain.visits import (
    IdNumber,
    IdType,
    Slot,
    day_before_at,
    first_conflict,
    host_ladder,
    host_reminders,
    id_number_in,
    id_type,
    ladder_start,
    may_step,
    minutes_late,
    overlaps,
    room_state,
)
from bot.holidays_kr import kr_holidays

KST = ZoneInfo("Asia/Seoul")
CAL = BusinessCalendar(KST, holidays=kr_holidays(range(2025, 2029)))
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("900101-1234567", IdNumber.RESIDENT),
        ("9001011234567", IdNumber.RESIDENT),
        ("주민번호 900101 - 2234567".replace(" - ", "-"), IdNumber.RESIDENT),
        ("０９０１０１－３２３４５６７", IdNumber.RESIDENT),  # full-width digits and hyphen
        ("M12345678", IdNumber.PASSPORT),
        ("passport m123a4567", IdNumber.PASSPORT),
        ("11-12-345678-90", IdNumber.LICENCE),
        ("서울 12-345678-90", IdNumber.LICENCE),
        ("111234567890", IdNumber.LICENCE),
        ("010-1234-5678", None),  # a phone number
        ("01012345678", None),
        ("2026-12-03 14:00", None),
        ("badge 17 slot 4", None),
        ("API 연동 협의", None),
        ("991399-1234567", None),  # month 13: no date, no resident number
        ("", None),
    ],
)
def test_id_numbers(text: str, found: IdNumber | None) -> None:
    assert id_number_in(text) == found


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("여권", IdType.PASSPORT),
        ("passport", IdType.PASSPORT),
        ("주민등록증", IdType.RESIDENT_CARD),
        ("운전면허증", IdType.DRIVER_LICENSE),
        ("Driver_License", IdType.DRIVER_LICENSE),
        ("기타", IdType.OTHER),
        ("M12345678", None),
    ],
)
def test_id_types(word: str, kind: IdType | None) -> None:
    assert id_type(word) == kind


@pytest.mark.parametrize(
    ("status", "step", "allowed"),
    [
        ("expected", "arrive", True),
        ("arrived", "arrive", False),  # double arrival
        ("expected", "seat", True),
        ("arrived", "seat", True),
        ("seated", "seat", True),  # moved rooms
        ("left", "seat", False),
        ("expected", "meet", False),
        ("seated", "meet", True),
        ("met", "leave", True),
        ("expected", "leave", False),
        ("expected", "cancel", True),
        ("arrived", "cancel", False),
        ("expected", "no_show", True),
        ("cancelled", "arrive", False),
    ],
)
def test_status_machine(status: str, step: str, allowed: bool) -> None:
    assert may_step(status, step) is allowed


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=KST)


@pytest.mark.parametrize(
    ("a", "b", "clash"),
    [
        ((at(14), at(15)), (at(14, 30), at(15, 30)), True),
        ((at(14), at(15)), (at(15), at(16)), False),  # touching ends
        ((at(14), at(15)), (at(13), at(14)), False),
        ((at(14), at(15)), (at(13), at(16)), True),
        ((at(14), at(15)), (at(14, 10), at(14, 20)), True),
    ],
)
def test_overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime], clash: bool) -> None:
    assert overlaps(*a, *b) is clash


def test_first_conflict_names_the_earliest() -> None:
    slots = [Slot(at(15), at(16), "R2"), Slot(at(14), at(15), "V1")]
    assert first_conflict(slots, at(14, 30), at(15, 30)) == slots[1]
    assert first_conflict(slots, at(16), at(17)) is None


@pytest.mark.parametrize(
    ("visit", "reminder"),
    [
        (date(2026, 12, 3), date(2026, 12, 2)),  # Thursday → Wednesday
        (date(2026, 12, 7), date(2026, 12, 4)),  # Monday → Friday
        (date(2026, 12, 28), date(2026, 12, 24)),  # Monday after Christmas (Fri) → Thursday
        (date(2027, 2, 10), date(2027, 2, 5)),  # after the lunar new year holidays
    ],
)
def test_day_before_reminder_on_the_business_calendar(visit: date, reminder: date) -> None:
    assert day_before_at(visit, time(17, 0), CAL) == datetime.combine(reminder, time(17), KST)


def test_host_reminders_and_ladder() -> None:
    visit = at(14, day=3)
    plan = host_reminders(visit, before=timedelta(minutes=30), reminder_time=time(17), cal=CAL)
    assert plan == [("day_before", at(17, day=2)), ("before", at(13, 30, day=3))]
    start = ladder_start(visit, at(13, 50, day=3))
    assert start == visit  # seated early: the host is due at the visit time
    assert ladder_start(visit, at(14, 10, day=3)) == at(14, 10, day=3)
    assert host_ladder(start, timedelta(minutes=5)) == [
        ("nudge", at(14, 5, day=3)),
        ("escalate", at(14, 10, day=3)),
    ]
    assert minutes_late(visit, at(14, 7, day=3)) == 7
    assert minutes_late(visit, at(13, 50, day=3)) == 0


@pytest.mark.parametrize(
    ("kwargs", "state"),
    [
        ({"booked_now": False, "occupied_by": None, "host_in_room": False}, ("free", 0)),
        ({"booked_now": True, "occupied_by": None, "host_in_room": False}, ("booked", 0)),
        ({"booked_now": True, "occupied_by": 3, "host_in_room": True}, ("occupied", 0)),
        ({"booked_now": True, "occupied_by": 3, "host_in_room": False}, ("waiting", 7)),
    ],
)
def test_room_state(kwargs: dict[str, object], state: tuple[str, int]) -> None:
    assert room_state(**kwargs, waiting_since=at(14), now=at(14, 7)) == state  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("command", "text", "action", "check"),
    [
        ("visitor", "", "form", {}),
        ("visitor", "오늘", "list", {"day": TODAY}),
        ("visitor", "목록 내일", "list", {"day": date(2026, 12, 2)}),
        (
            "visitor",
            '등록 홍길동 회사:미래 담당:<@USTAFF1> 시각:12월 3일 오후 2시 접견실:"접견실 1" 인원:2',
            "register",
            {"words": "홍길동", "host": "USTAFF1", "day": date(2026, 12, 3), "at": time(14)},
        ),
        (
            "visitor",
            "register Kim company: Mirae host: <@USTAFF1> at: 2026-12-03 14:00",
            "register",
            {"words": "Kim", "day": date(2026, 12, 3), "at": time(14)},
        ),
        (
            "visitor",
            "도착 V3 출입증:17 신분증:여권 보관함:4",
            "arrived",
            {"ref": 3, "id_type": IdType.PASSPORT},
        ),
        ("visitor", "arrived v3 badge：17", "arrived", {"ref": 3}),
        ("visitor", '착석 3번 접견실:"접견실 2"', "seated", {"ref": 3}),
        ("visitor", "현장방문객 김철수 담당:<@USTAFF2>", "walkin", {"host": "USTAFF2"}),
        ("visitor", "퇴실 V3", "left", {"ref": 3}),
        ("visitor", "반납 V3 출입증", "returned", {"ref": 3, "words": "출입증"}),
        ("visitor", "취소 V3 일정 변경", "cancel", {"ref": 3, "words": "일정 변경"}),
        ("visitor", "입실 V3", "met", {"ref": 3}),
        ("room", "", "today", {"day": TODAY}),
        (
            "room",
            '예약 "접견실 1" 2026-12-03 14:00-15:00 주간 회의',
            "book",
            {"words": "접견실 1", "at": time(14), "until": time(15)},
        ),
        ("room", "해제 R2", "release", {"ref": 2}),
        (
            "fieldvisit",
            '계획 미래에셋증권 시각:2026-12-04 10:00 목적:"장애 원인 설명" 동행:<@USTAFF2> 문의:#12',
            "plan",
            {"words": "미래에셋증권", "people": ("USTAFF2",), "at": time(10)},
        ),
        ("fieldvisit", "보고 F1 결과:설명 완료 후속:패치", "report", {"ref": 1}),
        ("fieldvisit", "목록", "list", {}),
    ],
)
def test_grammar_with_korean_aliases(
    command: str, text: str, action: str, check: dict[str, object]
) -> None:
    cmd = parse_visit_command(command, text, TODAY)
    assert cmd.action == action
    for name, value in check.items():
        assert getattr(cmd, name) == value, name


@pytest.mark.parametrize(
    ("command", "text", "key"),
    [
        ("visitor", "register 홍길동", "visit.error.missing_time"),
        ("visitor", "register at:2026-12-03 14:00", "visit.error.missing_name"),
        ("visitor", "arrived", "visit.error.missing_ref"),
        ("visitor", "arrived F3", "visit.error.bad_ref"),
        ("visitor", "arrived V3 colour:red", "visit.error.unknown_key"),
        ("visitor", "arrived V3 id:M12345678", "visit.error.bad_id_type"),
        ("visitor", "dance", "visit.error.unknown_subcommand"),
        ("room", 'book "접견실 1" 내일', "visit.error.missing_time"),
        ("fieldvisit", "plan 미래 with:bob at:2026-12-04 10:00", "visit.error.bad_host"),
        ("fieldvisit", "plan 미래 at:2026-12-04 10:00 inquiry:V12", "inquiry.error.bad_ref"),
        ("room", "release foo", "visit.error.bad_ref"),
    ],
)
def test_grammar_refusals(command: str, text: str, key: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_visit_command(command, text, TODAY)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("command", "text", "example"),
    [
        ("visitor", "arrived", "V3"),
        ("visitor", "left X1", "V3"),
        ("fieldvisit", "report", "F3"),
        ("fieldvisit", "show V1", "F3"),
        ("room", "release", "R3"),
        ("room", "해제 접견실", "R3"),
    ],
)
def test_a_missing_or_bad_number_is_shown_as_the_command_writes_it(
    command: str, text: str, example: str
) -> None:
    with pytest.raises(UsageError) as err:
        parse_visit_command(command, text, TODAY)
    assert err.value.params["example"] == example


@pytest.mark.parametrize(("token", "number"), [("#12", 12), ("12", 12), ("12번", 12)])
def test_a_field_visit_names_its_inquiry_by_the_inquiry_number(token: str, number: int) -> None:
    cmd = parse_visit_command("fieldvisit", f"plan 미래 at:2026-12-04 10:00 inquiry:{token}", TODAY)
    assert cmd.options["inquiry"] == str(number)


@pytest.mark.parametrize(
    ("token", "command", "number"),
    [
        ("V3", "visitor", 3),
        ("v3", "visitor", 3),
        ("3", "visitor", 3),
        ("3번", "visitor", 3),
        ("F1", "fieldvisit", 1),
        ("V1", "fieldvisit", None),
        ("R2", "room", 2),
        ("x", "room", None),
    ],
)
def test_refs(token: str, command: str, number: int | None) -> None:
    assert parse_ref(token, command) == number
