"""Parse `/survey …` and `/feedback …` text into typed commands (pure, no I/O).

The keywords and their Korean aliases are bot.domain.grammar's tables; months and dates are
bot.domain.when's. Complaints are written `K3`, `k3`, `3`, `3번` alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.domain.commands import (
    MAX_COMMAND_CHARS,
    UsageError,
    clean_text,
    parse_mention,
    slack_plain,
    split_head,
)
from bot.domain.feedback import MAX_COMMENT_CHARS
from bot.domain.grammar import (
    COLONS,
    feedback_key,
    feedback_subcommand,
    looks_like_key,
    survey_subcommand,
)
from bot.domain.when import parse_day, parse_month

COMPLAINT_REF = re.compile(r"^(?:[Kk]|#)?(\d{1,9})(?:번|호)?$")


@dataclass(frozen=True)
class SurveyCommand:
    """One parsed `/survey` invocation: `help`, or `results` of a month (None: this month)."""

    action: str
    month: tuple[int, int] | None = None


@dataclass(frozen=True)
class FeedbackCommand:
    """One parsed `/feedback` invocation."""

    action: str  # help complaint praise exemplary confirm dismiss action sent list show
    user: str | None = None  # the staff member a complaint or praise is about
    ref: int | None = None  # a complaint's number (K3 → 3)
    text: str = ""
    by: date | None = None  # when the corrective action is (was) done


def parse_complaint_ref(token: str) -> int | None:
    """The complaint number of `K3`, `k3`, `3`, `#3`, `3번` (None for anything else)."""
    m = COMPLAINT_REF.match(token.strip())
    return int(m.group(1)) if m else None


def parse_survey_command(raw: str, today: date) -> SurveyCommand:
    """Parse the text after `/survey`; raise UsageError when malformed."""
    usage = "survey.usage"
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError("feedback.error.too_long", usage, limit=str(MAX_COMMAND_CHARS))
    words = clean_text(raw).split()
    if not words:
        return SurveyCommand("help")
    sub = survey_subcommand(words[0])
    if sub == "help":
        return SurveyCommand("help")
    if sub != "results":
        raise UsageError("feedback.error.unknown_subcommand", usage, sub=words[0][:40])
    rest = " ".join(words[1:])
    if not rest:
        return SurveyCommand("results")
    month = parse_month(rest, today)
    if month is None:
        raise UsageError("survey.error.bad_month", usage, value=rest[:40])
    return SurveyCommand("results", month=month)


def read_text(words: str, usage: str, *, required: bool = True) -> str:
    """A reason, finding or action as typed in a command (Slack's wire format undone); see
    check_text."""
    return check_text(slack_plain(words), usage, required=required)


def check_text(text: str, usage: str, *, required: bool = True) -> str:
    """A reason, finding or action (typed, or entered in a form as is): stripped, not empty
    when `required`, at most MAX_COMMENT_CHARS; UsageError otherwise."""
    text = text.strip()
    if required and not text:
        raise UsageError("feedback.error.missing_text", usage)
    if len(text) > MAX_COMMENT_CHARS:
        raise UsageError("feedback.error.too_long", usage, limit=str(MAX_COMMENT_CHARS))
    return text


def _ref(words: list[str], usage: str) -> int:
    if not words:
        raise UsageError("complaint.error.missing_ref", usage)
    ref = parse_complaint_ref(words[0])
    if ref is None:
        raise UsageError("complaint.error.bad_ref", usage, ref=words[0][:40])
    return ref


BY_KEY = re.compile(r"(?:^|(?<=\s))([A-Za-z가-힣_]{1,20})\s*[" + COLONS + r"]\s*")


def _split_by(text: str, today: date, usage: str) -> tuple[str, date | None]:
    """Take a trailing `by: <date>` (`기한: 12월 4일`, `까지：내일`) off an action's text."""
    # the last `by:` counts; any other colon in the text (`사유: …`) stays text
    for m in reversed(list(BY_KEY.finditer(text))):
        if looks_like_key(m.group(1)) and feedback_key(m.group(1)) == "by":
            return text[: m.start()].strip(), read_due(text[m.end() :], today, usage)
    return text, None


def read_due(value: str, today: date, usage: str) -> date:
    """The day a corrective action is due (`2026-12-04`, `12월 4일`, `내일`), typed after
    `by:` or entered in the form; UsageError when it is no date."""
    value = value.strip()
    day = parse_day(value, today)
    if day is None:
        raise UsageError("complaint.error.bad_date", usage, value=value[:40])
    return day


def parse_feedback_command(raw: str, today: date) -> FeedbackCommand:
    """Parse the text after `/feedback`; raise UsageError with a catalogue key when malformed."""
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError("feedback.error.too_long", "feedback.usage", limit=str(MAX_COMMAND_CHARS))
    text = clean_text(raw)
    if not text:
        return FeedbackCommand("help")
    words = text.split()
    sub = feedback_subcommand(words[0])
    if sub is None:
        raise UsageError("feedback.error.unknown_subcommand", "feedback.usage", sub=words[0][:40])
    if sub in ("help", "list"):
        if len(words) > 1 and sub == "list":
            raise UsageError("feedback.error.extra_words", "feedback.usage.list")
        return FeedbackCommand(sub)
    usage = f"feedback.usage.{sub}"
    if sub in ("complaint", "praise", "exemplary"):
        user = parse_mention(words[1]) if len(words) > 1 else None
        if user is None:
            raise UsageError("feedback.error.missing_user", usage)
        _, rest = split_head(text, 2)
        return FeedbackCommand(sub, user=user, text=read_text(rest, usage))
    ref = _ref(words[1:], usage)
    _, rest = split_head(text, 2)
    if sub == "show":
        if rest:
            raise UsageError("feedback.error.extra_words", usage)
        return FeedbackCommand(sub, ref=ref)
    if sub == "sent":
        return FeedbackCommand(sub, ref=ref, text=read_text(rest, usage, required=False))
    if sub == "action":
        what, by = _split_by(rest, today, usage)
        return FeedbackCommand(sub, ref=ref, text=read_text(what, usage), by=by)
    return FeedbackCommand(sub, ref=ref, text=read_text(rest, usage))  # confirm, dismiss
