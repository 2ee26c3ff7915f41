"""Issue 17: the one grammar, typed the way a Korean (or English) user says it. Tables with a
fixed `today` (Monday 2026-11-30 on the business calendar's zone)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from bot.domain.callback_commands import parse_away_command
from bot.domain.commands import (
    EtaSpec,
    InquiryCommand,
    UsageError,
    normal_colons,
    option_at,
    parse_inquiry_command,
    split_command,
)
from bot.domain.inquiry import Kind
from bot.domain.notice_commands import parse_notice_command
from bot.domain.visit_commands import parse_visit_command
from bot.domain.when import Moment, parse_day, parse_moment, parse_relative, parse_time

TODAY = date(2026, 11, 30)  # a Monday


def cmd(action: str, **fields: Any) -> InquiryCommand:
    return InquiryCommand(action, **fields)


VALID: list[Any] = [
    # scopes
    *[
        pytest.param(f"{sub} {word}", cmd("list", scope=scope), id=f"{sub} {word}")
        for sub in ("list", "목록")
        for word, scope in (
            ("내것", "mine"),
            ("팀", "team"),
            ("전체", "all"),
            ("열린", "open"),
            ("지연", "overdue"),
        )
    ],
    # kinds
    pytest.param(
        "새 고객의 소리 응대 불만", cmd("new", kind=Kind.VOC, title="응대 불만"), id="voc space"
    ),
    pytest.param(
        "등록 규제 약관 개정", cmd("new", kind=Kind.REGULATORY, title="약관 개정"), id="규제"
    ),
    pytest.param(
        "new 지원 로그인 오류", cmd("new", kind=Kind.SUPPORT, title="로그인 오류"), id="지원"
    ),
    pytest.param("new 개선요청 엑셀", cmd("new", kind=Kind.REQUEST, title="엑셀"), id="개선요청"),
    pytest.param(
        "new 제도변경 약관", cmd("new", kind=Kind.REGULATORY, title="약관"), id="제도변경"
    ),
    # keys: spaces and colons
    *[
        pytest.param(
            f"new support 로그인 오류 {opt}",
            cmd("new", kind=Kind.SUPPORT, title="로그인 오류", customer="미래에셋"),
            id=f"customer {opt}",
        )
        for opt in (
            "고객:미래에셋",
            "고객: 미래에셋",
            "고객 : 미래에셋",
            "고객 :미래에셋",
            "고객：미래에셋",
            "고객： 미래에셋",
            "customer: 미래에셋",
            "Customer :미래에셋",
            "고객사:미래에셋",
        )
    ],
    *[
        pytest.param(
            f"new 규제 약관 {opt}",
            cmd("new", kind=Kind.REGULATORY, title="약관", due=date(2026, 12, 31)),
            id=f"due {opt}",
        )
        for opt in (
            "마감:2026-12-31",
            "마감: 2026-12-31",
            "마감 : 2026.12.31",
            "마감：12/31",
            "due: 12월 31일",
            "기한:2026년 12월 31일",
            "due:Dec 31",
        )
    ],
    pytest.param(
        '새 지원 "오류: 로그인" 고객: "미래 에셋" 마감: 12월 4일 <@U123>',
        cmd(
            "new",
            kind=Kind.SUPPORT,
            title="오류: 로그인",
            customer="미래 에셋",
            due=date(2026, 12, 4),
            user="U123",
        ),
        id="quoted title keeps its colon; a date over words",
    ),
    pytest.param(
        "new voc 접속 15:00 이후 https://example.com/x 오류",
        cmd("new", kind=Kind.VOC, title="접속 15:00 이후 https://example.com/x 오류"),
        id="times and links are no keys",
    ),
    # `!`: a date kept even on a non-working day
    pytest.param(
        "new 규제 약관 마감: 12월 25일!",
        cmd("new", kind=Kind.REGULATORY, title="약관", due=date(2026, 12, 25), force=True),
        id="due forced",
    ),
    pytest.param(
        "eta 42 12/25!",
        cmd("eta", ref=42, eta=EtaSpec(day=date(2026, 12, 25)), force=True),
        id="eta forced",
    ),
    pytest.param(
        "단계 42 12월 25일! 검토",
        cmd("milestone", ref=42, day=date(2026, 12, 25), text="검토", force=True),
        id="milestone forced",
    ),
    pytest.param(
        "new voc 친절했어요 :thumbsup: 감사:smile:",
        cmd("new", kind=Kind.VOC, title="친절했어요 :thumbsup: 감사:smile:"),
        id="emoji shortcodes are no keys",
    ),
    # references
    *[
        pytest.param(f"보기 {ref}", cmd("show", ref=42), id=f"ref {ref}")
        for ref in ("42", "#42", "42번", "제42호")
    ],
    pytest.param("조회 42번", cmd("show", ref=42), id="조회"),
    pytest.param(
        "해결 42번 비밀번호 초기화", cmd("resolve", ref=42, text="비밀번호 초기화"), id="해결 42번"
    ),
    # ETAs
    *[
        pytest.param(f"eta 42 {when}", cmd("eta", ref=42, eta=spec), id=f"eta {when}")
        for when, spec in (
            ("12월 4일", EtaSpec(day=date(2026, 12, 4))),
            ("2026.12.31", EtaSpec(day=date(2026, 12, 31))),
            ("12/31", EtaSpec(day=date(2026, 12, 31))),
            ("내일", EtaSpec(day=date(2026, 12, 1))),
            ("모레", EtaSpec(day=date(2026, 12, 2))),
            ("다음주 월요일", EtaSpec(day=date(2026, 12, 7))),
            ("금요일", EtaSpec(day=date(2026, 12, 4))),
            ("오후 3시", EtaSpec(day=TODAY, at=time(15))),
            ("15시", EtaSpec(day=TODAY, at=time(15))),
            ("15시 30분", EtaSpec(day=TODAY, at=time(15, 30))),
            ("내일 오후 3시", EtaSpec(day=date(2026, 12, 1), at=time(15))),
            ("12월 4일 오후 3시", EtaSpec(day=date(2026, 12, 4), at=time(15))),
            ("금요일 10:30", EtaSpec(day=date(2026, 12, 4), at=time(10, 30))),
            ("+2시간", EtaSpec(relative="2h")),
            ("+30분", EtaSpec(relative="30m")),
            ("+3영업일", EtaSpec(relative="3bd")),
            ("+1일", EtaSpec(relative="1d")),
            ("+2시간 30분", EtaSpec(relative="2h30m")),
            ("+2h", EtaSpec(relative="2h")),
            ("+3bd", EtaSpec(relative="3bd")),
            ("tomorrow 3pm", EtaSpec(day=date(2026, 12, 1), at=time(15))),
            ("next monday", EtaSpec(day=date(2026, 12, 7))),
            ("fri 15:00", EtaSpec(day=date(2026, 12, 4), at=time(15))),
            ("Dec 4", EtaSpec(day=date(2026, 12, 4))),
        )
    ],
    pytest.param(
        "예상 42번 내일", cmd("eta", ref=42, eta=EtaSpec(day=date(2026, 12, 1))), id="예상"
    ),
    # milestone with a Korean date over two words
    pytest.param(
        "단계 42 12월 4일 설계 검토",
        cmd("milestone", ref=42, day=date(2026, 12, 4), text="설계 검토"),
        id="milestone 12월 4일",
    ),
    pytest.param(
        "milestone 42 next friday design",
        cmd("milestone", ref=42, day=date(2026, 12, 11), text="design"),
        id="milestone next friday",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), VALID)
def test_parse_korean_and_english(raw: str, expected: InquiryCommand) -> None:
    assert parse_inquiry_command(raw, TODAY) == expected


ERRORS: list[Any] = [
    pytest.param(
        "new voc 로그인 오류 담당자:김민수", "inquiry.error.unknown_key", {"name": "담당자"}
    ),
    pytest.param("new voc 로그인 오류: 접속 불가", "inquiry.error.unknown_key", {"name": "오류"}),
    pytest.param("new voc 로그인 오류 foo : bar", "inquiry.error.unknown_key", {"name": "foo"}),
    pytest.param("new voc 로그인 고객:", "inquiry.error.missing_value", {"name": "고객"}),
    pytest.param("new 규제 약관 마감:곧", "inquiry.error.bad_date", {"value": "곧"}),
    pytest.param("eta 42 +2주", "inquiry.error.bad_eta", {"value": "+2주"}),
    pytest.param("eta 42 +99999일", "inquiry.error.duration_too_long", {"value": "+99999일"}),
    pytest.param("eta 42 25시", "inquiry.error.bad_eta", {"value": "25시"}),
    pytest.param("eta 42 2월 30일", "inquiry.error.bad_eta", {"value": "2월 30일"}),
    pytest.param("보기 42호번", "inquiry.error.bad_ref", {"ref": "42호번"}),
    pytest.param("목록 남의것", "inquiry.error.bad_scope", {"scope": "남의것"}),
]


@pytest.mark.parametrize(("raw", "key", "params"), ERRORS)
def test_nothing_is_silently_misread(raw: str, key: str, params: dict[str, str]) -> None:
    with pytest.raises(UsageError) as info:
        parse_inquiry_command(raw, TODAY)
    assert (info.value.key, info.value.params) == (key, params)


DAYS: list[Any] = [
    ("2026-12-31", date(2026, 12, 31)),
    ("2026.1.5", date(2026, 1, 5)),
    ("2026/12/31", date(2026, 12, 31)),
    ("12/31", date(2026, 12, 31)),
    ("1/5", date(2027, 1, 5)),  # passed this year: the next one
    ("11/30", TODAY),  # today included
    ("12월 4일", date(2026, 12, 4)),
    ("12월4일", date(2026, 12, 4)),
    ("2027년 1월 5일", date(2027, 1, 5)),
    ("오늘", TODAY),
    ("today", TODAY),
    ("내일", date(2026, 12, 1)),
    ("모레", date(2026, 12, 2)),
    ("월요일", date(2026, 12, 7)),  # today is Monday: the next one
    ("금요일", date(2026, 12, 4)),
    ("금욜", date(2026, 12, 4)),
    ("이번주 금요일", date(2026, 12, 4)),
    ("이번 주 일요일", date(2026, 12, 6)),
    ("다음주 월요일", date(2026, 12, 7)),
    ("다음 주 금요일", date(2026, 12, 11)),
    ("다음주금요일", date(2026, 12, 11)),
    ("friday", date(2026, 12, 4)),
    ("this friday", date(2026, 12, 4)),
    ("next friday", date(2026, 12, 11)),
    ("4 Dec", date(2026, 12, 4)),
    ("December 4", date(2026, 12, 4)),
    ("2월 29일", date(2028, 2, 29)),  # the next year that has it
    ("2026-02-30", None),
    ("13/1", None),
    ("곧", None),
    ("다음주", None),
]


@pytest.mark.parametrize(("text", "day"), DAYS)
def test_parse_day(text: str, day: date | None) -> None:
    assert parse_day(text, TODAY) == day


TIMES: list[Any] = [
    ("15:00", time(15)),
    ("9:05", time(9, 5)),
    ("15시", time(15)),
    ("15시 30분", time(15, 30)),
    ("15시30분", time(15, 30)),
    ("3시", time(15)),  # business hours: the afternoon
    ("3시 반", time(15, 30)),
    ("오전 3시", time(3)),
    ("오전 10시", time(10)),
    ("오후 3시", time(15)),
    ("오후3시", time(15)),
    ("오후 12시", time(12)),
    ("오전 12시", time(0)),
    ("9시", time(9)),
    ("3pm", time(15)),
    ("3:30pm", time(15, 30)),
    ("11 am", time(11)),
    ("25시", None),
    ("오후 13시", None),
    ("15시 60분", None),
    ("13pm", None),
]


@pytest.mark.parametrize(("text", "at"), TIMES)
def test_parse_time(text: str, at: time | None) -> None:
    assert parse_time(text) == at


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("+2시간", "2h"),
        ("+30분", "30m"),
        ("+3영업일", "3bd"),
        ("+2영업시간", "2bh"),
        ("+1일", "1d"),
        ("+2시간 30분", "2h30m"),
        ("+1bd2bh", "1bd2bh"),
        ("+2H", "2h"),
        ("2시간", None),
        ("+", None),
        ("+soon", None),
        ("+2시간 뒤", None),
    ],
)
def test_parse_relative(text: str, canonical: str | None) -> None:
    assert parse_relative(text) == canonical


def test_a_time_alone_is_today() -> None:
    assert parse_moment("오후 3시", TODAY) == Moment(day=TODAY, at=time(15))


@pytest.mark.parametrize(
    ("message", "split"),
    [
        ("문의 목록", ("inquiry", "목록")),
        ("inquiry list", ("inquiry", "list")),
        ("/inquiry new voc x", ("inquiry", "new voc x")),
        ("문의", ("inquiry", "")),
        ("hello", None),
    ],
)
def test_split_command(message: str, split: tuple[str, str] | None) -> None:
    assert split_command(message) == split


def test_a_time_right_after_the_colon_is_an_option_value_in_every_command() -> None:
    # `:15:` inside `at:15:00` is no emoji shortcode: every command reads it as an option
    visit = parse_visit_command("visitor", "register 홍길동 at:15:00 host:<@U0ALEX>", TODAY)
    assert (visit.words, visit.day, visit.at, visit.host) == ("홍길동", TODAY, time(15), "U0ALEX")
    notice = parse_notice_command("plan HTS 점검 시작:22:00 종료:23:30 서비스:HTS", TODAY)
    assert notice.moments["start"] == Moment(day=TODAY, at=time(22))
    assert notice.moments["end"] == Moment(day=TODAY, at=time(23, 30))
    assert parse_away_command("until:17:00", TODAY).until_at == time(17)
    assert parse_away_command("까지：9:30 대리:<@U0ALEX>", TODAY).until_at == time(9, 30)


@pytest.mark.parametrize(
    ("words", "option"),
    [
        (["고객:미래에셋"], ("고객", "미래에셋", 1)),
        (["at:15:00"], ("at", "15:00", 1)),
        (["감사:smile:"], None),
        (["좋아요:+1:"], None),
        (["고객", ":미래에셋"], ("고객", "미래에셋", 2)),
        (["감사", ":smile:"], None),
        (["15:00"], None),
        (["https://example.com"], None),
    ],
)
def test_option_at(words: list[str], option: tuple[str, str, int] | None) -> None:
    assert option_at(normal_colons([(w, False) for w in words]), 0) == option
