"""Parse `/inquiry` command text into a typed command (pure, no I/O)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time

from bot.domain.durations import DurationError, parse_duration
from bot.domain.grammar import (
    COLONS,
    command_name,
    looks_like_key,
    option_key,
    scope,
    subcommand,
)
from bot.domain.grammar import kind as grammar_kind
from bot.domain.inquiry import Kind
from bot.domain.when import parse_day, parse_moment, parse_relative, parse_time

MAX_COMMAND_CHARS = 3000
MAX_TITLE_CHARS = 200
MAX_NOTE_CHARS = 2900

# `<@U…>` (Slack), and `<@29:…>` / `<@GUID>`: a Teams mention as its adapter writes it
MENTION = re.compile(
    r"^<@([UW][A-Z0-9]{2,20}|29:[A-Za-z0-9_+/=-]{4,250}"
    r"|[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})(?:\|[^>]{0,100})?>$"
)
REF = re.compile(r"^(?:#|제\s?)?(\d{1,9})(?:번|호)?$")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
LIST_SCOPES = ("mine", "team", "open", "overdue", "all")
EMOJI = re.compile(r":(?:[a-z0-9_+'-]*[a-z][a-z0-9_+'-]*|[+-]1):")  # `:smile:`, `:+1:`; not `:15:`
QUOTES = {'"': '"', "“": "”", "”": "”", "'": "'"}


class UsageError(Exception):
    """The text does not follow the grammar; `key`/`params` name a catalogue message."""

    def __init__(self, key: str, usage: str = "inquiry.usage.general", **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.usage = usage
        self.params = params


@dataclass(frozen=True)
class EtaSpec:
    """An ETA as typed: an absolute date (and time), or a relative duration text."""

    day: date | None = None
    at: time | None = None
    relative: str | None = None


@dataclass(frozen=True)
class InquiryCommand:
    """One parsed `/inquiry` invocation."""

    action: str  # modal help new list show assign transfer eta progress milestone hold resume …
    ref: int | None = None
    kind: Kind | None = None
    title: str = ""
    customer: str = ""
    due: date | None = None
    user: str | None = None
    scope: str = "mine"
    eta: EtaSpec | None = None
    text: str = ""
    day: date | None = None
    extra: dict[str, str] = field(default_factory=dict)
    force: bool = False  # a date written with `!`: taken even on a non-working day


SLACK_MARKUP = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def _markup_as_text(m: re.Match[str]) -> str:
    target, label = m.group(1), m.group(2)
    if target[:1] in ("@", "#"):
        return target[0] + (label or target[1:])
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0])
    return label or target


def slack_plain(text: str) -> str:
    """Turn Slack's wire format into the text the person typed.

    Slack escapes &, < and > in message and (with should_escape) command text, and writes
    mentions and links as <...> markup; stored titles and notes keep what the person saw, and
    are escaped again whenever the bot puts them into mrkdwn.
    """
    text = SLACK_MARKUP.sub(_markup_as_text, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean_text(text: str) -> str:
    """Drop control characters (tabs and newlines become spaces) and normalise to NFC."""
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        if ch in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d":
            continue
        else:
            out.append(ch)
    return "".join(out).strip()


def tokenize(text: str) -> list[str]:
    """Split on spaces, keeping double-quoted runs (also after `key:`) together."""
    return [word for word, _ in tokenize_marked(text)]


def tokenize_marked(text: str) -> list[tuple[str, bool]]:
    """Like `tokenize`, with whether each word was (partly) quoted: quoted words are never
    read as keywords or options."""
    tokens: list[tuple[str, bool]] = []
    buf: list[str] = []
    quote: str | None = None
    started = quoted = False
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
            else:
                buf.append(ch)
        elif ch in ('"', "“", "”"):
            quote = QUOTES[ch]
            quoted = quoted or not buf
            started = True
        elif ch.isspace():
            if buf or started:
                tokens.append(("".join(buf), quoted))
            buf, started, quoted = [], False, False
        else:
            buf.append(ch)
    if buf or started:
        tokens.append(("".join(buf), quoted))
    return tokens


def parse_mention(token: str) -> str | None:
    """Return the user id of `<@U…>` or `<@U…|name>`, else None."""
    m = MENTION.match(token)
    return m.group(1) if m else None


def parse_date(token: str) -> date | None:
    """Return the date of a `YYYY-MM-DD` token, else None."""
    m = DATE.match(token)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_ref(token: str) -> int | None:
    """The inquiry number of `42`, `#42`, `42번`, `제42호` (None for anything else)."""
    m = REF.match(token)
    return int(m.group(1)) if m else None


def _ref(tokens: list[str], usage: str) -> int:
    if not tokens:
        raise UsageError("inquiry.error.missing_ref", usage)
    ref = parse_ref(tokens[0])
    if ref is None:
        raise UsageError("inquiry.error.bad_ref", usage, ref=tokens[0][:40])
    return ref


def _rest(tokens: list[str], usage: str) -> str:
    text = slack_plain(" ".join(tokens)).strip()
    if not text:
        raise UsageError("inquiry.error.missing_text", usage)
    if len(text) > MAX_NOTE_CHARS:
        raise UsageError("inquiry.error.too_long", usage, limit=str(MAX_NOTE_CHARS))
    return text


def _day_prefix(words: list[str], today: date | None) -> tuple[date | None, int, bool]:
    """The longest run of leading words (at most four) that names a day, its length, and
    whether it ends with `!` (force)."""
    for size in range(min(4, len(words)), 0, -1):
        text, forced = _forced(" ".join(words[:size]))
        day = _day_of(text, today)
        if day is not None:
            return day, size, forced
    return None, 0, False


def parse_eta(tokens: list[str], today: date | None = None) -> EtaSpec:
    """Parse an ETA: a day (and time), a time today, or a relative duration (`+2시간`, `+3bd`);
    see `bot.domain.when` for the forms."""
    usage = "inquiry.usage.eta"
    text = " ".join(tokens)
    bad = UsageError("inquiry.error.bad_eta", usage, value=text[:40])
    if not tokens or len(tokens) > 6:
        raise bad
    if text.startswith("+"):
        relative = parse_relative(text)
        if relative is None:
            raise bad
        try:
            parse_duration(relative)
        except DurationError:
            raise UsageError("inquiry.error.duration_too_long", usage, value=text[:40]) from None
        return EtaSpec(relative=relative)
    if today is None:  # only `YYYY-MM-DD [HH:MM]` resolves without today
        day = parse_date(tokens[0])
        at = parse_time(tokens[1]) if len(tokens) == 2 and CLOCK.match(tokens[1]) else None
        if day is None or (len(tokens) == 2 and at is None) or len(tokens) > 2:
            raise bad
        return EtaSpec(day=day, at=at)
    moment = parse_moment(text, today)
    if moment is None or moment.day is None:
        raise bad
    return EtaSpec(day=moment.day, at=moment.at)


@dataclass(frozen=True)
class _Options:
    words: list[tuple[str, bool]]
    customer: str = ""
    due: date | None = None
    force: bool = False


def _options(marked: list[tuple[str, bool]], usage: str, today: date | None) -> _Options:
    """Split `key:value` options from the other words: `고객:미래에셋`, `고객: 미래에셋`,
    `고객 : 미래에셋`, `고객 :미래에셋`, `고객：미래에셋` (full-width colon). The value is the
    next word when nothing follows the colon; a due date may run over words (`마감: 12월 31일`).
    An unknown key is an error, never part of the title; quoted words are never options."""
    plain = normal_colons(marked)
    words: list[tuple[str, bool]] = []
    customer, due, force = "", None, False
    i = 0
    while i < len(plain):
        option = option_at(plain, i)
        if option is None:
            words.append(marked[i])
            i += 1
            continue
        key, value, used = option
        canon = option_key(key)
        if canon is None:
            raise UsageError("inquiry.error.unknown_key", usage, name=key[:40])
        i += used
        values = [value] if value else []
        if not values:
            if i >= len(plain):
                raise UsageError("inquiry.error.missing_value", usage, name=key[:40])
            values, i = [marked[i][0]], i + 1
        if canon == "customer":
            customer = values[0].strip()
            continue
        # a due date: its first word, and up to three more when they continue it
        following = [w for w, q in plain[i : i + 3]]
        for more in range(len(following), -1, -1):
            text, forced = _forced(" ".join(values + following[:more]))
            day = _day_of(text, today)
            if day is not None:
                due, i, force = day, i + more, forced
                break
        else:
            raise UsageError("inquiry.error.bad_date", usage, value=values[0][:40])
    return _Options(words, customer, due, force)


def _forced(text: str) -> tuple[str, bool]:
    """A date text without its `!` (force: even a non-working day), and whether it had one."""
    text = text.strip()
    return (text[:-1].rstrip(), True) if text.endswith("!") else (text, False)


def _day_of(text: str, today: date | None) -> date | None:
    """The day a text names; without today only `YYYY-MM-DD` (and its dotted forms)."""
    if today is None:
        return parse_date(text)
    return parse_day(text, today)


def normal_colons(marked: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The words with every colon a keyboard or IME may give written as `:` (quoted words
    as typed): what option_at reads."""
    return [(w if q else _colon(w), q) for w, q in marked]


