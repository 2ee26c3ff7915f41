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
from bot.i18n import MENTION_PARAMS, Lang, catalogue

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


def _template_for_card(template: str) -> str:
    # Today's catalogue is Slack-flavoured (`*bold*`, `&lt;` entities); until the neutral markup
    # lands, its trusted templates are adapted here, never the parameters.
    template = template.replace("&lt;", "\\<").replace("&gt;", "\\>").replace("&amp;", "\\&")
    return re.sub(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])", r"**\1**", template)


def render(
    template: str,
    params: Mapping[str, Any],
    *,
    mentions: Mentions | None = None,
    names: Names | None = None,
) -> str:
    """Fill a card template: parameters are escaped; person parameters become mentions when
    their name is known (and `mentions` collects the entity), else escaped text."""
    out: dict[str, str] = {}
    for key, value in params.items():
        text = "" if value is None else str(value)
        is_person = key in MENTION_PARAMS or key.endswith("_user")
        if is_person and mentions is not None and names and text in names:
            out[key] = mentions.tag(text, names[text])
        elif is_person and names and text in names:
            out[key] = escape_card_text(names[text])
        else:
            out[key] = escape_card_text(text)
    return _template_for_card(template).format(**out)


def card_texts(
    lang: Lang,
    *,
    bilingual: bool = False,
    mentions: Mentions | None = None,
    names: Names | None = None,
) -> Text:
    """A renderer of catalogue keys for Adaptive Card text (one language, or Korean · English)."""

    def one(language: Lang, key: str, params: Mapping[str, Any]) -> str:
        template = catalogue(language).get(key) or catalogue("en").get(key)
        if template is None:
            raise KeyError(f"missing catalogue key {key!r}")
        return render(template, params, mentions=mentions, names=names)

    def tr(key: str, **params: Any) -> str:
        if not bilingual:
            return one(lang, key, params)
        other: Lang = "en" if lang == "ko" else "ko"
        return f"{one(lang, key, params)} · {one(other, key, params)}"

    return tr
