"""`/inquiry` grammar (docs PRODUCT.md): parse_inquiry_command and tokenize, table driven."""

from __future__ import annotations

import unicodedata
from datetime import date, time
from typing import Any

import pytest

from bot.domain.commands import (
    MAX_COMMAND_CHARS,
    MAX_NOTE_CHARS,
    MAX_TITLE_CHARS,
    EtaSpec,
    InquiryCommand,
    UsageError,
    clean_text,
    parse_inquiry_command,
    tokenize,
)
from bot.domain.inquiry import Kind


def cmd(action: str, **fields: Any) -> InquiryCommand:
    return InquiryCommand(action, **fields)


# -- valid commands ----------------------------------------------------------------------------

VALID: list[Any] = [
    # modal and help
    pytest.param("", cmd("modal"), id="empty opens modal"),
    pytest.param("   \t \n ", cmd("modal"), id="blank opens modal"),
    pytest.param("help", cmd("help"), id="help"),
    pytest.param("HELP", cmd("help"), id="help upper case"),
    pytest.param("도움말", cmd("help"), id="help ko"),
    pytest.param("?", cmd("help"), id="help question mark"),
    # new: kinds and aliases
    pytest.param("new voc Slow login", cmd("new", kind=Kind.VOC, title="Slow login"), id="new voc"),
    pytest.param(
        "new support Cannot print",
        cmd("new", kind=Kind.SUPPORT, title="Cannot print"),
        id="new support",
    ),
    pytest.param(
        "new request New report",
        cmd("new", kind=Kind.REQUEST, title="New report"),
        id="new request",
    ),
    pytest.param(
        "new regulatory Rule 7 due:2026-12-31",
        cmd("new", kind=Kind.REGULATORY, title="Rule 7", due=date(2026, 12, 31)),
        id="new regulatory with due",
    ),
    pytest.param(
        "new 고객의소리 불친절 신고",
        cmd("new", kind=Kind.VOC, title="불친절 신고"),
        id="kind ko voc",
    ),
    pytest.param(
        "new 문의 인쇄 안됨", cmd("new", kind=Kind.SUPPORT, title="인쇄 안됨"), id="kind ko support"
    ),
    pytest.param(
        "new 요청 화면 변경", cmd("new", kind=Kind.REQUEST, title="화면 변경"), id="kind ko request"
    ),
    pytest.param(
        "new 제도 신규 규정 due:2026-12-31",
        cmd("new", kind=Kind.REGULATORY, title="신규 규정", due=date(2026, 12, 31)),
        id="kind ko regulatory",
    ),
    pytest.param("NEW VOC Loud", cmd("new", kind=Kind.VOC, title="Loud"), id="upper case"),
    pytest.param("새 voc 제목", cmd("new", kind=Kind.VOC, title="제목"), id="new ko 새"),
    pytest.param("등록 voc 제목", cmd("new", kind=Kind.VOC, title="제목"), id="new ko 등록"),
    # new: options in any order
    pytest.param(
        'new support Login fails customer:"Mirae Asset"',
        cmd("new", kind=Kind.SUPPORT, title="Login fails", customer="Mirae Asset"),
        id="customer quoted",
    ),
    pytest.param(
        "new support Login fails customer:Mirae",
        cmd("new", kind=Kind.SUPPORT, title="Login fails", customer="Mirae"),
        id="customer bare",
    ),
    pytest.param(
        "new support Login fails customer:“Mirae Asset”",
        cmd("new", kind=Kind.SUPPORT, title="Login fails", customer="Mirae Asset"),
        id="customer smart quotes",
    ),
    pytest.param(
        'new support 로그인 오류 고객:"미래 에셋" 기한:2026-12-31',
        cmd(
            "new",
            kind=Kind.SUPPORT,
            title="로그인 오류",
            customer="미래 에셋",
            due=date(2026, 12, 31),
        ),
        id="korean option keys",
    ),
    pytest.param(
        "new request Export due:2026-12-31 Excel",
        cmd("new", kind=Kind.REQUEST, title="Export Excel", due=date(2026, 12, 31)),
        id="due in the middle",
    ),
    pytest.param(
        "new request Export DUE:2026-12-31 Customer:ACME",
        cmd("new", kind=Kind.REQUEST, title="Export", customer="ACME", due=date(2026, 12, 31)),
        id="option keys any case",
    ),
    pytest.param(
        "new support Printer <@U123>",
        cmd("new", kind=Kind.SUPPORT, title="Printer", user="U123"),
        id="mention",
    ),
    pytest.param(
        "new support Printer <@U123|kim.minsu>",
        cmd("new", kind=Kind.SUPPORT, title="Printer", user="U123"),
        id="mention with name",
    ),
    pytest.param(
        "new support <@W0ABC9> Printer jam",
        cmd("new", kind=Kind.SUPPORT, title="Printer jam", user="W0ABC9"),
        id="enterprise mention first",
    ),
    pytest.param(
        'new voc "Login  fails" customer:"Mirae Asset" due:2026-12-31 <@U123|kim>',
        cmd(
            "new",
            kind=Kind.VOC,
            title="Login  fails",
            customer="Mirae Asset",
            due=date(2026, 12, 31),
            user="U123",
        ),
        id="everything, quoted title keeps its spaces",
    ),
    pytest.param(
        "new voc <@U1>mention-like",
        cmd("new", kind=Kind.VOC, title="@U1mention-like"),
        id="not a whole mention stays in the title",
    ),
    pytest.param(
        "new voc " + "x" * MAX_TITLE_CHARS,
        cmd("new", kind=Kind.VOC, title="x" * MAX_TITLE_CHARS),
        id="title at limit",
    ),
    # list
    pytest.param("list", cmd("list", scope="mine"), id="list default mine"),
    *[
        pytest.param(f"list {s}", cmd("list", scope=s), id=f"list {s}")
        for s in ("mine", "team", "open", "overdue", "all")
    ],
    pytest.param("list OPEN", cmd("list", scope="open"), id="list scope upper"),
    pytest.param("목록 all", cmd("list", scope="all"), id="list ko"),
    # show / ref forms
    pytest.param("show 12", cmd("show", ref=12), id="show ref"),
    pytest.param("show #12", cmd("show", ref=12), id="show #ref"),
    pytest.param("show #007", cmd("show", ref=7), id="show leading zeros"),
    pytest.param("show 123456789", cmd("show", ref=123456789), id="show nine digits"),
    pytest.param("보기 #3", cmd("show", ref=3), id="show ko"),
    # assign
    pytest.param("assign 12 <@U123>", cmd("assign", ref=12, user="U123"), id="assign"),
    pytest.param(
        "assign #12 <@U123|lee>", cmd("assign", ref=12, user="U123"), id="assign #ref named mention"
    ),
    pytest.param("배정 5 <@U09>", cmd("assign", ref=5, user="U09"), id="assign ko"),
    # eta
    pytest.param(
        "eta 12 2026-12-04", cmd("eta", ref=12, eta=EtaSpec(day=date(2026, 12, 4))), id="eta date"
    ),
    pytest.param(
        "eta #12 2026-12-04 15:00",
        cmd("eta", ref=12, eta=EtaSpec(day=date(2026, 12, 4), at=time(15, 0))),
        id="eta date time",
    ),
    pytest.param(
        "eta 12 2026-12-04 9:05",
        cmd("eta", ref=12, eta=EtaSpec(day=date(2026, 12, 4), at=time(9, 5))),
        id="eta one digit hour",
    ),
    pytest.param("eta 12 +2h", cmd("eta", ref=12, eta=EtaSpec(relative="2h")), id="eta +2h"),
    pytest.param("eta 12 +3bd", cmd("eta", ref=12, eta=EtaSpec(relative="3bd")), id="eta +3bd"),
    pytest.param(
        "ETA 12 +1bd2bh",
        cmd("eta", ref=12, eta=EtaSpec(relative="1bd2bh")),
        id="eta combined, upper subcommand",
    ),
    # progress / milestone / hold / resume / resolve / reopen (with Korean aliases)
    pytest.param(
        "progress 12 Checked the logs",
        cmd("progress", ref=12, text="Checked the logs"),
        id="progress",
    ),
    pytest.param(
        "진행 #12 로그 확인 중", cmd("progress", ref=12, text="로그 확인 중"), id="progress ko"
    ),
    pytest.param(
        "progress 12 line one\nline two\tend",
        cmd("progress", ref=12, text="line one line two end"),
        id="progress newlines and tabs become spaces",
    ),
    pytest.param(
        "milestone 12 2026-12-01 Design review",
        cmd("milestone", ref=12, day=date(2026, 12, 1), text="Design review"),
        id="milestone",
    ),
    pytest.param(
        "단계 #12 2026-12-01 설계 검토",
        cmd("milestone", ref=12, day=date(2026, 12, 1), text="설계 검토"),
        id="milestone ko",
    ),
    pytest.param(
        "hold 12 Waiting for the customer's log",
        cmd("hold", ref=12, text="Waiting for the customer's log"),
        id="hold",
    ),
    pytest.param(
        "보류 12 고객 회신 대기", cmd("hold", ref=12, text="고객 회신 대기"), id="hold ko"
    ),
    pytest.param("resume 12", cmd("resume", ref=12), id="resume"),
    pytest.param("재개 #12", cmd("resume", ref=12), id="resume ko"),
    pytest.param(
        "resolve 12 Reset the password",
        cmd("resolve", ref=12, text="Reset the password"),
        id="resolve",
    ),
    pytest.param(
        "해결 12 비밀번호 초기화", cmd("resolve", ref=12, text="비밀번호 초기화"), id="resolve ko"
    ),
    pytest.param("reopen 12 Still broken", cmd("reopen", ref=12, text="Still broken"), id="reopen"),
    pytest.param("재오픈 #12 다시 발생", cmd("reopen", ref=12, text="다시 발생"), id="reopen ko"),
    # cleaning
    pytest.param("show\x00 #12\x07", cmd("show", ref=12), id="control characters stripped"),
    pytest.param("sh\u200bow 12", cmd("show", ref=12), id="zero width space stripped"),
    pytest.param("  show   12  ", cmd("show", ref=12), id="extra spaces"),
    pytest.param("help " + " " * (MAX_COMMAND_CHARS - 5), cmd("help"), id="exactly at the limit"),
    pytest.param(
        unicodedata.normalize("NFD", "new 고객의소리 제목"),
        cmd("new", kind=Kind.VOC, title="제목"),
        id="decomposed hangul normalised",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), VALID)
