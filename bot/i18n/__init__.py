"""Message catalogues (ko, en) and rendering with mrkdwn escaping of every parameter."""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path
from typing import Any, Literal

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")
USER_ID = re.compile(r"^[UW][A-Z0-9]{1,30}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{1,30}$")
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
    """Escape &, < and > so user text can never become a mention or link in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _param(name: str, value: Any) -> str:
    if name.endswith("_users") and isinstance(value, list | tuple):
        # a list of user ids: each valid id becomes a mention, anything else is escaped text
        return ", ".join(_param("user", v) for v in value) or "-"
    text = "" if value is None else str(value)
    if name in MENTION_PARAMS or name.endswith("_user"):
        return f"<@{text}>" if USER_ID.match(text) else escape(text or "-")
    if name in CHANNEL_PARAMS:
        return f"<#{text}>" if CHANNEL_ID.match(text) else escape(text)
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
