"""Parse `/visitor`, `/room` and `/fieldvisit` text into a typed command (pure, no I/O).

The words are the shared grammar's (bot.domain.grammar VISIT_*), the tokenizer and mention
reading are `/inquiry`'s (bot.domain.commands), dates and times are bot.domain.when's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from bot.domain.commands import (
    MAX_COMMAND_CHARS,
    UsageError,
    clean_text,
    normal_colons,
    option_at,
    parse_mention,
    slack_plain,
    tokenize_marked,
)
from bot.domain.commands import parse_ref as inquiry_ref
from bot.domain.grammar import looks_like_key, visit_key, visit_subcommand
from bot.domain.visits import IdType, id_type
from bot.domain.when import parse_day, parse_moment, parse_time

MAX_FIELD_CHARS = 200
MAX_NOTE_CHARS = 2000
PREFIX = {"visitor": "vV", "fieldvisit": "fF", "room": "rR"}
_REF = re.compile(r"^(?:#)?([A-Za-z])?(\d{1,9})(?:번|호)?$")
_RANGE = re.compile(r"^(.+?)\s*[-~–]\s*(.+)$")


@dataclass(frozen=True)
class VisitCommand:
    """One parsed `/visitor`, `/room` or `/fieldvisit` invocation."""

    command: str  # visitor | room | fieldvisit
    action: str
    ref: int | None = None
    words: str = ""  # the free words: a visitor's name, a customer, a room, a note
    options: dict[str, str] = field(default_factory=dict)  # canonical key -> text
    host: str | None = None
    people: tuple[str, ...] = ()
    day: date | None = None
    at: time | None = None
    until: time | None = None
    id_type: IdType | None = None


def usage_of(command: str, action: str) -> str:
    """The catalogue key of a subcommand's usage line."""
    return f"visit.usage.{command}.{action}"


def parse_ref(token: str, command: str) -> int | None:
    """The number of `V3`, `v3`, `3`, `3번`, `#3` (`F1` for field visits, `R2` for bookings)."""
    m = _REF.match(token.strip())
    if not m:
        return None
    if m.group(1) and m.group(1) not in PREFIX[command]:
        return None
    return int(m.group(2))


def _moment_words(values: list[str], following: list[tuple[str, bool]], today: date) -> int:
    """How many of the following words continue a date/time value (0 when none do)."""
    best = -1
    plain = [w for w, q in following[:4]]
    for more in range(len(plain) + 1):
        if any(":" in w and looks_like_key(w.split(":", 1)[0]) for w in plain[:more]):
            break
        if parse_moment(" ".join(values + plain[:more]), today) is not None:
            best = more
    return best


def split_options(
    marked: list[tuple[str, bool]], usage: str, today: date
) -> tuple[list[tuple[str, bool]], dict[str, str]]:
    """Split `key:value` options (`회사:미래`, `회사: 미래`, `회사 : 미래`, full-width colons) from
    the other words. `at:`/`date:` values run over the words that continue a date and time
    (`at: 12월 4일 오후 3시`). An unknown key is an error; quoted words are never options."""
    plain = normal_colons(marked)
    words: list[tuple[str, bool]] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(plain):
        word = plain[i][0]
        option = option_at(plain, i)
        if option is None or _is_clock(word):
            words.append(marked[i])
            i += 1
            continue
        key, value, used = option
        canon = visit_key(key)
        if canon is None:
            raise UsageError("visit.error.unknown_key", usage, name=key[:40])
        i += used
        values = [value] if value else []
        if not values:
            if i >= len(plain):
                raise UsageError("visit.error.missing_value", usage, name=key[:40])
            values, i = [marked[i][0]], i + 1
        if canon in ("at", "date"):
            more = _moment_words(values, plain[i:], today)
            if more > 0:
                values += [w for w, _ in plain[i : i + more]]
                i += more
        if canon == "with":
            # `with:@a @b`: the mentions after it belong to it
            while i < len(plain) and not plain[i][1] and parse_mention(plain[i][0]):
                values.append(plain[i][0])
                i += 1
        options[canon] = " ".join(values).strip()
    return words, options


def _is_clock(word: str) -> bool:
    """`14:00` or `14:00-15:00` is a time, never a `key:value`."""
    return bool(re.match(r"^\d", word))


def _text(words: list[tuple[str, bool]]) -> str:
    return slack_plain(" ".join(w for w, _ in words)).strip()


