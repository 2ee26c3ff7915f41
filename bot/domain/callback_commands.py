"""Parse `/callback` and `/away` command text into typed commands (pure, no I/O).

The words come from the one grammar (bot.domain.grammar: CALLBACK_*, AWAY_*), dates and
times from the one parser (bot.domain.when), mentions, quotes and colons as `/inquiry` reads
them (bot.domain.commands).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from bot.domain.callbacks import normalize_phone, parse_callback_ref
from bot.domain.commands import (
    MAX_COMMAND_CHARS,
    MAX_NOTE_CHARS,
    UsageError,
    clean_text,
    normal_colons,
    option_at,
    parse_mention,
    parse_ref,
    slack_plain,
    tokenize_marked,
)
from bot.domain.durations import DurationError, DurationTooLong, parse_duration
from bot.domain.grammar import (
    URGENT_WORDS,
    away_key,
    away_subcommand,
    callback_key,
    callback_subcommand,
)
from bot.domain.when import parse_day, parse_moment, parse_relative

MAX_FIELD = 200


@dataclass(frozen=True)
class CallbackCommand:
    """One parsed `/callback` invocation."""

    action: str  # form help new list show claim done pass
    number: int | None = None
    owner: str | None = None  # new: whose call it is; pass: the colleague chosen
    caller: str = ""
    company: str = ""
    phone: str = ""
    topic: str = ""
    inquiry: int | None = None
    urgent: bool = False
    note: str = ""
    scope: str = "open"  # list: open | mine | all


@dataclass(frozen=True)
class AwayCommand:
    """One parsed `/away` invocation; `until_day`/`until_at` as typed (the service resolves
    them on the company's calendar), or `until_relative` (`+2h`)."""

    action: str  # set off status help
    until_day: date | None = None
    until_at: time | None = None
    until_relative: str | None = None
    delegate: str | None = None
    reason: str = ""


def split_options(
    marked: list[tuple[str, bool]], key_of: Callable[[str], str | None], usage: str
) -> tuple[list[tuple[str, bool]], dict[str, list[str]]]:
    """Split `key:value` / `key: value` / `key :value` options (the grammar's keys, via
    `key_of`) from the other words. `delegate` takes one word; `until` every word up to the
    next option (the caller keeps the part that reads as a time). An unknown key is an
    error; quoted words are never options."""
    words: list[tuple[str, bool]] = []
    options: dict[str, list[str]] = {}
    current: str | None = None
    plain = normal_colons(marked)
    i = 0
    while i < len(plain):
        option = option_at(plain, i)
        if option is not None:
            key, value, used = option
            canon = key_of(key)
            if canon is None:
                raise UsageError("inquiry.error.unknown_key", usage, name=key[:40])
            current = canon
            options[current] = [value] if value else []
            i += used
            if value and current == "delegate":
                current = None
            continue
        if current is None:
            words.append(marked[i])
        else:
            options[current].append(marked[i][0])
            if current == "delegate":
                current = None
        i += 1
    for name, values in options.items():
        if not values:
            raise UsageError("inquiry.error.missing_value", usage, name=name)
    return words, options


def _text(value: str, usage: str, limit: int = MAX_FIELD) -> str:
    text = slack_plain(value).strip()
    if len(text) > limit:
        raise UsageError("inquiry.error.too_long", usage, limit=str(limit))
    return text


def _number(tokens: list[str], usage: str) -> int:
    if not tokens:
        raise UsageError("callback.error.missing_ref", usage)
    number = parse_callback_ref(tokens[0])
    if number is None:
        raise UsageError("callback.error.bad_ref", usage, ref=tokens[0][:40])
    return number


def _parse_new(marked: list[tuple[str, bool]]) -> CallbackCommand:
    usage = "callback.usage.new"
    # the company and topic run over words until the next option (quotes also work)
    words, options = _new_options(marked, usage)
    owner = None
    caller_words: list[str] = []
    urgent = False
    for word, quoted in words:
        if not quoted and owner is None and (mention := parse_mention(word)) is not None:
            owner = mention
        elif not quoted and word.lower() in URGENT_WORDS:
            urgent = True
        else:
            caller_words.append(word)
    if owner is None:
        raise UsageError("callback.error.missing_owner", usage)
    phone_text = " ".join(options.get("phone", []))
    if not phone_text:
        raise UsageError("callback.error.missing_phone", usage)
    phone = normalize_phone(phone_text)
    if phone is None:
        raise UsageError("callback.error.bad_phone", usage, value=phone_text[:40])
    inquiry = None
    if options.get("inquiry"):
        inquiry = parse_ref(options["inquiry"][0])
        if inquiry is None:
            raise UsageError("inquiry.error.bad_ref", usage, ref=options["inquiry"][0][:40])
    topic = _text(" ".join(options.get("topic", [])), usage, 500)
    return CallbackCommand(
        "new",
        owner=owner,
        caller=_text(" ".join(caller_words), usage),
        company=_text(" ".join(options.get("company", [])), usage),
        phone=phone,
        topic=topic,
        inquiry=inquiry,
        urgent=urgent,
    )


def _new_options(
    marked: list[tuple[str, bool]], usage: str
) -> tuple[list[tuple[str, bool]], dict[str, list[str]]]:
    """`/callback`'s options: company and topic take the words up to the next option or
    mention (write them in quotes to be sure); phone and inquiry one word (a phone number
    typed with spaces: `02 1234 5678` is taken while the words are digits)."""
    words: list[tuple[str, bool]] = []
    options: dict[str, list[str]] = {}
    current: str | None = None
    plain = normal_colons(marked)
    i = 0
    while i < len(plain):
        word, quoted = plain[i]
        option = option_at(plain, i)
        if option is not None:
            key, value, used = option
            canon = callback_key(key)
            if canon is None:
                raise UsageError("inquiry.error.unknown_key", usage, name=key[:40])
            current = canon
            options[current] = [value] if value else []
            i += used
            if value and (quoted or canon == "inquiry"):
                current = None
            continue
        raw = marked[i][0]
        if current is None or (not quoted and parse_mention(word) is not None):
            words.append(marked[i])
            current = None
        elif current == "inquiry":
            if options[current]:
                words.append(marked[i])
                current = None
            else:
                options[current].append(raw)
                current = None
        elif current == "phone":
            if not options[current] or (not quoted and word.replace("-", "").isdigit()):
                options[current].append(raw)
            else:
                words.append(marked[i])
                current = None
        else:
            options[current].append(raw)
            if quoted and len(options[current]) == 1:
                current = None
        i += 1
    for name, values in options.items():
        if not values:
            raise UsageError("inquiry.error.missing_value", usage, name=name)
    return words, options


def parse_callback_command(raw: str) -> CallbackCommand:
    """Parse the text after `/callback`; raise UsageError with a catalogue key when malformed."""
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError("inquiry.error.too_long", "callback.usage.general", limit="3000")
    text = clean_text(raw)
    if not text:
        return CallbackCommand("form")
    marked = tokenize_marked(text)
    first = marked[0][0]
    sub = callback_subcommand(first) if not marked[0][1] else None
    # `제가 걸게요`, `통화 완료`, `못 해요`: the button words typed with their space
    if sub is None and len(marked) > 1:
        sub = callback_subcommand(first + marked[1][0])
        if sub is not None:
            marked = [(first + marked[1][0], False), *marked[2:]]
    args = [w for w, _ in marked[1:]]
    if sub == "help":
        return CallbackCommand("help")
    if sub == "list":
        scope = {"mine": "mine", "내것": "mine", "all": "all", "전체": "all"}.get(
            (args[0] if args else "open").lower(), "open"
        )
        return CallbackCommand("list", scope=scope)
    if sub in ("show", "claim"):
        usage = f"callback.usage.{sub}"
        number = _number(args, usage)
        if len(args) > 1:
            raise UsageError("inquiry.error.extra_words", usage)
        return CallbackCommand(sub, number=number)
    if sub in ("done", "pass"):
        usage = f"callback.usage.{sub}"
        number = _number(args, usage)
        rest = args[1:]
        colleague = None
        if sub == "pass" and rest and (mention := parse_mention(rest[0])) is not None:
            colleague, rest = mention, rest[1:]
        note = _text(" ".join(rest), usage, MAX_NOTE_CHARS)
        return CallbackCommand(sub, number=number, owner=colleague, note=note)
    words = [w for w, _ in marked]
    looks_new = any(parse_mention(w) for w in words) or any(
        ":" in w for w, _ in normal_colons([(w, False) for w in words])
    )
    if sub is None and not looks_new:
        raise UsageError(
            "callback.error.unknown_subcommand", "callback.usage.general", sub=first[:40]
        )
    return _parse_new(marked)


def _until(
    values: list[str], today: date, usage: str
) -> tuple[date | None, time | None, str | None]:
    text = " ".join(values)
    if text.startswith("+"):
        relative = parse_relative(text)
        if relative is None:
            raise UsageError("away.error.bad_until", usage, value=text[:40])
        try:
            parse_duration(relative)
        except DurationTooLong:
            pass  # well formed: the service refuses it with the absence's own limit
        except DurationError:
            raise UsageError("away.error.bad_until", usage, value=text[:40]) from None
        return None, None, relative
    moment = parse_moment(text, today)
    if moment is None:
        day = parse_day(text, today)
        if day is None:
            raise UsageError("away.error.bad_until", usage, value=text[:40])
        return day, None, None
    return moment.day, moment.at, None


def parse_away_command(raw: str, today: date) -> AwayCommand:
    """Parse the text after `/away`: `until:17:00 [delegate:@alex] [reason…]`, `off`,
    `status` (also no words), `help`; `today` on the company's calendar."""
    usage = "away.usage"
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError("inquiry.error.too_long", usage, limit="3000")
    text = clean_text(raw)
    if not text:
        return AwayCommand("status")
    marked = tokenize_marked(text)
    sub = away_subcommand(marked[0][0]) if not marked[0][1] else None
    if sub is not None:
        if len(marked) > 1:
            raise UsageError("inquiry.error.extra_words", usage)
        return AwayCommand(sub)
    words, options = split_options(marked, away_key, usage)
    delegate = None
    reason_words: list[str] = []
    for word, quoted in words:
        mention = None if quoted else parse_mention(word)
        if mention is not None and delegate is None:
            delegate = mention
        else:
            reason_words.append(word)
    if options.get("delegate"):
        delegate = parse_mention(options["delegate"][0])
        if delegate is None:
            raise UsageError("away.error.bad_delegate", usage, value=options["delegate"][0][:40])
    if not options.get("until"):
        raise UsageError("away.error.missing_until", usage)
    # a time may be followed by the reason: take the longest prefix that reads as a time
    values = options["until"]
    for size in range(min(len(values), 4), 0, -1):
        try:
            day, at, relative = _until(values[:size], today, usage)
        except UsageError:
            continue
        reason_words = values[size:] + reason_words
        break
    else:
        raise UsageError("away.error.bad_until", usage, value=" ".join(values)[:40])
    return AwayCommand(
        "set",
        until_day=day,
        until_at=at,
        until_relative=relative,
        delegate=delegate,
        reason=_text(" ".join(reason_words), usage, 500),
    )