def option_at(plain: list[tuple[str, bool]], i: int) -> tuple[str, str, int] | None:
    """The `key:value` option starting at word i of normal_colons' words, as (key, value,
    words it takes): `key:value`, `key:` (the value is the next word), `key :value`. Quoted
    words and emoji shortcodes (`:smile:`) are never keys; None for any other word. Every
    command's option splitter (inquiry, visit, notice, callback) reads its keys with this."""
    word, quoted = plain[i]
    if quoted:
        return None
    if ":" in word and not word.startswith(":") and not EMOJI.search(word):
        key, value = word.split(":", 1)
        return (key, value, 1) if looks_like_key(key) else None
    if (
        i + 1 < len(plain)
        and not plain[i + 1][1]
        and plain[i + 1][0].startswith(":")
        and not EMOJI.match(plain[i + 1][0])
        and looks_like_key(word)
    ):
        return word, plain[i + 1][0][1:], 2
    return None


def _colon(word: str) -> str:
    for colon in COLONS[1:]:
        word = word.replace(colon, ":")
    return word


def _parse_new(marked: list[tuple[str, bool]], today: date | None) -> InquiryCommand:
    usage = "inquiry.usage.new"
    if not marked:
        raise UsageError("inquiry.error.missing_kind", usage)
    kind = None
    if len(marked) > 1 and not marked[0][1] and not marked[1][1]:
        kind = grammar_kind(f"{marked[0][0]} {marked[1][0]}")  # `고객의 소리`
    rest = marked[2:] if kind else marked[1:]
    kind = kind or grammar_kind(marked[0][0])
    if kind is None:
        raise UsageError("inquiry.error.bad_kind", usage, kind=marked[0][0][:40])
    opts = _options(rest, usage, today)
    user = None
    title_words: list[str] = []
    for word, quoted in opts.words:
        if not quoted and (mention := parse_mention(word)) is not None:
            user = mention
        else:
            title_words.append(word)
    title = slack_plain(" ".join(title_words)).strip()
    customer = slack_plain(opts.customer)
    if not title:
        raise UsageError("inquiry.error.missing_title", usage)
    if len(title) > MAX_TITLE_CHARS:
        raise UsageError("inquiry.error.title_too_long", usage, limit=str(MAX_TITLE_CHARS))
    if len(customer) > 200:
        raise UsageError("inquiry.error.too_long", usage, limit="200")
    return InquiryCommand(
        "new", kind=kind, title=title, customer=customer, due=opts.due, user=user, force=opts.force
    )


