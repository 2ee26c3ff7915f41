"""Parse `/inquiry` command text into a typed command (pure, no I/O)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time

from bot.domain.inquiry import Kind, parse_kind

MAX_COMMAND_CHARS = 3000
MAX_TITLE_CHARS = 200
MAX_NOTE_CHARS = 2900

# `<@U…>` (Slack), and `<@29:…>` / `<@GUID>`: a Teams mention as its adapter writes it
MENTION = re.compile(
    r"^<@([UW][A-Z0-9]{2,20}|29:[A-Za-z0-9_+/=-]{4,250}"
    r"|[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})(?:\|[^>]{0,100})?>$"
)
REF = re.compile(r"^#?(\d{1,9})$")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
RELATIVE = re.compile(r"^\+(.+)$")
LIST_SCOPES = ("mine", "team", "open", "overdue", "all")
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

    action: str  # modal help new list show assign eta progress milestone hold resume resolve reopen
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
    tokens: list[str] = []
    buf: list[str] = []
    quote: str | None = None
    started = False
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
            else:
                buf.append(ch)
        elif ch in ('"', "“", "”"):
            quote = QUOTES[ch]
            started = True
        elif ch.isspace():
            if buf or started:
                tokens.append("".join(buf))
            buf, started = [], False
        else:
            buf.append(ch)
    if buf or started:
        tokens.append("".join(buf))
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


def _ref(tokens: list[str], usage: str) -> int:
    if not tokens:
        raise UsageError("inquiry.error.missing_ref", usage)
    m = REF.match(tokens[0])
    if not m:
        raise UsageError("inquiry.error.bad_ref", usage, ref=tokens[0][:40])
    return int(m.group(1))


def _rest(tokens: list[str], usage: str) -> str:
    text = slack_plain(" ".join(tokens)).strip()
    if not text:
        raise UsageError("inquiry.error.missing_text", usage)
    if len(text) > MAX_NOTE_CHARS:
        raise UsageError("inquiry.error.too_long", usage, limit=str(MAX_NOTE_CHARS))
    return text


def parse_eta(tokens: list[str]) -> EtaSpec:
    """Parse `YYYY-MM-DD [HH:MM]`, `+2h` or `+3bd`."""
    usage = "inquiry.usage.eta"
    if not tokens or len(tokens) > 2:
        raise UsageError("inquiry.error.bad_eta", usage, value=" ".join(tokens)[:40])
    rel = RELATIVE.match(tokens[0])
    if rel and len(tokens) == 1:
        return EtaSpec(relative=rel.group(1))
    day = parse_date(tokens[0])
    if day is None:
        raise UsageError("inquiry.error.bad_eta", usage, value=" ".join(tokens)[:40])
    at = None
    if len(tokens) == 2:
        m = CLOCK.match(tokens[1])
        if not m:
            raise UsageError("inquiry.error.bad_eta", usage, value=" ".join(tokens)[:40])
        at = time(int(m.group(1)), int(m.group(2)))
    return EtaSpec(day=day, at=at)


def _parse_new(tokens: list[str]) -> InquiryCommand:
    usage = "inquiry.usage.new"
    if not tokens:
        raise UsageError("inquiry.error.missing_kind", usage)
    kind = parse_kind(tokens[0])
    if kind is None:
        raise UsageError("inquiry.error.bad_kind", usage, kind=tokens[0][:40])
    words: list[str] = []
    customer, due, user = "", None, None
    for tok in tokens[1:]:
        low = tok.lower()
        if low.startswith("customer:") or tok.startswith("고객:"):
            customer = tok.split(":", 1)[1].strip()
        elif low.startswith("due:") or tok.startswith("기한:"):
            value = tok.split(":", 1)[1].strip()
            due = parse_date(value)
            if due is None:
                raise UsageError("inquiry.error.bad_date", usage, value=value[:40])
        elif (mention := parse_mention(tok)) is not None:
            user = mention
        else:
            words.append(tok)
    title = slack_plain(" ".join(words)).strip()
    customer = slack_plain(customer)
    if not title:
        raise UsageError("inquiry.error.missing_title", usage)
    if len(title) > MAX_TITLE_CHARS:
        raise UsageError("inquiry.error.title_too_long", usage, limit=str(MAX_TITLE_CHARS))
    if len(customer) > 200:
        raise UsageError("inquiry.error.too_long", usage, limit="200")
    return InquiryCommand("new", kind=kind, title=title, customer=customer, due=due, user=user)


def split_head(text: str, count: int) -> tuple[list[str], str]:
    """Split off the first count words; return them and the rest of the text unchanged."""
    parts = text.split(None, count)
    if len(parts) <= count:
        return parts, ""
    return parts[:count], parts[count]


# The commands a message typed to the bot may start with (Teams has no slash commands).
COMMAND_NAMES = frozenset({"inquiry"})


def split_command(message: str) -> tuple[str, str] | None:
    """Split a message typed to the bot (`inquiry list`, `/inquiry new support …`) into the
    command's name and the rest (what `/inquiry` hands in on Slack); None when it is none."""
    parts = message.strip().split(None, 1)
    name = parts[0].lower().removeprefix("/") if parts else ""
    if name not in COMMAND_NAMES:
        return None
    return name, parts[1] if len(parts) > 1 else ""


