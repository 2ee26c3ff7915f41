"""Message catalogues (ko, en) in one neutral markup, rendered by each platform's `Markup`.

This package knows no chat platform. Templates in ko.json and en.json are written in this
markup, and every platform adapter renders them in its own format and escaping (Slack:
`bot.adapters.slack.text`, mrkdwn with `<@U…>` mentions; Teams: Adaptive Card text with
`<at>…</at>` mentions):

- `**bold**` — bold; it may hold placeholders and code.
- `` `code` `` — code (commands, references); it may hold placeholders, never bold.
- `{name}` — a placeholder, filled by its parameter. `{name:을}` adds the Korean particle
  that fits the value (see `bot.i18n.markup`). What a parameter is follows from its name
  (`took`, `late`, `duration`: a duration such as `3h 20m`, written `3시간 20분` in Korean): `user`, `assignee`, `requester`, `actor`, `manager` and `*_user` hold a person's id
  (a mention); `*_users` a list of people's ids (mentions joined by ", "); `channel` a channel
  id; a `Link(url, label)` value is a link; a `Rendered` value is text already rendered for
  the same platform; everything else is user text, escaped by the platform.
- Everything else is literal text: `<`, `>`, `&` and quotes are written as themselves (never
  as entities), `{{`/`}}` are literal braces. Outside code, `*` appears only as `**`, and `_`
  and `~` not at all (each platform reads them as formatting); entities and platform syntax
  (`<@…>`, `<#…>`, `<!…>`, `<http…|…>`) never appear (tests/test_i18n.py checks all this).

`render(lang, key, markup, **params)` returns a `Rendered` (text plus the people mentioned,
for platforms whose mentions need entities).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.i18n.markup import (
    CHANNEL_PARAMS,
    PERSON_PARAMS,
    Link,
    Markup,
    Mention,
    Rendered,
    is_people_param,
    is_person_param,
    parse,
    people_of,
    render_template,
)

__all__ = [
    "CHANNEL_PARAMS",
    "LANGS",
    "PERSON_PARAMS",
    "TIME_MARK",
    "Day",
    "Lang",
    "Link",
    "Markup",
    "Mention",
    "Phrase",
    "Rendered",
    "When",
    "catalogue",
    "dated",
    "guess_lang",
    "is_people_param",
    "is_person_param",
    "lang_of_locale",
    "localise",
    "parse",
    "people_of",
    "placeholders",
    "render",
    "render_template",
    "span_text",
    "template",
    "timed",
    "when",
    "with_times",
]

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    """Return the flat key -> template map of a language."""
    data: dict[str, str] = json.loads((Path(__file__).parent / f"{lang}.json").read_text("utf-8"))
    return data


def placeholders(template: str) -> set[str]:
    """Return the names of the {placeholders} in a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def template(lang: Lang, key: str) -> str:
    """The template of key in lang (English when lang lacks it; KeyError when both do)."""
    found = catalogue(lang).get(key) or catalogue("en").get(key)
    if found is None:
        raise KeyError(f"missing catalogue key {key!r}")
    return found


# Parameters holding a duration (`3h 20m`, `3bd`) or a list of them (`1d, 1h`): written in the
# reader's words (`3시간 20분`, `1일, 1시간`); so is every parameter whose name ends in
# `duration` (`review_duration`).
SPAN_PARAMS = frozenset({"took", "late", "duration", "lead", "reminders", "span"})


def is_span_param(name: str) -> bool:
    """Whether a parameter of this name holds a duration (written in the reader's words)."""
    return name in SPAN_PARAMS or name.endswith("duration")


@dataclass(frozen=True)
class Phrase:
    """A parameter that is itself a catalogue entry (a kind, a weekday, a sub-sentence):
    rendered in the same language and markup as the text it goes into."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class When:
    """A parameter that is a moment, written for the reader when the text is rendered:
    `12월 4일(금) 15:00` / `Fri 4 Dec, 15:00` (see `when`). `today` (the company's date when the
    text was made) adds the year when it differs; `relative` names today and tomorrow (only
    for answers read at once); `zone` adds the zone's name (a reader in another zone).

    `str()` gives `YYYY-MM-DD HH:MM` for logs and places that know no language."""

    moment: datetime
    tz: ZoneInfo
    zone: bool = False
    today: date | None = None
    relative: bool = False

    def __str__(self) -> str:
        local = self.moment.astimezone(self.tz)
        text = local.strftime("%Y-%m-%d %H:%M")
        return f"{text} {local.tzname() or self.tz.key}" if self.zone else text

    def text(self, lang: Lang) -> str:
        """The moment in lang's words."""
        return when(
            lang,
            self.moment,
            self.tz,
            zone=self.zone,
            today=self.today,
            relative=self.relative,
        )


