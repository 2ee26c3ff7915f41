"""The neutral markup of the catalogues, and rendering it through a platform's `Markup`.

The grammar is described at the top of `bot.i18n`; this module parses a template once
(cached) and renders it: template text, bold and code through the markup, and each parameter
by its name (people, channels, links, or user text to escape).

Korean particles: a placeholder whose format spec is a particle, `{number:으로}`,
`{title:을}`, `{kind:은}` (either form of the pair: 이/가, 을/를, 은/는, 과/와, 으로/로,
이에요/예요, 이나/나, 이랑/랑), renders the value followed by the form that fits how the value
ends when read aloud (`#40으로`, `#41로`, `미래에셋을`; see `bot.i18n.particles`). Closing
marks written before the particle go between the two: `'{kind:'은}` → `'규제'는`. The particle
is plain text, so every platform's markup renders it. A person (a mention) cannot be read: the
template puts `님` after it instead.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

from bot.i18n.particles import particle, particle_pair

# Parameters with these names (or ending in `_user`) hold a person's id: a mention.
PERSON_PARAMS = frozenset({"user", "assignee", "requester", "actor", "manager"})
# Parameters with these names hold a channel (conversation) id.
CHANNEL_PARAMS = frozenset({"channel"})
# A parameter ending in `_users` holding a list or tuple is a list of people, joined by ", ".
PEOPLE_SUFFIX = "_users"
PEOPLE_SEPARATOR = ", "
NOBODY = "-"  # what an empty person (None, "") or an empty list of people reads as


@dataclass(frozen=True)
class Mention:
    """A person mentioned in a rendered text: `text` is exactly what stands for them in it.

    Platforms whose mentions need a side entity (Teams: `<at>Name</at>` in the text plus a
    `mention` entity with the id and name) build it from these; Slack needs none.
    """

    user_id: str
    name: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """A template rendered for one platform: the text, and the people it mentions."""

    text: str
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Link:
    """A parameter value that is a link: an http(s) address (an object's card, a report
    page, …) shown as `label` (user text: the markup escapes it)."""

    url: str
    label: str


class Markup(Protocol):
    """How one platform writes the neutral markup (Slack mrkdwn now, Teams next).

    Every method returns text in the platform's own format. Template text and user text are
    kept apart because a platform may escape them differently.
    """

    def literal(self, text: str) -> str:
        """Template text between the marks (trusted; may hold `<`, `>`, `&`, newlines)."""
        ...

    def escape(self, text: str) -> str:
        """User-derived text: it must never become markup, a mention or a link."""
        ...

    def bold(self, inner: str) -> str:
        """`**…**`; inner is already rendered."""
        ...

    def code(self, inner: str) -> str:
        """`` `…` ``; inner is already rendered."""
        ...

    def person(self, user_id: str) -> tuple[str, Mention | None]:
        """A person by id (never empty): the text that names them and, when the platform
        needs an entity for it, the mention. An id the platform does not know as a person
        must come back as escaped text (and no mention)."""
        ...

    def channel(self, channel_id: str) -> str:
        """A channel (conversation) by id; anything not shaped like one is escaped text."""
        ...

    def link(self, url: str, label: str) -> str:
        """A link to url shown as label (user text, not yet escaped); a url that is not a
        well-formed http(s) address gives the escaped label alone."""
        ...


@dataclass(frozen=True)
class _Tok:
    kind: Literal["text", "bold", "code", "field"]
    value: str = ""
    spec: str = ""


_MARKS = re.compile(r"(\*\*|`)")


@lru_cache(maxsize=2048)
def parse(template: str) -> tuple[_Tok, ...]:
    """Split a neutral template into text, bold/code marks and fields (ValueError if it is not
    well formed: positional `{}`, `{x!r}` conversions, unbalanced `**` or backticks)."""
    toks: list[_Tok] = []
    for text, field, spec, conversion in string.Formatter().parse(template):
        for piece in _MARKS.split(text):
            if piece == "**":
                toks.append(_Tok("bold"))
            elif piece == "`":
                toks.append(_Tok("code"))
            elif piece:
                toks.append(_Tok("text", piece))
        if field is not None:
            if not field or conversion:
                raise ValueError(f"unsupported placeholder {{{field}!{conversion}}}")
            toks.append(_Tok("field", field, spec or ""))
    # check the marks pair up (code holds no bold: `**` inside code is text)
    open_: list[str] = []
    checked: list[_Tok] = []
    for tok in toks:
        if tok.kind == "bold" and open_[-1:] == ["code"]:
            tok = _Tok("text", "**")
        elif tok.kind in ("bold", "code"):
            if open_[-1:] == [tok.kind]:
                open_.pop()
            else:
                open_.append(tok.kind)
        checked.append(tok)
    if open_:
        raise ValueError(f"unbalanced {' and '.join(open_)} in template {template!r}")
    return tuple(checked)


def is_person_param(name: str) -> bool:
    """Whether a parameter of this name holds one person's id."""
    return name in PERSON_PARAMS or name.endswith("_user")