def test_parse_valid(raw: str, expected: InquiryCommand) -> None:
    assert parse_inquiry_command(raw) == expected


# -- usage errors ------------------------------------------------------------------------------

U = "inquiry.usage."
E = "inquiry.error."

ERRORS: list[Any] = [
    # new
    pytest.param("new", E + "missing_kind", U + "new", {}, id="new empty"),
    pytest.param("new bug Login", E + "bad_kind", U + "new", {"kind": "bug"}, id="unknown kind"),
    pytest.param("new voc", E + "missing_title", U + "new", {}, id="new without title"),
    pytest.param(
        'new voc customer:"Mirae Asset" due:2026-12-31',
        E + "missing_title",
        U + "new",
        {},
        id="new options only",
    ),
    pytest.param(
        "new voc Title due:2026-02-30",
        E + "bad_date",
        U + "new",
        {"value": "2026-02-30"},
        id="bad date feb 30",
    ),
    pytest.param(
        "new voc Title due:2026-12-31T00:00",
        E + "bad_date",
        U + "new",
        {"value": "2026-12-31T00:00"},
        id="bad date with time",
    ),
    pytest.param(
        "new voc Title due:31/12/2026",
        E + "bad_date",
        U + "new",
        {"value": "31/12/2026"},
        id="bad date format",
    ),
    pytest.param(
        "new voc Title 기한:내일",
        E + "bad_date",
        U + "new",
        {"value": "내일"},
        id="bad date ko key",
    ),
    pytest.param(
        "new voc " + "x" * (MAX_TITLE_CHARS + 1),
        E + "title_too_long",
        U + "new",
        {"limit": str(MAX_TITLE_CHARS)},
        id="title too long",
    ),
    pytest.param(
        "new voc T customer:" + "c" * 201,
        E + "too_long",
        U + "new",
        {"limit": "200"},
        id="customer too long",
    ),
    # whole command
    pytest.param(
        "help " + "x" * MAX_COMMAND_CHARS,
        E + "too_long",
        U + "general",
        {"limit": str(MAX_COMMAND_CHARS)},
        id="command too long",
    ),
    pytest.param(
        "x" * (MAX_COMMAND_CHARS + 1),
        E + "too_long",
        U + "general",
        {"limit": str(MAX_COMMAND_CHARS)},
        id="command one char too long",
    ),
    pytest.param(
        "frobnicate 12",
        E + "unknown_subcommand",
        U + "general",
        {"sub": "frobnicate"},
        id="unknown subcommand",
    ),
    pytest.param(
        "Close 12",
        E + "unknown_subcommand",
        U + "general",
        {"sub": "close"},
        id="unknown subcommand lower-cased",
    ),
    pytest.param("#12", E + "unknown_subcommand", U + "general", {"sub": "#12"}, id="bare ref"),
    # list
    pytest.param(
        "list everything", E + "bad_scope", U + "list", {"scope": "everything"}, id="bad list scope"
    ),
    # refs
    *[
        pytest.param(sub, E + "missing_ref", U + usage, {}, id=f"{sub} missing ref")
        for sub, usage in (
            ("show", "show"),
            ("assign", "assign"),
            ("eta", "eta"),
            ("progress", "progress"),
            ("milestone", "milestone"),
            ("hold", "hold"),
            ("resume", "resume"),
            ("resolve", "resolve"),
            ("reopen", "reopen"),
        )
    ],
    pytest.param("show abc", E + "bad_ref", U + "show", {"ref": "abc"}, id="bad ref word"),
    pytest.param("show ##12", E + "bad_ref", U + "show", {"ref": "##12"}, id="bad ref double #"),
    pytest.param("show #", E + "bad_ref", U + "show", {"ref": "#"}, id="bad ref only #"),
    pytest.param("show -3", E + "bad_ref", U + "show", {"ref": "-3"}, id="bad ref negative"),
    pytest.param("show 12a", E + "bad_ref", U + "show", {"ref": "12a"}, id="bad ref suffix"),
    pytest.param(
        "show 1234567890", E + "bad_ref", U + "show", {"ref": "1234567890"}, id="bad ref ten digits"
    ),
    pytest.param("resume #x", E + "bad_ref", U + "resume", {"ref": "#x"}, id="resume bad ref"),
    pytest.param(
        "progress twelve note",
        E + "bad_ref",
        U + "progress",
        {"ref": "twelve"},
        id="progress bad ref",
    ),
    # extra words
    pytest.param("show 12 please", E + "extra_words", U + "show", {}, id="show extra words"),
    pytest.param("resume 12 now", E + "extra_words", U + "resume", {}, id="resume extra words"),
    # assign
    pytest.param("assign 12", E + "missing_user", U + "assign", {}, id="assign without mention"),
    pytest.param("assign 12 kim", E + "missing_user", U + "assign", {}, id="assign plain name"),
    pytest.param("assign 12 @kim", E + "missing_user", U + "assign", {}, id="assign at-name"),
    pytest.param(
        "assign 12 <#C123>", E + "missing_user", U + "assign", {}, id="assign channel link"
    ),
    pytest.param(
        "assign 12 <@U1> <@U2>", E + "missing_user", U + "assign", {}, id="assign two mentions"
    ),
    # eta
    *[
        pytest.param(
            f"eta 12 {when}".rstrip(),
            E + "bad_eta",
            U + "eta",
            {"value": when},
            id=f"bad eta {when!r}",
        )
        for when in (
            "",
            "tomorrow",
            "2026-02-30",
            "2026-13-01",
            "2026-12-04 25:00",
            "2026-12-04 15:60",
            "2026-12-04 3pm",
            "+",
            "+2h extra",
            "2026-12-04 15:00 KST",
            "12/04",
        )
    ],
    # missing text
    *[
        pytest.param(f"{sub} 12", E + "missing_text", U + sub, {}, id=f"{sub} without text")
        for sub in ("progress", "hold", "resolve", "reopen")
    ],
    pytest.param(
        "hold 12 \x00\u200b", E + "missing_text", U + "hold", {}, id="hold text only invisible"
    ),
    pytest.param(
        "milestone 12 2026-12-01",
        E + "missing_text",
        U + "milestone",
        {},
        id="milestone without stage",
    ),
    pytest.param(
        "milestone 12", E + "bad_date", U + "milestone", {"value": ""}, id="milestone without date"
    ),
    pytest.param(
        "milestone 12 soon Design",
        E + "bad_date",
        U + "milestone",
        {"value": "soon"},
        id="milestone bad date",
    ),
    pytest.param(
        "progress 12 " + "n" * (MAX_NOTE_CHARS + 1),
        E + "too_long",
        U + "progress",
        {"limit": str(MAX_NOTE_CHARS)},
        id="note too long",
    ),
]