@dataclass(frozen=True)
class Day:
    """A parameter that is a calendar day, written for the reader: `12월 4일(금)` /
    `Fri 4 Dec` (the year when it is not `today`'s). `str()` gives `YYYY-MM-DD`."""

    day: date
    today: date | None = None

    def __str__(self) -> str:
        return self.day.isoformat()

    def text(self, lang: Lang) -> str:
        """The day in lang's words."""
        d, other_year = self.day, self.today is not None and self.day.year != self.today.year
        if lang == "ko":
            year = f"{d.year}년 " if other_year else ""
            return f"{year}{d.month}월 {d.day}일({_KO_DAYS[d.weekday()]})"
        year = f" {d.year}" if other_year else ""
        return f"{_EN_DAYS[d.weekday()]} {d.day} {_EN_MONTHS[d.month - 1]}{year}"


def localise(lang: Lang | None, value: Any) -> Any:
    """A parameter value for a reader of lang: a When in their words, anything else as is
    (no lang: a When as `YYYY-MM-DD HH:MM`)."""
    if isinstance(value, When | Day):
        return value.text(lang) if lang is not None else str(value)
    return value


def _for_reader(lang: Lang, markup: Markup, name: str, value: Any) -> Any:
    if isinstance(value, dict) and DAY_MARK in value:
        value = Day(date.fromisoformat(str(value[DAY_MARK])), _today_of(value))
    if isinstance(value, dict) and TIME_MARK in value and TZ_MARK in value:
        value = When(
            datetime.fromisoformat(str(value[TIME_MARK])),
            ZoneInfo(str(value[TZ_MARK])),
            today=_today_of(value),
        )
    if isinstance(value, When | Day):
        return value.text(lang)
    if isinstance(value, Phrase):
        return render(lang, value.key, markup, **value.params)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Phrase) for v in value):
        parts = [render(lang, v.key, markup, **v.params) for v in value]
        return Rendered(
            PHRASE_SEPARATOR[lang].join(p.text for p in parts),
            tuple(m for p in parts for m in p.mentions),
        )
    if is_span_param(name) and isinstance(value, str):
        return span_text(lang, value)
    return value


PHRASE_SEPARATOR: dict[Lang, str] = {"ko": "·", "en": ", "}


def render(lang: Lang, key: str, markup: Markup, **params: Any) -> Rendered:
    """Render catalogue key in lang through a platform's markup (params by their names;
    durations in the reader's words, `When` moments and `Phrase` entries in lang)."""
    values = {name: _for_reader(lang, markup, name, value) for name, value in params.items()}
    return render_template(template(lang, key), markup, values)


def lang_of_locale(locale: str | None, default: Lang) -> Lang:
    """Map a Slack locale (`ko-KR`, `en-US`) to a catalogue language."""
    if not locale:
        return default
    return "ko" if locale.lower().startswith("ko") else "en"


_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_KO_DAYS = ("월", "화", "수", "목", "금", "토", "일")
TIME_MARK = "$t"  # a parameter {"$t": iso} is a moment, formatted for the reader at delivery


