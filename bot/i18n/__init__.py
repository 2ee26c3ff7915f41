"""Message catalogues (ko, en) and rendering with mrkdwn escaping of every parameter."""

from __future__ import annotations

import json
import re
import string
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.domain.text import is_channel_id, is_user_id, sanitize

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")
# Parameters with these names are Slack ids and become mentions instead of escaped text.
MENTION_PARAMS = frozenset({"user", "assignee", "requester", "actor", "manager"})
CHANNEL_PARAMS = frozenset({"channel"})


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    """Return the flat key -> template map of a language."""
    data: dict[str, str] = json.loads((Path(__file__).parent / f"{lang}.json").read_text("utf-8"))
    return data


def placeholders(template: str) -> set[str]:
    """Return the names of the {placeholders} in a template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def escape(text: str) -> str:
    """THE escaping of user-derived text for every outbound Slack text field.

    `&`, `<` and `>` become entities, so user text can never become a mention, a broadcast
    (`<!channel>`) or a disguised link; bidi and control characters are dropped, so it cannot
    display as something else either. Slack decodes these three entities in plain_text and
    mrkdwn alike, so the same function serves both.
    """
    text = sanitize(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str | None, fallback: str = "-") -> str:
    """`<@U…>` for a valid Slack user id; anything else is shown as escaped text."""
    if user_id and is_user_id(user_id):
        return f"<@{user_id}>"
    return escape(user_id or fallback)


def _param(name: str, value: Any) -> str:
    if name.endswith("_users") and isinstance(value, list | tuple):
        # a list of user ids: each valid id becomes a mention, anything else is escaped text
        return ", ".join(_param("user", v) for v in value) or "-"
    text = "" if value is None else str(value)
    if name in MENTION_PARAMS or name.endswith("_user"):
        return mention(text)
    if name in CHANNEL_PARAMS:
        return f"<#{text}>" if is_channel_id(text) else escape(text)
    return escape(text)


def t(lang: Lang, key: str, **params: Any) -> str:
    """Render catalogue key in lang; parameters are escaped (ids become mentions)."""
    template = catalogue(lang).get(key) or catalogue("en").get(key)
    if template is None:
        raise KeyError(f"missing catalogue key {key!r}")
    return template.format(**{k: _param(k, v) for k, v in params.items()})


def t_plain(lang: Lang, key: str) -> str:
    """Return a template without formatting (for plain_text labels)."""
    return catalogue(lang)[key]


def both(key: str, first: Lang = "ko", **params: Any) -> str:
    """Render key in Korean then English (or first then the other) for channel posts."""
    second: Lang = "en" if first == "ko" else "ko"
    return f"{t(first, key, **params)}\n{t(second, key, **params)}"


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