@pytest.mark.parametrize(("raw", "key", "usage", "params"), ERRORS)
def test_parse_usage_errors(raw: str, key: str, usage: str, params: dict[str, str]) -> None:
    with pytest.raises(UsageError) as info:
        parse_inquiry_command(raw)
    assert (info.value.key, info.value.usage, info.value.params) == (key, usage, params)
    assert str(info.value) == key


def test_note_at_limit_is_accepted() -> None:
    parsed = parse_inquiry_command("resolve 12 " + "r" * MAX_NOTE_CHARS)
    assert parsed.text == "r" * MAX_NOTE_CHARS


def test_error_params_are_shortened() -> None:
    with pytest.raises(UsageError) as info:
        parse_inquiry_command("show " + "x" * 100)
    assert info.value.params == {"ref": "x" * 40}
    with pytest.raises(UsageError) as info:
        parse_inquiry_command("y" * 100)
    assert info.value.params == {"sub": "y" * 40}


def test_relative_eta_is_read_by_the_parser() -> None:
    # issue 17: a relative ETA is read (and refused in the reader's language) by the parser;
    # the service gets the canonical duration text
    assert parse_inquiry_command("eta 12 +2시간").eta == EtaSpec(relative="2h")
    with pytest.raises(UsageError) as info:
        parse_inquiry_command("eta 12 +soon")
    assert info.value.key == "inquiry.error.bad_eta"