def parse_inquiry_command(raw: str) -> InquiryCommand:
    """Parse the text after `/inquiry`; raise UsageError with a catalogue key when malformed."""
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError("inquiry.error.too_long", limit=str(MAX_COMMAND_CHARS))
    text = clean_text(raw)
    if not text:
        return InquiryCommand("modal")
    tokens = tokenize(text)
    sub, args = tokens[0].lower(), tokens[1:]
    if sub in ("help", "도움말", "?"):
        return InquiryCommand("help")
    if sub in ("new", "새", "등록"):
        return _parse_new(args)
    if sub in ("list", "목록"):
        scope = args[0].lower() if args else "mine"
        if scope not in LIST_SCOPES:
            raise UsageError("inquiry.error.bad_scope", "inquiry.usage.list", scope=scope[:40])
        if len(args) > 1:
            raise UsageError("inquiry.error.extra_words", "inquiry.usage.list")
        return InquiryCommand("list", scope=scope)
    if sub in ("show", "보기"):
        usage = "inquiry.usage.show"
        ref = _ref(args, usage)
        if len(args) > 1:
            raise UsageError("inquiry.error.extra_words", usage)
        return InquiryCommand("show", ref=ref)
    if sub in ("assign", "배정"):
        usage = "inquiry.usage.assign"
        ref = _ref(args, usage)
        user = parse_mention(args[1]) if len(args) == 2 else None
        if user is None:
            raise UsageError("inquiry.error.missing_user", usage)
        return InquiryCommand("assign", ref=ref, user=user)
    if sub == "eta":
        ref = _ref(args, "inquiry.usage.eta")
        return InquiryCommand("eta", ref=ref, eta=parse_eta(args[1:]))
    words, note = split_head(text, 2)
    free = [note] if note else []
    if sub in ("progress", "진행"):
        usage = "inquiry.usage.progress"
        return InquiryCommand("progress", ref=_ref(words[1:], usage), text=_rest(free, usage))
    if sub in ("milestone", "단계"):
        usage = "inquiry.usage.milestone"
        ref = _ref(args, usage)
        head, stage = split_head(text, 3)
        day = parse_date(head[2]) if len(head) > 2 else None
        if day is None:
            raise UsageError(
                "inquiry.error.bad_date", usage, value=(head[2] if len(head) > 2 else "")[:40]
            )
        return InquiryCommand(
            "milestone", ref=ref, day=day, text=_rest([stage] if stage else [], usage)
        )
    if sub in ("hold", "보류"):
        usage = "inquiry.usage.hold"
        return InquiryCommand("hold", ref=_ref(words[1:], usage), text=_rest(free, usage))
    if sub in ("resume", "재개"):
        usage = "inquiry.usage.resume"
        ref = _ref(args, usage)
        if len(args) > 1:
            raise UsageError("inquiry.error.extra_words", usage)
        return InquiryCommand("resume", ref=ref)
    if sub in ("resolve", "해결"):
        usage = "inquiry.usage.resolve"
        return InquiryCommand("resolve", ref=_ref(words[1:], usage), text=_rest(free, usage))
    if sub in ("reopen", "재오픈"):
        usage = "inquiry.usage.reopen"
        return InquiryCommand("reopen", ref=_ref(words[1:], usage), text=_rest(free, usage))
    raise UsageError("inquiry.error.unknown_subcommand", sub=sub[:40])
