"""Parse `/notice` and `/outage` command text into typed commands (pure, no I/O).

The words come from the one grammar (bot.domain.grammar: NOTICE_SUBCOMMANDS,
OUTAGE_SUBCOMMANDS, NOTICE_KEYS, NOTICE_REASONS) and dates from the one parser
(bot.domain.when); options are written `key:value`, `key: value`, `key :value` or with a
full-width colon, values with spaces in quotes, as for `/inquiry`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.calendar import BusinessCalendar
from bot.domain.commands import (
    MAX_COMMAND_CHARS,
    UsageError,
    clean_text,
    normal_colons,
    option_at,
    slack_plain,
    tokenize_marked,
)
from bot.domain.durations import DurationError, parse_duration
from bot.domain.grammar import (
    is_urgent_word,
    notice_key,
    notice_reason,
    notice_subcommand,
    outage_subcommand,
)
from bot.domain.notices import split_services
from bot.domain.when import Moment, parse_moment

MAX_TITLE = 200
MAX_TEXT = 500
MOMENT_KEYS = frozenset({"start", "end", "until"})
NOTICE_REF = re.compile(r"^(?:[Nn]|#|제\s?)?(\d{1,9})(?:번|호)?$")
OUTAGE_REF = re.compile(r"^(?:[Oo]|#|제\s?)?(\d{1,9})(?:번|호)?$")


@dataclass(frozen=True)
class NoticeCommand:
    """One `/notice` or `/outage` command as typed (times still as moments)."""

    action: str
    ref: int | None = None
    title: str = ""
    options: dict[str, str] = field(default_factory=dict)  # text options by canonical key
    moments: dict[str, Moment] = field(default_factory=dict)  # start / end / until
    services: list[str] | None = None
    reason: str | None = None
    urgent: bool = False
    text: str = ""  # the free words (a cancellation's reason, an outage update's note)


def _moment(words: list[str], today: date) -> tuple[Moment | None, int]:
    """The longest run of leading words (at most five) naming a time, and its length."""
    for size in range(min(5, len(words)), 0, -1):
        found = parse_moment(" ".join(words[:size]), today)
        if found is not None and (found.at is not None or found.relative is not None):
            return found, size
    return None, 0


def _split_options(
    marked: list[tuple[str, bool]], usage: str, today: date
) -> tuple[list[tuple[str, bool]], dict[str, str], dict[str, Moment]]:
    plain = normal_colons(marked)
    words: list[tuple[str, bool]] = []
    options: dict[str, str] = {}
    moments: dict[str, Moment] = {}
    i = 0
    while i < len(plain):
        option = option_at(plain, i)
        if option is None:
            words.append(marked[i])
            i += 1
            continue
        key, value, used = option
        canon = notice_key(key)
        if canon is None:
            raise UsageError("notice.error.unknown_key", usage, name=key[:40])
        i += used
        # a quoted value after the colon (`title:"HTS 점검"`) was kept whole by the tokenizer
        values = [value] if value else []
        if not values:
            if i >= len(plain):
                raise UsageError("notice.error.missing_value", usage, name=key[:40])
            values, i = [marked[i][0]], i + 1
        if canon in MOMENT_KEYS:
            following = [w for w, q in plain[i : i + 4] if not q]
            found, size = _moment(values + following, today)
            if found is None:
                raise UsageError(
                    "notice.error.bad_time", usage, name=key[:40], value=values[0][:40]
                )
            moments[canon] = found
            i += size - 1
            continue
        text = slack_plain(values[0]).strip()
        if len(text) > MAX_TEXT:
            raise UsageError("notice.error.too_long", usage, name=key[:40], limit=str(MAX_TEXT))
        options[canon] = text
    return words, options, moments


def _ref(args: list[tuple[str, bool]], pattern: re.Pattern[str], usage: str) -> int:
    if not args:
        raise UsageError("notice.error.missing_ref", usage)
    m = pattern.match(args[0][0])
    if m is None:
        raise UsageError("notice.error.bad_ref", usage, ref=args[0][0][:40])
    return int(m.group(1))


def _shared(
    marked: list[tuple[str, bool]], usage: str, today: date, *, flags: bool = True
) -> NoticeCommand:
    """Options, services, reason, urgent flag and the free words of a plan/update/start."""
    words, options, moments = _split_options(marked, usage, today)
    urgent = False
    free: list[str] = []
    for word, quoted in words:
        if flags and not quoted and is_urgent_word(word):
            urgent = True
        else:
            free.append(word)
    services = split_services(options.pop("services")) if "services" in options else None
    if services is not None and not services:
        raise UsageError("notice.error.missing_value", usage, name="services")
    reason = None
    if "reason" in options:
        reason = notice_reason(options.pop("reason"))
        if reason is None:
            raise UsageError("notice.error.bad_reason", usage)
    text = slack_plain(" ".join(free)).strip()
    return NoticeCommand(
        action="",
        options=options,
        moments=moments,
        services=services,
        reason=reason,
        urgent=urgent,
        text=text,
    )


def _with(cmd: NoticeCommand, **changes: object) -> NoticeCommand:
    from dataclasses import replace

    return replace(cmd, **changes)  # type: ignore[arg-type]


def parse_notice_command(raw: str, today: date) -> NoticeCommand:
    """Parse the text after `/notice`; raise UsageError with a catalogue key when malformed."""
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError(
            "notice.error.too_long", "notice.usage.general", name="", limit=str(MAX_COMMAND_CHARS)
        )
    marked = tokenize_marked(clean_text(raw))
    if not marked:
        return NoticeCommand("form")
    sub = notice_subcommand(marked[0][0]) if not marked[0][1] else None
    args = marked[1:]
    if sub is None:
        raise UsageError(
            "notice.error.unknown_subcommand", "notice.usage.general", word=marked[0][0][:40]
        )
    if sub in ("help", "list"):
        return NoticeCommand(sub)
    if sub == "plan":
        usage = "notice.usage.plan"
        cmd = _shared(args, usage, today)
        title = cmd.options.pop("title", "") or cmd.text
        if not title:
            raise UsageError("notice.error.missing_title", usage)
        if len(title) > MAX_TITLE:
            raise UsageError("notice.error.too_long", usage, name="title", limit=str(MAX_TITLE))
        for needed in ("start", "end"):
            if needed not in cmd.moments:
                raise UsageError("notice.error.missing_option", usage, name=needed)
        if not cmd.services:
            raise UsageError("notice.error.missing_option", usage, name="services")
        return _with(cmd, action="plan", title=title, text="")
    if sub == "show":
        usage = "notice.usage.show"
        return NoticeCommand("show", ref=_ref(args, NOTICE_REF, usage))
    if sub == "update":
        usage = "notice.usage.update"
        ref = _ref(args, NOTICE_REF, usage)
        cmd = _shared(args[1:], usage, today)
        if "until" in cmd.moments:
            raise UsageError("notice.error.unknown_key", usage, name="until")
        if not (cmd.options or cmd.moments or cmd.services or cmd.reason or cmd.urgent):
            raise UsageError("notice.error.nothing_to_change", usage)
        return _with(cmd, action="update", ref=ref)
    if sub == "extend":
        usage = "notice.usage.extend"
        ref = _ref(args, NOTICE_REF, usage)
        cmd = _shared(args[1:], usage, today, flags=False)
        until = cmd.moments.get("until") or cmd.moments.get("end")
        if until is None:
            # `/notice extend N1 03:00` or `연장 N1 내일 3시`: the words are the time
            found, size = _moment(cmd.text.split(), today)
            if found is None or size != len(cmd.text.split()):
                raise UsageError("notice.error.missing_option", usage, name="until")
            until = found
        return NoticeCommand("extend", ref=ref, moments={"until": until})
    # cancel
    usage = "notice.usage.cancel"
    ref = _ref(args, NOTICE_REF, usage)
    reason = slack_plain(" ".join(w for w, _ in args[1:])).strip()
    if not reason:
        raise UsageError("notice.error.missing_reason", usage)
    return NoticeCommand("cancel", ref=ref, text=reason[:MAX_TEXT])


def parse_outage_command(raw: str, today: date) -> NoticeCommand:
    """Parse the text after `/outage`; raise UsageError with a catalogue key when malformed."""
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError(
            "notice.error.too_long", "outage.usage.general", name="", limit=str(MAX_COMMAND_CHARS)
        )
    marked = tokenize_marked(clean_text(raw))
    if not marked:
        return NoticeCommand("status")
    sub = outage_subcommand(marked[0][0]) if not marked[0][1] else None
    args = marked[1:]
    if sub is None:
        raise UsageError(
            "notice.error.unknown_subcommand", "outage.usage.general", word=marked[0][0][:40]
        )
    if sub in ("help", "status"):
        return NoticeCommand(sub)
    if sub == "start":
        usage = "outage.usage.start"
        cmd = _shared(args, usage, today, flags=False)
        title = cmd.options.pop("title", "") or cmd.text
        if not title:
            raise UsageError("notice.error.missing_title", usage)
        if len(title) > MAX_TITLE:
            raise UsageError("notice.error.too_long", usage, name="title", limit=str(MAX_TITLE))
        if not cmd.services:
            raise UsageError("notice.error.missing_option", usage, name="services")
        return _with(cmd, action="start", title=title, text="")
    if sub == "update":
        usage = "outage.usage.update"
        ref = _ref(args, OUTAGE_REF, usage)
        cmd = _shared(args[1:], usage, today, flags=False)
        if not (cmd.text or cmd.options.get("impact")):
            raise UsageError("notice.error.missing_note", usage)
        return _with(cmd, action="update", ref=ref)
    usage = "outage.usage.resolve"
    ref = _ref(args, OUTAGE_REF, usage)
    cmd = _shared(args[1:], usage, today, flags=False)
    cause = cmd.options.get("cause") or cmd.text
    if not cause:
        raise UsageError("notice.error.missing_option", usage, name="cause")
    return _with(cmd, action="resolve", ref=ref, text=cause)


def moment_at(moment: Moment, now: datetime, tz: ZoneInfo, cal: BusinessCalendar) -> datetime:
    """The instant a moment names: a day and time in the company's zone, a time today, or
    `now` plus a relative duration (business units on the calendar)."""
    if moment.relative is not None:
        try:
            return cal.add(now, parse_duration(moment.relative))
        except DurationError:
            raise UsageError(
                "notice.error.bad_time", "notice.usage.general", name="", value=moment.relative
            ) from None
    day = moment.day or now.astimezone(tz).date()
    return datetime.combine(day, moment.at or time(0), tzinfo=tz)


# The new-notice form's fields (Slack modal blocks, Teams card inputs), in display order.
FORM_FIELDS = (
    "title",
    "title_en",
    "start",
    "end",
    "services",
    "impact",
    "impact_en",
    "reason",
    "urgent",
)
_FORM_LIMITS = {
    "title": MAX_TITLE,
    "title_en": MAX_TITLE,
    "impact": MAX_TEXT,
    "impact_en": MAX_TEXT,
}


def parse_notice_form(
    values: dict[str, str | None], today: date
) -> tuple[NoticeCommand | None, dict[str, UsageError]]:
    """Read the new-notice form: a `plan` command, or the error of each bad field."""
    usage = "notice.usage.plan"
    errors: dict[str, UsageError] = {}
    text = {name: clean_text(values.get(name) or "") for name in FORM_FIELDS}
    for name, limit in _FORM_LIMITS.items():
        if len(text[name]) > limit:
            errors[name] = UsageError("notice.error.too_long", usage, name=name, limit=str(limit))
    if not text["title"]:
        errors["title"] = UsageError("notice.error.missing_title", usage)
    moments: dict[str, Moment] = {}
    for name in ("start", "end"):
        found, size = _moment(text[name].split(), today)
        if found is None or size != len(text[name].split()):
            if text[name]:
                errors[name] = UsageError(
                    "notice.error.bad_time", usage, name=name, value=text[name][:40]
                )
            else:
                errors[name] = UsageError("notice.error.missing_option", usage, name=name)
        else:
            moments[name] = found
    services = split_services(text["services"])
    if not services:
        errors["services"] = UsageError("notice.error.missing_option", usage, name="services")
    reason = notice_reason(text["reason"]) if text["reason"] else "maintenance"
    if reason is None:
        errors["reason"] = UsageError("notice.error.bad_reason", usage)
    if errors:
        return None, errors
    options = {k: text[k] for k in ("title_en", "impact", "impact_en") if text[k]}
    return (
        NoticeCommand(
            "plan",
            title=text["title"],
            options=options,
            moments=moments,
            services=services,
            reason=reason,
            urgent=text["urgent"] in ("yes", "true", "on", "urgent"),
        ),
        {},
    )