def _check_len(value: str, usage: str, limit: int = MAX_FIELD_CHARS) -> str:
    if len(value) > limit:
        raise UsageError("visit.error.too_long", usage, limit=str(limit))
    return value


def example_ref(command: str) -> str:
    """A number as the command writes it, for its refusals (`V3`, `F3`, `R3`)."""
    return f"{PREFIX[command][1]}3"


def _ref(
    words: list[tuple[str, bool]], command: str, usage: str
) -> tuple[int, list[tuple[str, bool]]]:
    if not words:
        raise UsageError("visit.error.missing_ref", usage, example=example_ref(command))
    ref = parse_ref(words[0][0], command)
    if ref is None:
        raise UsageError(
            "visit.error.bad_ref", usage, ref=words[0][0][:40], example=example_ref(command)
        )
    return ref, words[1:]


def _moment(text: str, usage: str, today: date) -> tuple[date, time | None]:
    moment = parse_moment(text, today)
    if moment is None or moment.day is None:
        raise UsageError("visit.error.bad_time", usage, value=text[:40])
    return moment.day, moment.at


def _mentions(words: list[tuple[str, bool]]) -> tuple[list[tuple[str, bool]], list[str]]:
    rest, people = [], []
    for word, quoted in words:
        user = None if quoted else parse_mention(word)
        if user is None:
            rest.append((word, quoted))
        else:
            people.append(user)
    return rest, people


def _opts_text(options: dict[str, str], usage: str) -> dict[str, str]:
    out = {}
    for key, value in options.items():
        if key in ("host", "with"):
            out[key] = value  # mentions: read by parse_mention, never shown
            continue
        limit = MAX_NOTE_CHARS if key in ("notes", "outcome", "next", "reason") else MAX_FIELD_CHARS
        out[key] = _check_len(slack_plain(value).strip(), usage, limit)
    return out


def parse_visit_command(command: str, raw: str, today: date) -> VisitCommand:
    """Parse the text after `/visitor`, `/room` or `/fieldvisit`; raise UsageError with a
    catalogue key when malformed. `today` is the business calendar's date."""
    general = f"visit.usage.{command}.general"
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError("visit.error.too_long", general, limit=str(MAX_COMMAND_CHARS))
    text = clean_text(raw)
    if not text:
        default = {"visitor": "form", "room": "today", "fieldvisit": "list"}[command]
        return VisitCommand(command, default, day=today)
    marked = tokenize_marked(text)
    first = marked[0][0]
    sub = visit_subcommand(command, first)
    if sub is None:
        raise UsageError("visit.error.unknown_subcommand", general, sub=first[:40])
    if sub == "help":
        return VisitCommand(command, "help")
    usage = usage_of(command, sub)
    rest, options = split_options(marked[1:], usage, today)
    options = _opts_text(options, usage)
    if command == "visitor":
        return _visitor(sub, rest, options, usage, today)
    if command == "room":
        return _room(sub, rest, options, usage, today)
    return _fieldvisit(sub, rest, options, usage, today)


def _host(options: dict[str, str], usage: str) -> str | None:
    raw = options.pop("host", "")
    if not raw:
        return None
    host = parse_mention(raw.split()[0]) if raw.split() else None
    if host is None:
        raise UsageError("visit.error.bad_host", usage, value=raw[:40])
    return host


def _day_and_time(
    options: dict[str, str], usage: str, today: date
) -> tuple[date | None, time | None]:
    when = options.pop("at", "") or options.pop("date", "")
    if not when:
        return None, None
    return _moment(when, usage, today)


def _visitor(
    sub: str, rest: list[tuple[str, bool]], options: dict[str, str], usage: str, today: date
) -> VisitCommand:
    if sub in ("register", "walkin"):
        rest, people = _mentions(rest)
        host = _host(options, usage) or (people[0] if people else None)
        name = _check_len(_text(rest), usage)
        if not name:
            raise UsageError("visit.error.missing_name", usage)
        day, at = _day_and_time(options, usage, today)
        if sub == "register" and (day is None or at is None):
            raise UsageError("visit.error.missing_time", usage)
        kind = _id_kind(options, usage)
        return VisitCommand(
            "visitor", sub, words=name, options=options, host=host, day=day, at=at, id_type=kind
        )
    if sub in ("today",):
        return VisitCommand("visitor", "list", day=today)
    if sub == "list":
        when = _text(rest) or options.pop("date", "")
        day = parse_day(when, today) if when else today
        if day is None:
            raise UsageError("visit.error.bad_time", usage, value=when[:40])
        return VisitCommand("visitor", "list", day=day)
    ref, rest = _ref(rest, "visitor", usage)
    kind = _id_kind(options, usage)
    if sub == "seated":
        room = options.pop("room", "") or _text(rest)
        return VisitCommand("visitor", sub, ref=ref, options={**options, "room": room})
    if sub == "returned":
        what = {w.lower() for w, _ in rest} or {"badge", "id"}
        return VisitCommand("visitor", sub, ref=ref, words=" ".join(sorted(what)))
    note = _check_len(_text(rest), usage, MAX_NOTE_CHARS)
    return VisitCommand("visitor", sub, ref=ref, words=note, options=options, id_type=kind)


