"""Message catalogues (ko, en) in one neutral markup, rendered by each platform's `Markup`.

This package knows no chat platform. Templates in ko.json and en.json are written in this
markup, and every platform adapter renders them in its own format and escaping (Slack:
`bot.adapters.slack.text`, mrkdwn with `<@U…>` mentions; Teams: Adaptive Card text with
`<at>…</at>` mentions):

- `**bold**` — bold; it may hold placeholders and code.
- `` `code` `` — code (commands, references); it may hold placeholders, never bold.
- `{name}` — a placeholder, filled by its parameter. What a parameter is follows from its
  name: `user`, `assignee`, `requester`, `actor`, `manager` and `*_user` hold a person's id
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
from datetime import datetime
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
    "Lang",
    "Link",
    "Markup",
    "Mention",
    "Rendered",
    "catalogue",
    "guess_lang",
    "is_people_param",
    "is_person_param",
    "lang_of_locale",
    "parse",
    "people_of",
    "placeholders",
    "render",
    "render_template",
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


def render(lang: Lang, key: str, markup: Markup, **params: Any) -> Rendered:
    """Render catalogue key in lang through a platform's markup (params by their names)."""
    return render_template(template(lang, key), markup, params)


def lang_of_locale(locale: str | None, default: Lang) -> Lang:
    """Map a Slack locale (`ko-KR`, `en-US`) to a catalogue language."""
    if not locale:
        return default
    return "ko" if locale.lower().startswith("ko") else "en"


_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_KO_DAYS = ("월", "화", "수", "목", "금", "토", "일")
TIME_MARK = "$t"  # a parameter {"$t": iso} is a moment, formatted for the reader at delivery


def when(lang: Lang, moment: datetime | None, tz: ZoneInfo, *, zone: bool = False) -> str:
    """A moment for people: `Tue 1 Dec, 15:00` / `12월 1일 (화) 15:00`, plus ` KST` if zone."""
    if moment is None:
        return "-"
    local = moment.astimezone(tz)
    if lang == "ko":
        text = f"{local.month}월 {local.day}일 ({_KO_DAYS[local.weekday()]}) {local:%H:%M}"
    else:
        day, month = _EN_DAYS[local.weekday()], _EN_MONTHS[local.month - 1]
        text = f"{day} {local.day} {month}, {local:%H:%M}"
    return f"{text} {local.tzname() or tz.key}" if zone else text


def timed(moment: datetime | None) -> dict[str, str] | None:
    """Mark a moment inside message parameters (see `with_times`)."""
    return None if moment is None else {TIME_MARK: moment.isoformat()}


def with_times(params: dict[str, Any], lang: Lang, tz: ZoneInfo, *, zone: bool) -> dict[str, Any]:
    """Replace every `timed()` parameter by the moment written for lang (and the zone)."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dict) and TIME_MARK in value:
            value = when(lang, datetime.fromisoformat(str(value[TIME_MARK])), tz, zone=zone)
        out[name] = value
    return out


def guess_lang(text: str) -> Lang:
    """The language a text is written in, as far as ko/en go: any Hangul means Korean."""
    return "ko" if re.search(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]", text) else "en"
