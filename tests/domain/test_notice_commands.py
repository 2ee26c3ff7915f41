"""`/notice` and `/outage` grammar: every subcommand and key in Korean and English, dates
through the one parser, and clear usage errors (pure, table-tested)."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.domain.commands import UsageError
from bot.domain.grammar import (
    NOTICE_KEYS,
    NOTICE_REASONS,
    NOTICE_SUBCOMMANDS,
    OUTAGE_SUBCOMMANDS,
    notice_command_name,
)
from bot.domain.notice_commands import (
    parse_notice_command,
    parse_notice_form,
    parse_outage_command,
)
from bot.domain.when import Moment
from bot.i18n import template

TODAY = date(2026, 11, 30)  # a Monday


def at(d: date, h: int, m: int = 0) -> Moment:
    return Moment(day=d, at=time(h, m))


@pytest.mark.parametrize(
    "text",
    [
        (
            'plan "HTS 정기 점검" start:2026-12-05 22:00 end:2026-12-06 02:00 '
            'services:"HTS, MTS" impact:"접속 불가" reason:maintenance'
        ),
        (
            '계획 "HTS 정기 점검" 시작: 2026-12-05 22:00 종료: 2026-12-06 02:00 '
            '서비스: "HTS, MTS" 영향: "접속 불가" 사유: 점검'
        ),
        (
            "등록 HTS 정기 점검 시작：12월 5일 오후 10시 종료 : 12월 6일 오전 2시 "
            '대상:"HTS, MTS" 영향:"접속 불가" 구분:정기점검'
        ),
        (
            '예고 제목:"HTS 정기 점검" from: 2026.12.05 22시 to: 12/6 02:00 '
            'service: HTS/MTS impact: "접속 불가"'
        ),
    ],
)
def test_plan_in_both_languages(text: str) -> None:
    cmd = parse_notice_command(text, TODAY)
    assert cmd.action == "plan"
    assert cmd.title == "HTS 정기 점검"
    assert cmd.moments == {"start": at(date(2026, 12, 5), 22), "end": at(date(2026, 12, 6), 2)}
    assert cmd.services == ["HTS", "MTS"]
    assert cmd.options == {"impact": "접속 불가"}
    assert cmd.reason in (None, "maintenance")
    assert not cmd.urgent


@pytest.mark.parametrize(
    ("word", "urgent"), [("urgent", True), ("긴급", True), ('"긴급"', False), ("", False)]
)
def test_urgent_flag(word: str, urgent: bool) -> None:
    cmd = parse_notice_command(f"plan Patch start:+2h end:+3h services:MTS {word}", TODAY)
    assert cmd.urgent is urgent
    assert cmd.title == ("Patch 긴급" if word == '"긴급"' else "Patch")
    assert cmd.moments["start"] == Moment(relative="2h")


@pytest.mark.parametrize(
    ("text", "action", "ref"),
    [
        ("", "form", None),
        ("help", "help", None),
        ("도움말", "help", None),
        ("list", "list", None),
        ("목록", "list", None),
        ("show N3", "show", 3),
        ("보기 n3", "show", 3),
        ("조회 3번", "show", 3),
        ("cancel #3 vendor moved", "cancel", 3),
        ("취소 N3 협력사 일정", "cancel", 3),
        ("extend N3 until:2026-12-06 03:00", "extend", 3),
        ("연장 N3 까지: 내일 오전 3시", "extend", 3),
        ("연장 N3 12월 6일 3시", "extend", 3),
        ("update N3 end:2026-12-06 03:00", "update", 3),
        ("변경 N3 영향: 지연", "update", 3),
        ("수정 N3 사유: 제도", "update", 3),
    ],
)
def test_every_notice_subcommand(text: str, action: str, ref: int | None) -> None:
    cmd = parse_notice_command(text, TODAY)
    assert (cmd.action, cmd.ref) == (action, ref)


def test_extend_and_cancel_details() -> None:
    assert parse_notice_command("연장 N3 까지: 내일 오전 3시", TODAY).moments["until"] == at(
        date(2026, 12, 1), 3
    )
    assert parse_notice_command("취소 N3 협력사 일정", TODAY).text == "협력사 일정"
    assert parse_notice_command("수정 N3 사유: 제도", TODAY).reason == "regulation"


@pytest.mark.parametrize(
    ("text", "action", "ref"),
    [
        ("", "status", None),
        ("status", "status", None),
        ("현황", "status", None),
        ('start "HTS 주문 지연" services:HTS', "start", None),
        ('시작 "HTS 주문 지연" 서비스: HTS 영향: 지연', "start", None),
        ('발생 "HTS 주문 지연" 대상: HTS', "start", None),
        ("update O2 checking", "update", 2),
        ("진행 o2 원인 파악 중", "update", 2),
        ('resolve O2 cause:"DB lock"', "resolve", 2),
        ('해결 2번 원인: "DB 잠금"', "resolve", 2),
        ("복구 O2 DB 잠금", "resolve", 2),
    ],
)
def test_every_outage_subcommand(text: str, action: str, ref: int | None) -> None:
    cmd = parse_outage_command(text, TODAY)
    assert (cmd.action, cmd.ref) == (action, ref)
    if action == "start":
        assert cmd.title == "HTS 주문 지연" and cmd.services == ["HTS"]
    if action == "resolve":
        assert cmd.text in ("DB lock", "DB 잠금")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("nope", "notice.error.unknown_subcommand"),
        ("plan", "notice.error.missing_title"),
        ("plan X start:2026-12-05 22:00 services:A", "notice.error.missing_option"),
        ("plan X start:tomorrow end:2026-12-06 services:A", "notice.error.bad_time"),
        ("plan X start:+1h end:+2h services:A 색상:red", "notice.error.unknown_key"),
        ("plan X start:+1h end:+2h services:A reason:fun", "notice.error.bad_reason"),
        ("plan X start:+1h end:+2h services:", "notice.error.missing_value"),
        ("show", "notice.error.missing_ref"),
        ("show O1", "notice.error.bad_ref"),
        ("cancel N1", "notice.error.missing_reason"),
        ("extend N1", "notice.error.missing_option"),
        ("update N1", "notice.error.nothing_to_change"),
        ("update N1 until:+1h", "notice.error.unknown_key"),
        ("plan " + "x" * 3001, "notice.error.too_long"),
    ],
)
def test_notice_usage_errors(text: str, key: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_notice_command(text, TODAY)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("start", "notice.error.missing_title"),
        ("start X", "notice.error.missing_option"),
        ("update O1", "notice.error.missing_note"),
        ("resolve O1", "notice.error.missing_option"),
        ("resolve N1 cause:x", "notice.error.bad_ref"),
    ],
)
def test_outage_usage_errors(text: str, key: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_outage_command(text, TODAY)
    assert err.value.key == key


def test_every_table_has_korean() -> None:
    for table in (NOTICE_SUBCOMMANDS, OUTAGE_SUBCOMMANDS, NOTICE_KEYS, NOTICE_REASONS):
        for canon, aliases in table.items():
            assert any("가" <= ch <= "힣" for a in aliases for ch in a), canon


@pytest.mark.parametrize(
    ("word", "feature"),
    [
        ("notice", "notice"),
        ("/notice", "notice"),
        ("공지", "notice"),
        ("장애", "outage"),
        ("OUTAGE", "outage"),
        ("inquiry", None),
    ],
)
def test_command_names(word: str, feature: str | None) -> None:
    assert notice_command_name(word) == feature


def test_form_reads_like_the_command() -> None:
    values: dict[str, str | None] = {
        "title": "HTS 점검",
        "start": "12월 5일 오후 10시",
        "end": "2026-12-06 02:00",
        "services": "HTS, MTS",
        "reason": "regulation",
        "urgent": "yes",
        "impact": "",
    }
    cmd, errors = parse_notice_form(values, TODAY)
    assert errors == {} and cmd is not None
    assert (cmd.title, cmd.services, cmd.reason, cmd.urgent) == (
        "HTS 점검",
        ["HTS", "MTS"],
        "regulation",
        True,
    )
    assert cmd.moments["start"] == at(date(2026, 12, 5), 22)
    cmd, errors = parse_notice_form({"start": "내일", "end": "soon", "reason": "x"}, TODAY)
    assert cmd is None
    assert {f: e.key for f, e in errors.items()} == {
        "title": "notice.error.missing_title",
        "start": "notice.error.bad_time",
        "end": "notice.error.bad_time",
        "services": "notice.error.missing_option",
        "reason": "notice.error.bad_reason",
    }


@pytest.mark.parametrize(
    ("key", "table"),
    [("notice.help", NOTICE_SUBCOMMANDS), ("outage.help", OUTAGE_SUBCOMMANDS)],
)
def test_help_names_a_korean_word_for_every_subcommand(
    key: str, table: dict[str, tuple[str, ...]]
) -> None:
    text = template("ko", key)
    for canon, aliases in table.items():
        korean = [a for a in aliases if any("가" <= ch <= "힣" for ch in a)]
        assert any(a in text for a in korean), canon
        assert canon in template("en", key), canon
