"""`/charter` grammar (issue 17): every subcommand and language choice in Korean and English."""

from __future__ import annotations

import pytest

from bot.domain.charter import CharterCommand, parse_charter_command
from bot.domain.commands import UsageError
from bot.domain.grammar import CHARTER_SUBCOMMANDS, charter_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", CharterCommand("help")),
        ("help", CharterCommand("help")),
        ("도움말", CharterCommand("help")),
        ("policies", CharterCommand("policies")),
        ("정책", CharterCommand("policies")),
        ("SLA", CharterCommand("policies")),
        ("teams", CharterCommand("teams")),
        ("팀", CharterCommand("teams")),
        ("roles", CharterCommand("roles")),
        ("역할", CharterCommand("roles")),
        ("language", CharterCommand("language")),
        ("언어", CharterCommand("language")),
        ("language ko", CharterCommand("language", ("ko",), "ko")),
        ("언어 한국어", CharterCommand("language", ("한국어",), "ko")),
        ("language EN", CharterCommand("language", ("EN",), "en")),
        ("언어 영어", CharterCommand("language", ("영어",), "en")),
        ("Language English", CharterCommand("language", ("English",), "en")),
        ("language auto", CharterCommand("language", ("auto",), "auto")),
        ("언어 자동", CharterCommand("language", ("자동",), "auto")),
        ("  언어   영어  ", CharterCommand("language", ("영어",), "en")),
    ],
)
def test_charter_commands_parse(text: str, expected: CharterCommand) -> None:
    assert parse_charter_command(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("reprot", "charter.error.unknown_subcommand"),
        ("report 2026-11 extra", "inquiry.error.extra_words"),
        ("language fr", "charter.error.bad_language"),
        ("언어 일본어", "charter.error.bad_language"),
        ("language ko en", "charter.error.bad_language"),
        ("teams all", "inquiry.error.extra_words"),
        ("x" * 4000, "inquiry.error.too_long"),
    ],
)
def test_bad_charter_commands_are_usage_errors(text: str, key: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_charter_command(text)
    assert caught.value.key == key
    assert caught.value.usage == "charter.usage"


def test_every_charter_subcommand_has_a_korean_alias() -> None:
    for canon, aliases in CHARTER_SUBCOMMANDS.items():
        assert canon == aliases[0]
        assert any("가" <= ch <= "힣" for a in aliases for ch in a), canon


@pytest.mark.parametrize("word", ["charter", "/charter", "Charter", "헌장", "/헌장"])
def test_the_command_name_in_both_languages(word: str) -> None:
    assert charter_name(word) == "charter"
    assert charter_name("inquiry") is None