def split_head(text: str, count: int) -> tuple[list[str], str]:
    """Split off the first count words; return them and the rest of the text unchanged."""
    parts = text.split(None, count)
    if len(parts) <= count:
        return parts, ""
    return parts[:count], parts[count]


def split_command(message: str) -> tuple[str, str] | None:
    """Split a message typed to the bot (`inquiry list`, `/inquiry new support …`, `문의 목록`)
    into the command's name and the rest (what `/inquiry` hands in on Slack); None when it is
    none."""
    parts = message.strip().split(None, 1)
    name = command_name(parts[0]) if parts else None
    if name is None:
        return None
    return name, parts[1] if len(parts) > 1 else ""


def parse_inquiry_command(raw: str, today: date | None = None) -> InquiryCommand:
    """Parse the text after `/inquiry`; raise UsageError with a catalogue key when malformed.

    `today` is the date on the business calendar's zone: words such as `내일`, `금요일`,
    `12/31` or `15시` resolve against it (without it only `YYYY-MM-DD [HH:MM]` dates parse).
    """
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError("inquiry.error.too_long", limit=str(MAX_COMMAND_CHARS))
    text = clean_text(raw)
    if not text:
        return InquiryCommand("modal")
    marked = tokenize_marked(text)
    tokens = [w for w, _ in marked]
    first = tokens[0].lower()
    sub, args = subcommand(first), tokens[1:]
    if sub == "help":
        return InquiryCommand("help")
    if sub == "new":
        return _parse_new(marked[1:], today)
    if sub == "list":
        found = scope(args[0]) if args else "mine"
        if found is None:
            raise UsageError("inquiry.error.bad_scope", "inquiry.usage.list", scope=args[0][:40])
        if len(args) > 1:
            raise UsageError("inquiry.error.extra_words", "inquiry.usage.list")
        return InquiryCommand("list", scope=found)
    if sub == "show":
        usage = "inquiry.usage.show"
        ref = _ref(args, usage)
        if len(args) > 1:
            raise UsageError("inquiry.error.extra_words", usage)
        return InquiryCommand("show", ref=ref)
    if sub == "assign":
        usage = "inquiry.usage.assign"
        ref = _ref(args, usage)
        user = parse_mention(args[1]) if len(args) == 2 else None
        if user is None:
            raise UsageError("inquiry.error.missing_user", usage)
        return InquiryCommand("assign", ref=ref, user=user)
    if sub == "eta":
        ref = _ref(args, "inquiry.usage.eta")
        when, forced = _forced(" ".join(args[1:]))
        eta = parse_eta(when.split(), today) if when else parse_eta([], today)
        return InquiryCommand("eta", ref=ref, eta=eta, force=forced)
    words, note = split_head(text, 2)
    free = [note] if note else []
    if sub == "milestone":
        usage = "inquiry.usage.milestone"
        ref = _ref(args, usage)
        day, used, forced = _day_prefix(args[1:], today)
        if day is None:
            raise UsageError(
                "inquiry.error.bad_date", usage, value=(args[1] if len(args) > 1 else "")[:40]
            )
        _, stage = split_head(text, 2 + used)
        return InquiryCommand(
            "milestone",
            ref=ref,
            day=day,
            text=_rest([stage] if stage else [], usage),
            force=forced,
        )
    if sub in ("progress", "hold", "resolve", "reopen"):
        usage = f"inquiry.usage.{sub}"
        return InquiryCommand(sub, ref=_ref(words[1:], usage), text=_rest(free, usage))
    if sub == "transfer":
        usage = "inquiry.usage.transfer"
        ref = _ref(args, usage)
        user = parse_mention(args[1]) if len(args) >= 2 else None
        if user is None:
            raise UsageError("inquiry.error.missing_user", usage)
        _, reason = split_head(text, 3)
        reason = slack_plain(reason).strip()
        if len(reason) > MAX_NOTE_CHARS:
            raise UsageError("inquiry.error.too_long", usage, limit=str(MAX_NOTE_CHARS))
        return InquiryCommand("transfer", ref=ref, user=user, text=reason)
    if sub == "resume":
        usage = "inquiry.usage.resume"
        ref = _ref(args, usage)
        if len(args) > 1:
            raise UsageError("inquiry.error.extra_words", usage)
        return InquiryCommand("resume", ref=ref)
    raise UsageError("inquiry.error.unknown_subcommand", sub=first[:40])
