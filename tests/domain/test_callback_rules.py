"""Callback rules as tables: rung times, the ladder's start outside hours, phone numbers and
their masks, callback references, the `/callback` and `/away` grammars (Korean and English)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import BusinessCalendar
from bot.domain.callback_commands import parse_away_command, parse_callback_command
from bot.domain.callbacks import (
    ESCALATE,
    MANAGER,
    TEAM,
    Ladder,
    ladder_start,
    mask_phone,
    normalize_phone,
    parse_callback_ref,
    rung_times,
    within_sla,
)
from bot.domain.commands import UsageError, parse_inquiry_command

KST = ZoneInfo("Asia/Seoul")
LADDER = Ladder(
    owner_wait=timedelta(minutes=2),
    team_wait=timedelta(minutes=4),
    total=timedelta(minutes=5),
    claim_timeout=timedelta(minutes=10),
)
CAL = BusinessCalendar(tz=KST)
TODAY = date(2026, 11, 30)  # a Monday


def test_rung_times() -> None:
    start = datetime(2026, 12, 1, 10, 0, tzinfo=KST)
    assert rung_times(start, LADDER) == {
        TEAM: datetime(2026, 12, 1, 10, 2, tzinfo=KST),
        MANAGER: datetime(2026, 12, 1, 10, 4, tzinfo=KST),
        ESCALATE: datetime(2026, 12, 1, 10, 5, tzinfo=KST),
    }


@pytest.mark.parametrize(
    ("waits", "problems"),
    [
        ((2, 4, 5, 10), []),
        ((4, 4, 5, 10), ["owner_wait must be shorter than team_wait"]),
        ((2, 5, 5, 10), ["team_wait must be shorter than sla.callback"]),
        ((2, 4, 5, 0), ["claim_timeout must be longer than zero"]),
    ],
)
def test_ladder_problems(waits: tuple[int, int, int, int], problems: list[str]) -> None:
    owner, team, total, claim = (timedelta(minutes=m) for m in waits)
    assert Ladder(owner, team, total, claim).problems() == problems


@pytest.mark.parametrize(
    ("logged", "urgent", "start"),
    [
        (datetime(2026, 12, 1, 10, 0), False, datetime(2026, 12, 1, 10, 0)),  # open: at once
        (datetime(2026, 12, 1, 20, 0), False, datetime(2026, 12, 2, 9, 0)),  # evening
        (datetime(2026, 12, 1, 20, 0), True, datetime(2026, 12, 1, 20, 0)),  # urgent
        (datetime(2026, 12, 1, 12, 30), False, datetime(2026, 12, 1, 13, 0)),  # lunch
        (datetime(2026, 12, 4, 18, 30), False, datetime(2026, 12, 7, 9, 0)),  # Friday night
        (datetime(2026, 12, 1, 17, 59), False, datetime(2026, 12, 1, 17, 59)),  # before close
    ],
)
def test_ladder_start(logged: datetime, urgent: bool, start: datetime) -> None:
    at = logged.replace(tzinfo=KST)
    assert ladder_start(at, CAL, urgent=urgent) == start.replace(tzinfo=KST)


def test_within_sla() -> None:
    logged = datetime(2026, 12, 1, 10, 0, tzinfo=KST)
    assert within_sla(logged, logged + timedelta(minutes=5), LADDER.total)
    assert not within_sla(logged, logged + timedelta(minutes=5, seconds=1), LADDER.total)
    assert not within_sla(logged, None, LADDER.total)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("02-1234-5678", "02-1234-5678"),
        ("0212345678", "02-1234-5678"),
        ("02 123 4567", "02-123-4567"),
        ("010-1234-5678", "010-1234-5678"),
        ("01012345678", "010-1234-5678"),
        ("031-123-4567", "031-123-4567"),
        ("+82 10 1234 5678", "010-1234-5678"),
        ("+82-2-1234-5678", "02-1234-5678"),
        ("(02) 1234-5678", "02-1234-5678"),
        ("1588-1234", "1588-1234"),
        ("+1 415 555 0100", "+14155550100"),
        ("1234", None),
        ("abc-defg", None),
        ("900101-1234567", None),  # a resident registration number is never stored
        ("02-1234-56789012", None),
        ("", None),
    ],
)
def test_normalize_phone(typed: str, stored: str | None) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("02-1234-5678", "02-****-5678"),
        ("010-123-4567", "010-***-4567"),
        ("1588-1234", "*****1234"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("token", "number"),
    [("CB3", 3), ("cb3", 3), ("3", 3), ("#3", 3), ("3번", 3), ("CB", None), ("V3", None)],
)
def test_parse_callback_ref(token: str, number: int | None) -> None:
    assert parse_callback_ref(token) == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '<@U0MINJI> 홍길동 company:"미래에셋증권" phone:02-1234-5678 topic:"체결 통보 누락" inquiry:#12',
            (
                "new",
                "U0MINJI",
                "홍길동",
                "미래에셋증권",
                "02-1234-5678",
                "체결 통보 누락",
                12,
                False,
            ),
        ),
        (
            "<@U0MINJI> 홍길동 회사: 미래에셋증권 전화: 010 1234 5678 주제: 체결 통보 누락 문의: 12번 긴급",
            (
                "new",
                "U0MINJI",
                "홍길동",
                "미래에셋증권",
                "010-1234-5678",
                "체결 통보 누락",
                12,
                True,
            ),
        ),
        (
            "<@U0MINJI> 홍길동 전화：02-1234-5678 용건 : 잔고 확인 urgent",
            ("new", "U0MINJI", "홍길동", "", "02-1234-5678", "잔고 확인 urgent", None, False),
        ),
        (
            "긴급 <@U0MINJI> 김철수 전화: 02-1234-5678",
            ("new", "U0MINJI", "김철수", "", "02-1234-5678", "", None, True),
        ),
        # the one grammar's option reader (option_at): an emoji shortcode is never a key
        (
            "<@U0MINJI> 김철수 전화: 02-1234-5678 주제: 감사:smile: 인사",
            ("new", "U0MINJI", "김철수", "", "02-1234-5678", "감사:smile: 인사", None, False),
        ),
        (
            "<@U0MINJI> 김철수 회사 ：미래에셋 전화 : 02-1234-5678",
            (
                "new",
                "U0MINJI",
                "김철수",
                "미래에셋",
                "02-1234-5678",
                "",
                None,
                False,
            ),
        ),
    ],
)
def test_parse_new_callback(text: str, expected: tuple[object, ...]) -> None:
    cmd = parse_callback_command(text)
    got = (
        cmd.action,
        cmd.owner,
        cmd.caller,
        cmd.company,
        cmd.phone,
        cmd.topic,
        cmd.inquiry,
        cmd.urgent,
    )
    assert got == expected


@pytest.mark.parametrize(
    ("text", "action", "number", "owner", "note"),
    [
        ("", "form", None, None, ""),
        ("help", "help", None, None, ""),
        ("도움말", "help", None, None, ""),
        ("list", "list", None, None, ""),
        ("목록 내것", "list", None, None, ""),
        ("show CB3", "show", 3, None, ""),
        ("보기 3번", "show", 3, None, ""),
        ("claim cb3", "claim", 3, None, ""),
        ("제가 걸게요 CB3", "claim", 3, None, ""),
        ("done CB3 고객 확인함", "done", 3, None, "고객 확인함"),
        ("통화 완료 3", "done", 3, None, ""),
        ("pass CB3", "pass", 3, None, ""),
        ("못 해요 CB3 <@U0ALEX> 회의 중", "pass", 3, "U0ALEX", "회의 중"),
    ],
)
def test_parse_callback_subcommands(
    text: str, action: str, number: int | None, owner: str | None, note: str
) -> None:
    cmd = parse_callback_command(text)
    assert (cmd.action, cmd.number, cmd.owner, cmd.note) == (action, number, owner, note)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("홍길동 전화: 02-1234-5678", "callback.error.missing_owner"),
        ("<@U0MINJI> 홍길동", "callback.error.missing_phone"),
        ("<@U0MINJI> 홍길동 전화: 1234", "callback.error.bad_phone"),
        ("<@U0MINJI> 홍길동 전화: 02-1234-5678 팩스: 1", "inquiry.error.unknown_key"),
        ("claim", "callback.error.missing_ref"),
        ("claim X9", "callback.error.bad_ref"),
        ("launch CB1", "callback.error.unknown_subcommand"),
    ],
)
def test_callback_usage_errors(text: str, key: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_callback_command(text)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("status", None, None, None, None, "")),
        ("해제", ("off", None, None, None, None, "")),
        ("off", ("off", None, None, None, None, "")),
        ("until:17:00", ("set", TODAY, time(17), None, None, "")),
        ("까지: 17:00 대리: <@U0ALEX> 외근", ("set", TODAY, time(17), None, "U0ALEX", "외근")),
        ("까지: 오후 5시 병원", ("set", TODAY, time(17), None, None, "병원")),
        (
            "until: tomorrow delegate:<@U0ALEX>",
            ("set", date(2026, 12, 1), None, None, "U0ALEX", ""),
        ),
        ("until: +2h", ("set", None, None, "2h", None, "")),
        ("까지 ：+2시간 대리 :<@U0ALEX>", ("set", None, None, "2h", "U0ALEX", "")),
        (
            "까지: 금요일 :palm_tree: 휴가",
            ("set", date(2026, 12, 4), None, None, None, ":palm_tree: 휴가"),
        ),
        (
            "<@U0ALEX> 까지: 12월 4일 9시 출장",
            ("set", date(2026, 12, 4), time(9), None, "U0ALEX", "출장"),
        ),
    ],
)
def test_parse_away(text: str, expected: tuple[object, ...]) -> None:
    cmd = parse_away_command(text, TODAY)
    got = (cmd.action, cmd.until_day, cmd.until_at, cmd.until_relative, cmd.delegate, cmd.reason)
    assert got == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("외근", "away.error.missing_until"),
        ("까지: 어제쯤", "away.error.bad_until"),
        ("까지: +0분", "away.error.bad_until"),
        ("until: 17:00 delegate: alex", "away.error.bad_delegate"),
        ("해제 지금", "inquiry.error.extra_words"),
    ],
)
def test_away_usage_errors(text: str, key: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_away_command(text, TODAY)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("text", "ref", "user", "reason"),
    [
        ("transfer 12 <@U0ALEX> 휴가로 인계", 12, "U0ALEX", "휴가로 인계"),
        ("이관 #12 <@U0ALEX>", 12, "U0ALEX", ""),
        ("인계 12번 <@U0ALEX> 담당 변경", 12, "U0ALEX", "담당 변경"),
    ],
)
def test_parse_transfer(text: str, ref: int, user: str, reason: str) -> None:
    cmd = parse_inquiry_command(text, TODAY)
    assert (cmd.action, cmd.ref, cmd.user, cmd.text) == ("transfer", ref, user, reason)


def test_transfer_needs_a_person() -> None:
    with pytest.raises(UsageError) as err:
        parse_inquiry_command("transfer 12 alex", TODAY)
    assert err.value.key == "inquiry.error.missing_user"
