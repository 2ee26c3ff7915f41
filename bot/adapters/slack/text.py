"""Slack's writing of the neutral catalogue markup: mrkdwn, entities, `<@U…>` and `<#C…>`.

Every Slack-side text comes from here: `t` (one language), `both` (channel posts, Korean
first), `t_plain` (labels without parameters), `escape` (THE escaping of user text) and
`mention`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.domain.text import is_channel_id, is_user_id, sanitize
from bot.i18n import Lang, Mention, render, render_template, template

if TYPE_CHECKING:
    from bot.services.inquiry_commands import Usage

# Only a well-formed http(s) address becomes a link; nothing that could close or relabel it.
_LINKABLE = re.compile(r"https?://[^\s<>|]+")


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


class SlackMarkup:
    """The neutral markup as Slack mrkdwn (see `bot.i18n.Markup`)."""

    def literal(self, text: str) -> str:
        """Template text: its `&`, `<`, `>` become the entities mrkdwn wants."""
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def escape(self, text: str) -> str:
        """User text, escaped (see `escape`)."""
        return escape(text)

    def bold(self, inner: str) -> str:
        """`*…*`."""
        return f"*{inner}*"

    def code(self, inner: str) -> str:
        """`` `…` ``."""
        return f"`{inner}`"

    def person(self, user_id: str) -> tuple[str, Mention | None]:
        """`<@U…>`; Slack needs no entity beside the text."""
        return mention(user_id), None

    def channel(self, channel_id: str) -> str:
        """`<#C…>` for a channel id, else escaped text."""
        return f"<#{channel_id}>" if is_channel_id(channel_id) else escape(channel_id)

    def link(self, url: str, label: str) -> str:
        """`<url|label>` for a well-formed http(s) address, else the escaped label."""
        if not _LINKABLE.fullmatch(url or ""):
            return escape(label)
        return f"<{url}|{escape(label)}>"


SLACK = SlackMarkup()


def t(lang: Lang, key: str, **params: Any) -> str:
    """Render catalogue key in lang as mrkdwn; parameters are escaped (ids become mentions)."""
    return render(lang, key, SLACK, **params).text


def usage_text(lang: Lang, usage: Usage) -> str:
    """What is wrong with a command, then its usage."""
    return t(lang, usage.key, **usage.params) + "\n" + t(lang, usage.usage)


def t_plain(lang: Lang, key: str) -> str:
    """A template without parameters filled (for plain_text labels)."""
    return render_template(template(lang, key), SLACK, {}, keep_fields=True).text


def both(key: str, first: Lang = "ko", **params: Any) -> str:
    """Render key in Korean then English (or first then the other) for channel posts."""
    second: Lang = "en" if first == "ko" else "ko"
    return f"{t(first, key, **params)}\n{t(second, key, **params)}"
