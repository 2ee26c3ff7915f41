"""The neutral markup rendered through a platform-free Markup: what each mark and parameter
becomes, and the mentions a platform such as Teams needs beside the text."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import (
    Link,
    Mention,
    Rendered,
    people_of,
    render,
    render_template,
)


class Brackets:
    """A markup that shows its structure: [b:…], [c:…], [@name], [#id], [link|label]."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def literal(self, text: str) -> str:
        return text

    def escape(self, text: str) -> str:
        return text.replace("[", "(").replace("]", ")")

    def bold(self, inner: str) -> str:
        return f"[b:{inner}]"

    def code(self, inner: str) -> str:
        return f"[c:{inner}]"

    def person(self, user_id: str) -> tuple[str, Mention | None]:
        name = self.names.get(user_id)
        if name is None:
            return self.escape(user_id), None
        text = f"[@{name}]"
        return text, Mention(user_id, name, text)

    def channel(self, channel_id: str) -> str:
        return f"[#{channel_id}]"

    def link(self, url: str, label: str) -> str:
        return f"[{url}|{self.escape(label)}]"


NAMES = {"29:ann": "Ann", "29:bo": "Bo"}


@pytest.mark.parametrize(
    ("template", "params", "text"),
    [
        ("**#{number}** {title}", {"number": 3, "title": "x [y]"}, "[b:#3] x (y)"),
        ("`/inquiry show <n>` & co", {}, "[c:/inquiry show <n>] & co"),
        ("**`/x` y**", {}, "[b:[c:/x] y]"),
        ("`a**b`", {}, "[c:a**b]"),
        ("`{at}` {what}", {"at": "9:00", "what": "w"}, "[c:9:00] w"),
        ("{{literal}} {n:>3}", {"n": 7}, "{literal}   7"),
        ("by {actor}", {"actor": None}, "by -"),
        ("by {actor}", {"actor": "29:zed"}, "by 29:zed"),
        ("to {assignable_users}", {"assignable_users": []}, "to -"),
        ("in {channel}", {"channel": "19:abc@thread.tacv2"}, "in [#19:abc@thread.tacv2]"),
        ("see {card}", {"card": Link("https://x/1", "#1 [a]")}, "see [https://x/1|#1 (a)]"),
    ],
)
def test_marks_and_params(template: str, params: dict[str, Any], text: str) -> None:
    assert render_template(template, Brackets(NAMES), params).text == text


def test_mentions_are_collected_once_each_and_only_when_shown() -> None:
    rendered = render_template(
        "{actor} → {assignee}; {owner_user}, {team_users}",
        Brackets(NAMES),
        {
            "actor": "29:ann",
            "assignee": "29:bo",
            "owner_user": "29:ann",
            "team_users": ["29:bo", "nobody"],
            "manager": "29:unused",  # not in the template: no mention
        },
    )
    assert rendered.text == "[@Ann] → [@Bo]; [@Ann], [@Bo], nobody"
    assert rendered.mentions == (
        Mention("29:ann", "Ann", "[@Ann]"),
        Mention("29:bo", "Bo", "[@Bo]"),
    )


def test_a_rendered_value_is_kept_with_its_mentions() -> None:
    inner = Rendered("[@Bo] said [b:hi]", (Mention("29:bo", "Bo", "[@Bo]"),))
    out = render_template("{actor}: {note}", Brackets(NAMES), {"actor": "29:ann", "note": inner})
    assert out.text == "[@Ann]: [@Bo] said [b:hi]"
    assert [m.user_id for m in out.mentions] == ["29:ann", "29:bo"]


def test_people_of_lists_whom_a_render_may_mention() -> None:
    params = {"user": "U1", "title": "U2", "team_users": ["U3", "U1", None], "actor": None}
    assert people_of(params) == ["U1", "U3"]


def test_catalogue_render_and_missing_things() -> None:
    out = render("en", "inquiry.assigned", Brackets(NAMES), number=4, user="29:ann")
    assert out.text == "[b:#4] assigned to [@Ann]"
    with pytest.raises(KeyError):
        render("en", "inquiry.assigned", Brackets(NAMES), number=4)
    with pytest.raises(KeyError):
        render("en", "inquiry.no_such_key", Brackets(NAMES))


def test_keep_fields_leaves_placeholders() -> None:
    out = render_template("**#{number}** {n:>3}", Brackets({}), {}, keep_fields=True)
    assert out.text == "[b:#{number}] {n:>3}"
