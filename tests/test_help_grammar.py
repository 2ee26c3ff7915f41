"""Issue 17: the help documents the one grammar in both languages, and every example in it
parses to what it says (`A` = `B`: both sides parse to the same command on the help's own
`today`); every date, time and duration form it lists is read by the parser."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from bot.domain.charter import parse_charter_command
from bot.domain.commands import parse_inquiry_command
from bot.domain.grammar import CHARTER_SUBCOMMANDS, KEYS, LANGUAGE_CHOICES, SCOPES, SUBCOMMANDS
from bot.domain.when import parse_moment
from bot.i18n import LANGS, template

HELP_TODAY = date(2026, 11, 30)  # the help says: Monday 30 November 2026
EXAMPLE = re.compile(r"^`([^`]+)` = `([^`]+)`$")
CODE = re.compile(r"`([^`]+)`")


def _examples(lang: str) -> list[tuple[str, str]]:
    lines = template(lang, "inquiry.help").splitlines()  # type: ignore[arg-type]
    return [(m.group(1), m.group(2)) for line in lines if (m := EXAMPLE.match(line))]


def _forms(lang: str) -> list[str]:
    lines = template(lang, "inquiry.help").splitlines()  # type: ignore[arg-type]
    line = next(x for x in lines if x.startswith(("**날짜", "**Dates")))
    return CODE.findall(line)


@pytest.mark.parametrize("lang", LANGS)
def test_the_help_has_examples_and_forms(lang: str) -> None:
    assert len(_examples(lang)) >= 6
    assert len(_forms(lang)) >= 15
    assert "2026" in template(lang, "inquiry.help")  # it names the day its examples assume


@pytest.mark.parametrize(
    ("example", "meaning"),
    [pytest.param(a, b, id=f"{lang}: {a}") for lang in LANGS for a, b in _examples(lang)],
)
def test_every_help_example_parses_to_what_the_help_says(example: str, meaning: str) -> None:
    said = parse_inquiry_command(example.removeprefix("/inquiry "), HELP_TODAY)
    assert said == parse_inquiry_command(meaning, HELP_TODAY)
    # the meaning is written in the canonical form: it parses the same without a today
    assert parse_inquiry_command(meaning) == said


@pytest.mark.parametrize(
    "form", [pytest.param(f, id=f"{lang}: {f}") for lang in LANGS for f in _forms(lang)]
)
def test_every_listed_form_is_read(form: str) -> None:
    assert parse_moment(form, HELP_TODAY) is not None


def test_the_korean_help_names_every_korean_keyword() -> None:
    text = template("ko", "inquiry.help")
    for table in (SUBCOMMANDS, SCOPES):
        for aliases in table.values():
            hangul = [a for a in aliases if re.search("[가-힣]", a)]
            assert not hangul or any(a in text for a in hangul), aliases
    for aliases in KEYS.values():
        assert any(f"{a}:" in text for a in aliases if re.search("[가-힣]", a))


# ------------------------------------------------------------------------------ `/charter`
CHARTER_HELP = ("charter.help", "charter.help_staff")


def _charter_examples(lang: str) -> list[tuple[str, str]]:
    lines = [
        line
        for key in CHARTER_HELP
        for line in template(lang, key).splitlines()  # type: ignore[arg-type]
    ]
    return [(m.group(1), m.group(2)) for line in lines if (m := EXAMPLE.match(line))]


@pytest.mark.parametrize("lang", LANGS)
def test_the_charter_help_has_examples(lang: str) -> None:
    assert len(_charter_examples(lang)) >= 4


@pytest.mark.parametrize(
    ("example", "meaning"),
    [pytest.param(a, b, id=f"{lang}: {a}") for lang in LANGS for a, b in _charter_examples(lang)],
)
def test_every_charter_help_example_parses_to_what_the_help_says(
    example: str, meaning: str
) -> None:
    said = parse_charter_command(example.removeprefix("/charter "))
    assert said.action == parse_charter_command(meaning.removeprefix("/charter ")).action
    assert said.lang == parse_charter_command(meaning.removeprefix("/charter ")).lang


@pytest.mark.parametrize("lang", LANGS)
def test_the_charter_help_names_every_subcommand(lang: str) -> None:
    text = "\n".join(template(lang, key) for key in CHARTER_HELP)  # type: ignore[arg-type]
    for canon, aliases in CHARTER_SUBCOMMANDS.items():
        assert f"/charter {canon}" in text or any(f"/charter {a}" in text for a in aliases), canon
    if lang == "ko":
        for aliases in (*CHARTER_SUBCOMMANDS.values(), *LANGUAGE_CHOICES.values()):
            hangul = [a for a in aliases if re.search("[가-힣]", a)]
            assert any(a in text for a in hangul), aliases


# ------------------------------------------------------------------ the Teams command list
def _teams_spans(lang: str) -> list[str]:
    text = "\n".join(
        template(lang, key)  # type: ignore[arg-type]
        for key in ("inquiry.help_teams", "inquiry.help_teams_staff")
    )
    return [s for s in CODE.findall(text) if not {"‹", "|", "…"} & set(s)]


@pytest.mark.parametrize(
    "span", [pytest.param(s, id=f"{lang}: {s}") for lang in LANGS for s in _teams_spans(lang)]
)
def test_every_complete_example_in_the_teams_help_is_read(span: str) -> None:
    """A typed example (`문의 목록`, `헌장 정책`) parses as its command; a number (`42번`) as a
    reference; a date or duration (`tomorrow`, `+3bd`) is read by the date parser."""
    from bot.domain.callback_commands import parse_away_command, parse_callback_command
    from bot.domain.commands import parse_ref, split_command
    from bot.domain.grammar import callback_subcommand, charter_name, feature_command
    from handlers.teams.commands import command_words

    head = span.split()[0]
    if parse_ref(span) is not None:  # an inquiry number as written: `42`, `#42`, `제42호`
        return
    rest = span.partition(" ")[2]
    if callback_subcommand(span) is not None:  # a button's word typed alone: `통화완료`
        return
    if feature_command(head) == "callback":
        if rest not in ("", "…"):
            parse_callback_command(rest)
    elif feature_command(head) == "away":
        if rest not in ("", "…") and "[" not in rest:
            parse_away_command(rest, HELP_TODAY)
    elif charter_name(head):
        assert parse_charter_command(span.partition(" ")[2]).action in CHARTER_SUBCOMMANDS
    elif (split := split_command(span)) is not None or command_words(span) is not None:
        words = split[1] if split is not None else command_words(span)
        assert words is not None
        if words != "help":
            parse_inquiry_command(words, HELP_TODAY)
    else:
        assert parse_moment(span, HELP_TODAY) is not None, span


# ------------------------------------------------------- every other command's help (issue 17)
# Each complete example (`/visitor 도착 V3 출입증:17 …`, no `<…>`, `[…]`, `|` or `…`) in every
# command's help, in both languages, is read by that command's own parser (the one grammar):
# never a usage error.
def _feature_parsers() -> dict[str, Any]:
    from bot.domain.callback_commands import parse_away_command, parse_callback_command
    from bot.domain.feedback_commands import parse_feedback_command, parse_survey_command
    from bot.domain.notice_commands import parse_notice_command, parse_outage_command
    from bot.domain.visit_commands import parse_visit_command

    return {
        "/visitor": lambda raw: parse_visit_command("visitor", raw, HELP_TODAY),
        "/room": lambda raw: parse_visit_command("room", raw, HELP_TODAY),
        "/fieldvisit": lambda raw: parse_visit_command("fieldvisit", raw, HELP_TODAY),
        "/callback": parse_callback_command,
        "/away": lambda raw: parse_away_command(raw, HELP_TODAY),
        "/notice": lambda raw: parse_notice_command(raw, HELP_TODAY),
        "/outage": lambda raw: parse_outage_command(raw, HELP_TODAY),
        "/feedback": lambda raw: parse_feedback_command(raw, HELP_TODAY),
        "/survey": lambda raw: parse_survey_command(raw, HELP_TODAY),
        "/charter": parse_charter_command,
        "/inquiry": lambda raw: parse_inquiry_command(raw, HELP_TODAY),
    }


FEATURE_HELP = (
    "visit.help.visitor",
    "visit.help.room",
    "visit.help.fieldvisit",
    "callback.help",
    "away.help",
    "notice.help",
    "outage.help",
    "feedback.help",
    "survey.help",
    "inquiry.help",
    "charter.help",
    "charter.help_staff",
)


def _feature_examples(lang: str) -> list[str]:
    """The examples, optional parts (`[…]`) left out; the ones still holding a placeholder
    (`<이름>`, `…`, a choice `a|b`) are forms, not examples."""
    spans = [s for key in FEATURE_HELP for s in CODE.findall(template(lang, key))]  # type: ignore[arg-type]
    out = []
    for span in spans:
        example = " ".join(OPTIONAL.sub("", span).split())
        if example.split()[0] in _feature_parsers() and not {"<", ">", "|", "…", "‹"} & set(
            example
        ):
            out.append(example)
    return out


OPTIONAL = re.compile(r"\[[^\[\]]*\]")


@pytest.mark.parametrize("lang", LANGS)
def test_every_command_help_has_complete_examples(lang: str) -> None:
    assert len(_feature_examples(lang)) >= 20


@pytest.mark.parametrize(
    "example",
    [pytest.param(s, id=f"{lang}: {s}") for lang in LANGS for s in _feature_examples(lang)],
)
def test_every_complete_example_in_every_command_help_parses(example: str) -> None:
    name, _, raw = example.partition(" ")
    raw = re.sub(r"(?<![\w<])@[^\s:]+", "<@U0EXAMPLE>", raw)  # a person, as Slack sends it
    _feature_parsers()[name](raw)  # no UsageError
