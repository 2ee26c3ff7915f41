"""Teams text: escaping of user-derived text, `<at>` mentions with their entities, and the
catalogue rendered for Teams (pure).

Two places take text in Teams, with different rules:
- Adaptive Card `TextBlock` / `Fact` text: a markdown subset (bold, italic, lists, links), no
  HTML. User text is backslash-escaped (CommonMark escapes) so it shows as typed and never
  becomes formatting, a link or a heading; `<`, `>` and `&` are escaped the same way, so it can
  never spell an `<at>…</at>` mention tag or an entity that decodes to one.
- Message `text` (textFormat markdown): markdown plus a little HTML. User text gets `&`, `<`,
  `>` as HTML entities and the same backslash escapes for markdown.
A mention is only ever made by `Mentions.tag(user_id, name)`: it writes `<at>name</at>` AND
adds the matching entity; Teams turns a tag into a mention only when an entity names it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.domain.text import sanitize
from bot.i18n import Lang, Mention, render

# CommonMark: any ASCII punctuation may be backslash-escaped. These can open or close
# emphasis, code, a link, an entity or a tag anywhere in a line...
_INLINE = re.compile(r"([\\`*_{}\[\]()~<>&])")
_INLINE_MESSAGE = re.compile(r"([\\`*_{}\[\]()~])")  # & < > become HTML entities there
# ...and these only at the start of a line (heading, list, quote, numbered list).
_LINE_START = re.compile(r"^([ \t]*)([#+\->]|\d{1,9}(?=[.)]))", re.MULTILINE)


def _line_starts(text: str) -> str:
    def esc(m: re.Match[str]) -> str:
        lead, mark = m.group(1), m.group(2)
        if mark[0].isdigit():  # `1.` -> `1\.`: escape the dot that follows the number
            return lead + mark + "\\"
        return lead + "\\" + mark

    return _LINE_START.sub(esc, text)


_NAME_BAD = re.compile(r"[<>&\\\[\]*_`]")


def escape_card_text(text: str) -> str:
    """User text for an Adaptive Card TextBlock or Fact: shown as typed, never formatting."""
    return _line_starts(_INLINE.sub(r"\\\1", sanitize(text)))


def escape_message_text(text: str) -> str:
    """User text for a message activity's markdown `text`: entities for `& < >`, and the
    markdown escapes of escape_card_text for the rest."""
    text = sanitize(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _line_starts(_INLINE_MESSAGE.sub(r"\\\1", text))


def mention_name(name: str) -> str:
    """A display name safe inside `<at>…</at>` (no tag, entity or markdown characters)."""
    return _NAME_BAD.sub("", sanitize(name)).strip()[:100] or "?"


@dataclass
class Mentions:
    """The mention entities of one message or card, collected while its text is written."""

    entities: list[dict[str, Any]] = field(default_factory=list)

    def tag(self, user_id: str, name: str) -> str:
        """`<at>name</at>` for the person, with its entity (one entity per distinct tag)."""
        tag = f"<at>{mention_name(name)}</at>"
        entity = {"type": "mention", "text": tag, "mentioned": {"id": user_id, "name": name}}
        if entity not in self.entities:
            self.entities.append(entity)
        return tag


Names = Mapping[str, str]  # Teams user id -> display name (who can be mentioned)
Text = Callable[..., str]


_LINKABLE = re.compile(r"https?://[^\s<>()\[\]]+")
_CONVERSATION = re.compile(r"^19:[^\s<>]+$")


class TeamsMarkup:
    """The neutral catalogue markup (`bot.i18n.Markup`) as Teams markdown.

    `message=False`: Adaptive Card TextBlock / Fact text (markdown subset, no HTML);
    `message=True`: a message activity's markdown `text` (HTML entities for `& < >`). A person
    is a mention (`<at>Name</at>` plus its entity in `mentions`) when `mentions` is given and
    their name is known, their name as text when only the name is known, else the escaped id.
    """

    def __init__(
        self,
        *,
        message: bool = False,
        mentions: Mentions | None = None,
        names: Names | None = None,
    ) -> None:
        self._escape = escape_message_text if message else escape_card_text
        self._message = message
        self._mentions = mentions
        self._names = names or {}

    def literal(self, text: str) -> str:
        """Template text: trusted, but its `<`, `>`, `&` must not open a tag or an entity."""
        if self._message:
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return re.sub(r"([<>&])", r"\\\1", text)

    def escape(self, text: str) -> str:
        """User text, shown as typed (see escape_card_text / escape_message_text)."""
        return self._escape(text)

    def bold(self, inner: str) -> str:
        """`**…**`."""
        return f"**{inner}**"

    def code(self, inner: str) -> str:
        """Teams card text has no code spans: the text is shown as is."""
        return inner

    def person(self, user_id: str) -> tuple[str, Mention | None]:
        """`<at>Name</at>` (with its entity) for a person whose name is known."""
        name = self._names.get(user_id)
        if name is None:
            return self._escape(user_id), None
        if self._mentions is None:
            return self._escape(name), None
        tag = self._mentions.tag(user_id, name)
        return tag, Mention(user_id, name, tag)

    def channel(self, channel_id: str) -> str:
        """Teams text cannot link a channel by id: the id as escaped text."""
        return self._escape(channel_id)

    def link(self, url: str, label: str) -> str:
        """`[label](url)` for a well-formed http(s) address, else the escaped label."""
        if not _LINKABLE.fullmatch(url or ""):
            return self._escape(label)
        return f"[{self._escape(label)}]({url})"


def t(
    lang: Lang,
    key: str,
    *,
    message: bool = False,
    mentions: Mentions | None = None,
    names: Names | None = None,
    **params: Any,
) -> str:
    """Catalogue key in lang as Teams text (card text, or message text with `message`)."""
    markup = TeamsMarkup(message=message, mentions=mentions, names=names)
    return render(lang, key, markup, **params).text


def card_texts(
    lang: Lang,
    *,
    bilingual: bool = False,
    mentions: Mentions | None = None,
    names: Names | None = None,
) -> Text:
    """A renderer of catalogue keys for Adaptive Card text (one language, or Korean · English)."""

    def tr(key: str, **params: Any) -> str:
        one = t(lang, key, mentions=mentions, names=names, **params)
        if not bilingual:
            return one
        other: Lang = "en" if lang == "ko" else "ko"
        return f"{one} · {t(other, key, mentions=mentions, names=names, **params)}"

    return tr