def when(
    lang: Lang,
    moment: datetime | None,
    tz: ZoneInfo,
    *,
    zone: bool = False,
    today: date | None = None,
    relative: bool = False,
) -> str:
    """A moment for people: `12월 4일(금) 15:00` / `Fri 4 Dec, 15:00`, plus ` KST` if zone.

    With `today` (the reader's date on tz) the year is written when it is not this year
    (`2027년 1월 4일(월) 09:00`, `Mon 4 Jan 2027, 09:00`); with `relative` too, today and
    tomorrow are named (`오늘 15:00`, `내일 09:00`; `today, 15:00`) — only for text read at once
    (a reply), never for a stored message read later.
    """
    if moment is None:
        return "-"
    local = moment.astimezone(tz)
    day = local.date()
    if relative and today is not None and day in (today, today + timedelta(days=1)):
        word = {"ko": ("오늘", "내일"), "en": ("today,", "tomorrow,")}[lang][day != today]
        text = f"{word} {local:%H:%M}"
    elif lang == "ko":
        year = f"{local.year}년 " if today is not None and local.year != today.year else ""
        text = f"{year}{local.month}월 {local.day}일({_KO_DAYS[local.weekday()]}) {local:%H:%M}"
    else:
        year = f" {local.year}" if today is not None and local.year != today.year else ""
        wd, month = _EN_DAYS[local.weekday()], _EN_MONTHS[local.month - 1]
        text = f"{wd} {local.day} {month}{year}, {local:%H:%M}"
    return f"{text} {local.tzname() or tz.key}" if zone else text


_KO_UNITS = {
    "d": "일",
    "h": "시간",
    "m": "분",
    "s": "초",
    "bd": "영업일",
    "bh": "영업시간",
    "bm": "영업분",
}
_EN_UNITS = {"d": "d", "h": "h", "m": "m", "s": "s", "bd": " business days", "bh": "bh", "bm": "bm"}
_SPAN_PART = re.compile(r"(\d+)\s*(bd|bh|bm|d|h|m|s)\b")


def span_text(lang: Lang, span: str) -> str:
    """A duration written `3h 20m`, `2d 1h` or `3bd` (or a list: `1d, 1h`) in the reader's
    words: `3시간 20분`, `2일 1시간`, `3영업일`, `1일, 1시간` (English keeps the short form);
    other text is returned as is."""
    if lang != "ko" or not span:
        return span
    parts = span.split(",")
    if any(not p.strip() or _SPAN_PART.sub("", p).strip() for p in parts):
        return span
    return ", ".join(
        " ".join(f"{n}{_KO_UNITS[u]}" for n, u in _SPAN_PART.findall(p)) for p in parts
    )


TZ_MARK = "$z"
DAY_MARK = "$d"  # a parameter {"$d": "YYYY-MM-DD"} is a day, written for the reader
TODAY_MARK = "$n"  # the company's date when the text was made: another year is written


def _today_of(mark: dict[str, Any]) -> date | None:
    today = mark.get(TODAY_MARK)
    return date.fromisoformat(str(today)) if today else None


def dated(day: date | None, today: date | None = None) -> dict[str, str] | None:
    """Mark a calendar day inside message parameters stored as JSON (`render` writes it as
    `12월 25일(금)` / `Fri 25 Dec` for each reader; with today, the year when it differs:
    `2027년 1월 4일(월)`)."""
    if day is None:
        return None
    mark = {DAY_MARK: day.isoformat()}
    return mark if today is None else {**mark, TODAY_MARK: today.isoformat()}


def timed(
    moment: datetime | None, tz: ZoneInfo | None = None, today: date | None = None
) -> dict[str, str] | None:
    """Mark a moment inside message parameters stored as JSON (see `with_times`); with tz,
    the mark carries its zone and `render` writes it for the reader by itself (with today,
    the year when it differs)."""
    if moment is None:
        return None
    if tz is None:
        return {TIME_MARK: moment.isoformat()}
    mark = {TIME_MARK: moment.astimezone(tz).isoformat(), TZ_MARK: tz.key}
    return mark if today is None else {**mark, TODAY_MARK: today.isoformat()}


def with_times(
    params: dict[str, Any], lang: Lang, tz: ZoneInfo, *, zone: bool, today: date | None = None
) -> dict[str, Any]:
    """Replace every `timed()` parameter by the moment written for lang (and the zone; the
    year when it is not today's)."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dict) and TIME_MARK in value:
            moment = datetime.fromisoformat(str(value[TIME_MARK]))
            value = when(lang, moment, tz, zone=zone, today=today or _today_of(value))
        elif isinstance(value, dict) and DAY_MARK in value and today is not None:
            value = Day(date.fromisoformat(str(value[DAY_MARK])), today).text(lang)
        out[name] = value
    return out


def guess_lang(text: str) -> Lang:
    """The language a text is written in, as far as ko/en go: any Hangul means Korean."""
    return "ko" if re.search(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]", text) else "en"