def _id_kind(options: dict[str, str], usage: str) -> IdType | None:
    raw = options.pop("id", "")
    if not raw:
        return None
    kind = id_type(raw)
    if kind is None:
        # never echoed back: what was typed there may be the number itself
        raise UsageError("visit.error.bad_id_type", usage)
    return kind


def _room(
    sub: str, rest: list[tuple[str, bool]], options: dict[str, str], usage: str, today: date
) -> VisitCommand:
    if sub == "today":
        when = _text(rest) or options.pop("date", "")
        day = parse_day(when, today) if when else today
        if day is None:
            raise UsageError("visit.error.bad_time", usage, value=when[:40])
        return VisitCommand("room", "today", day=day)
    if sub == "release":
        ref, _ = _ref(rest, "room", usage)
        return VisitCommand("room", "release", ref=ref)
    # book: "<room>" <day> <from>-<to> <purpose…>  (or room:/at: options)
    room = options.pop("room", "")
    if not room:
        if not rest:
            raise UsageError("visit.error.missing_room", usage)
        room, rest = rest[0][0], rest[1:]
    words = [w for w, _ in rest]
    day, used = None, 0
    for size in range(min(4, len(words)), 0, -1):
        day = parse_day(" ".join(words[:size]), today)
        if day is not None:
            used = size
            break
    start = end = None
    if used < len(words):
        m = _RANGE.match(words[used])
        if m and parse_time(m.group(1)) and parse_time(m.group(2)):
            start, end = parse_time(m.group(1)), parse_time(m.group(2))
            used += 1
        elif parse_time(words[used]):
            start = parse_time(words[used])
            used += 1
    if start is None and "at" in options:
        day, start = _moment(options.pop("at"), usage, today)
    if start is None:
        raise UsageError("visit.error.missing_time", usage)
    purpose = _check_len(slack_plain(" ".join(words[used:])).strip(), usage)
    return VisitCommand(
        "room",
        "book",
        words=_check_len(slack_plain(room).strip(), usage),
        options={**options, "purpose": options.get("purpose") or purpose},
        day=day or today,
        at=start,
        until=end,
    )


def _fieldvisit(
    sub: str, rest: list[tuple[str, bool]], options: dict[str, str], usage: str, today: date
) -> VisitCommand:
    if sub == "list":
        return VisitCommand("fieldvisit", "list")
    if sub == "plan":
        rest, people = _mentions(rest)
        with_people = []
        for word in options.pop("with", "").split():
            user = parse_mention(word)
            if user is None:
                raise UsageError("visit.error.bad_host", usage, value=word[:40])
            with_people.append(user)
        customer = _check_len(_text(rest), usage)
        if not customer:
            raise UsageError("visit.error.missing_customer", usage)
        day, at = _day_and_time(options, usage, today)
        if day is None or at is None:
            raise UsageError("visit.error.missing_time", usage)
        inquiry = options.pop("inquiry", "")
        if inquiry:
            number = inquiry_ref(inquiry)  # `#12`, `12`, `12번`: an inquiry's, never `V12`
            if number is None:
                raise UsageError("inquiry.error.bad_ref", usage, ref=inquiry[:40])
            options["inquiry"] = str(number)
        return VisitCommand(
            "fieldvisit",
            "plan",
            words=customer,
            options=options,
            people=tuple(dict.fromkeys([*with_people, *people])),
            day=day,
            at=at,
        )
    ref, rest = _ref(rest, "fieldvisit", usage)
    note = _check_len(_text(rest), usage, MAX_NOTE_CHARS)
    if sub == "report" and note and "outcome" not in options:
        options["outcome"] = note
    return VisitCommand("fieldvisit", sub, ref=ref, words=note, options=options)