def is_people_param(name: str, value: object) -> bool:
    """Whether a parameter holds a list of people's ids."""
    return name.endswith(PEOPLE_SUFFIX) and isinstance(value, list | tuple)


def people_of(params: Mapping[str, Any]) -> list[str]:
    """The people's ids a render of these parameters mentions (in order, once each): what a
    platform whose mentions need names (Teams) looks up before rendering."""
    found: dict[str, None] = {}
    for name, value in params.items():
        if is_people_param(name, value):
            found.update((str(v), None) for v in value if v)
        elif is_person_param(name) and value:
            found[str(value)] = None
    return list(found)


def _param(name: str, value: Any, markup: Markup, mentions: list[Mention]) -> str:
    """One parameter in the platform's format (its role follows from its name or type)."""
    if isinstance(value, Rendered):  # already rendered for this platform: kept as is
        mentions.extend(value.mentions)
        return value.text
    if isinstance(value, Link):
        return markup.link(value.url, value.label)
    if is_people_param(name, value):
        return PEOPLE_SEPARATOR.join(_param("user", v, markup, mentions) for v in value) or NOBODY
    text = "" if value is None else str(value)
    if is_person_param(name):
        if not text:
            return markup.escape(NOBODY)
        shown, mention = markup.person(text)
        if mention is not None:
            mentions.append(mention)
        return shown
    if name in CHANNEL_PARAMS:
        return markup.channel(text)
    return markup.escape(text)


def render_template(
    template: str, markup: Markup, params: Mapping[str, Any], *, keep_fields: bool = False
) -> Rendered:
    """Render a neutral template through markup (KeyError for a missing parameter).

    `keep_fields`: leave `{name}` as written instead of filling it (labels without params).
    """
    mentions: list[Mention] = []
    values: dict[str, str] = {}  # each parameter rendered once, when the template uses it
    stack: list[tuple[str, list[str]]] = [("", [])]
    for tok in parse(template):
        if tok.kind == "text":
            stack[-1][1].append(markup.literal(tok.value))
        elif tok.kind == "field":
            if keep_fields:
                spec = f":{tok.spec}" if tok.spec else ""
                stack[-1][1].append(f"{{{tok.value}{spec}}}")
            else:
                if tok.value not in values:
                    values[tok.value] = _param(tok.value, params[tok.value], markup, mentions)
                spoken = _particle_spec(tok.spec)
                if spoken is None:
                    stack[-1][1].append(format(values[tok.value], tok.spec))
                else:
                    marks, form = spoken
                    read = _plain(tok.value, params[tok.value]) + marks
                    stack[-1][1].append(
                        values[tok.value] + markup.literal(marks + particle(read, form))
                    )
        elif stack[-1][0] == tok.kind:
            kind, parts = stack.pop()
            inner = "".join(parts)
            stack[-1][1].append(markup.bold(inner) if kind == "bold" else markup.code(inner))
        else:
            stack.append((tok.kind, []))
    return Rendered("".join(stack[0][1]), tuple(_unique(mentions)))


CLOSING_MARKS = "'\"’”」』)"


def _particle_spec(spec: str) -> tuple[str, str] | None:
    """(closing marks, particle) of a `{name:'은}` spec; None for any other spec."""
    form = spec.lstrip(CLOSING_MARKS)
    if not form or particle_pair(form) is None:
        return None
    return spec[: len(spec) - len(form)], form


def _plain(name: str, value: Any) -> str:
    """What a parameter reads as, for choosing a particle ("" when it cannot be read: a
    person, a list of people)."""
    if isinstance(value, Rendered):
        return value.text
    if isinstance(value, Link):
        return value.label
    if is_people_param(name, value) or is_person_param(name):
        return ""
    return "" if value is None else str(value)


def _unique(mentions: Iterable[Mention]) -> list[Mention]:
    return list(dict.fromkeys(mentions))