def test_quotes_in_free_text_are_kept() -> None:
    assert parse_inquiry_command('progress 12 He said "it works"').text == 'He said "it works"'


def test_list_with_extra_words_names_the_right_problem() -> None:
    with pytest.raises(UsageError) as info:
        parse_inquiry_command("list mine extra")
    assert info.value.key == "inquiry.error.extra_words"


# -- tokenize and clean_text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        pytest.param("a b  c", ["a", "b", "c"], id="spaces"),
        pytest.param("  a  ", ["a"], id="leading and trailing spaces"),
        pytest.param("", [], id="empty"),
        pytest.param('"a b" c', ["a b", "c"], id="quoted run"),
        pytest.param(
            'customer:"Mirae Asset" x', ["customer:Mirae Asset", "x"], id="quoted after key"
        ),
        pytest.param('x "" y', ["x", "", "y"], id="empty quotes make an empty token"),
        pytest.param('a"b c"d e', ["ab cd", "e"], id="quotes inside a word"),
        pytest.param('say "hello world', ["say", "hello world"], id="unbalanced quote runs to end"),
        pytest.param('a "b  c', ["a", "b  c"], id="unbalanced keeps inner spaces"),
        pytest.param('"', [""], id="lone quote"),
        pytest.param("“Mirae Asset” x", ["Mirae Asset", "x"], id="smart quotes"),
        pytest.param("customer:“미래 에셋” x", ["customer:미래 에셋", "x"], id="smart quotes ko"),
        pytest.param("”A B” z", ["A B", "z"], id="two closing smart quotes"),
        pytest.param('“A B" z', ['A B" z'], id="smart open not closed by straight quote"),
        pytest.param("“unbalanced smart", ["unbalanced smart"], id="unbalanced smart quote"),
        pytest.param("don't stop", ["don't", "stop"], id="apostrophe is not a quote"),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\tb\r\nc", "a b  c"),
        ("a\x00b\x1bc\x7f", "abc"),
        ("a\u200bb\u2060c\ufeff", "abc"),
        ("👨\u200d👩", "👨\u200d👩"),  # zero width joiner kept (emoji sequences)
        ("  x  ", "x"),
        (unicodedata.normalize("NFD", "한글"), "한글"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("wire", "plain"),
    [
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
        ("hi <@U123|minji> and <@U456>", "hi @minji and @U456"),
        ("see <#C123|triage> <!here> <!subteam^S1|@ops>", "see #triage @here @@ops"),
        ("<https://example.com|site> and <https://x.y>", "site and https://x.y"),
        ("&amp;lt; stays", "&lt; stays"),
    ],
)
def test_slack_plain(wire: str, plain: str) -> None:
    from bot.domain.commands import slack_plain

    assert slack_plain(wire) == plain
