"""Teams text and Adaptive Cards as plain data: user text can neither mention anyone nor
become markdown (checked by rendering it as CommonMark), mentions always come with their
entity, and the cards are valid 1.5 Adaptive Cards within Teams' size limit."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt

from bot.adapters.teams.cards import (
    CONTENT_TYPE,
    MAX_MESSAGE_BYTES,
    VERSION,
    Verb,
    build_inquiry_card,
    build_nudge_card,
    build_text_message,
    card_activity,
    message_size,
)
from bot.adapters.teams.markup import (
    Mentions,
    card_texts,
    escape_card_text,
    escape_message_text,
    mention_name,
)

HOSTILE = [
    "<at>Boss</at> please",
    "&lt;at&gt;Boss&lt;/at&gt;",
    "[click me](https://evil.example/)",
    "![img](https://evil.example/x.png)",
    "**bold** _it_ ~~gone~~ `code`",
    "# heading\n- item\n1. first\n> quote",
    "back\\slash \\*not bold\\*",
    "<b>html</b> <script>x</script> &amp; & < >",
    "plain Korean 로그인 안됨 — fine.",
]
MD = MarkdownIt("commonmark")


def _visible(rendered_html: str) -> str:
    """The text a reader sees (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered_html)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_card_text_shows_as_typed_and_never_formats(text: str) -> None:
    escaped = escape_card_text(text)
    assert "<at>" not in escaped and "</at>" not in escaped
    rendered = MD.render(escaped)
    for tag in ("<a ", "<img", "<strong>", "<em>", "<h1>", "<li>", "<blockquote>", "<code>"):
        assert tag not in rendered, (text, rendered)
    assert _visible(rendered).split() == text.split()


@pytest.mark.parametrize("text", HOSTILE)
def test_message_text_shows_as_typed_and_never_formats(text: str) -> None:
    escaped = escape_message_text(text)
    assert "<" not in escaped and ">" not in escaped  # no tag at all, so no <at>
    rendered = MD.render(escaped)
    for tag in ("<a ", "<img", "<strong>", "<em>", "<h1>", "<li>", "<blockquote>", "<code>"):
        assert tag not in rendered, (text, rendered)
    assert _visible(rendered).split() == text.split()


def test_mentions_come_with_their_entity_and_safe_names() -> None:
    m = Mentions()
    tag = m.tag("29:kim", "Kim <b>*Min*</b>")
    assert tag == "<at>Kim bMin/b</at>"
    assert m.entities == [
        {"type": "mention", "text": tag, "mentioned": {"id": "29:kim", "name": "Kim <b>*Min*</b>"}}
    ]
    m.tag("29:kim", "Kim <b>*Min*</b>")
    assert len(m.entities) == 1
    assert mention_name("<<>>") == "?"


def test_catalogue_text_mentions_only_known_people() -> None:
    m = Mentions()
    tr = card_texts("en", mentions=m, names={"29:kim": "Kim"})
    line = tr("nudge.line_escalated", number=4, title="<at>Kim</at>", owed="x", assignee="29:kim")
    assert line.count("<at>Kim</at>") == 1  # the assignee; the title's tag is escaped
    assert "\\<at\\>Kim\\</at\\>" in line
    assert len(m.entities) == 1
    stranger = card_texts("en", mentions=Mentions(), names={})(
        "nudge.line_escalated", number=4, title="t", owed="x", assignee="29:who"
    )
    assert "<at>" not in stranger and "29:who" in stranger


# ---------------------------------------------------------------------------------- cards

ELEMENTS = {"TextBlock", "FactSet", "Container", "ActionSet", "ColumnSet", "RichTextBlock"}


def _walk(node: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        out.append(node)
        for value in node.values():
            out.extend(_walk(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(_walk(value))
    return out


def assert_valid_card(card: dict[str, Any]) -> None:
    """Adaptive Card 1.5 as Teams takes it: root, known elements, Execute actions, mentions."""
    assert card["type"] == "AdaptiveCard" and card["version"] == VERSION
    assert isinstance(card["body"], list) and card["body"]
    for element in card["body"]:
        assert element["type"] in ELEMENTS
    texts = []
    for node in _walk(card):
        kind = node.get("type")
        if kind == "TextBlock":
            assert isinstance(node["text"], str) and node["text"]
            texts.append(node["text"])
        if kind == "Action.Execute":
            assert node["title"] and node["verb"] in {str(v) for v in Verb}
            assert isinstance(node["data"]["number"], int)
        if kind == "FactSet":
            for fact in node["facts"]:
                assert isinstance(fact["title"], str) and isinstance(fact["value"], str)
                texts.append(fact["value"])
    tags = set(re.findall(r"(?<!\\)<at>[^<]*</at>", "\n".join(texts)))
    entities = {e["text"] for e in card.get("msteams", {}).get("entities", [])}
    assert tags == entities  # every mention has its entity, and no entity dangles
    activity = card_activity(card)
    assert activity["attachments"][0]["contentType"] == CONTENT_TYPE
    assert message_size(activity) < MAX_MESSAGE_BYTES


def _inquiry(**over: Any) -> dict[str, Any]:
    card = {
        "number": 12,
        "kind": "support",
        "status": "new",
        "title": "로그인 안됨 <at>Boss</at> [x](http://e)",
        "detail": "detail **not bold**\n# not a heading",
        "customer": "Mirae <Asset>",
        "contact": "",
        "requester": "29:cust",
        "assignee": "",
        "deadline": "Tue 1 Dec, 10:15",
        "deadline_state": "on_track",
        "eta": "-",
        "due": "-",
        "open": True,
        "last_note": "",
        "last_note_at": "",
        "last_note_by": "",
        "resolution": "",
        "results": [],
        "link": "",
    }
    card.update(over)
    return card


def _verbs(card: dict[str, Any]) -> list[str]:
    return [a["verb"] for a in card.get("actions", [])]


def test_inquiry_card_new_unassigned() -> None:
    card = build_inquiry_card(_inquiry(), "ko", names={"29:cust": "Dana"})
    assert_valid_card(card)
    assert card["body"][0]["text"].startswith("#12 ")
    assert _verbs(card) == [
        "inquiry.assign_me",
        "inquiry.set_eta",
        "inquiry.progress",
        "inquiry.transfer",
        "inquiry.resolve",
    ]
    assert all(a["data"] == {"number": 12} for a in card["actions"])
    dumped = json.dumps(card, ensure_ascii=False)
    assert "<at>Dana</at>" in dumped and "<at>Boss</at>" not in dumped


def test_inquiry_card_assigned_on_hold_and_resolved() -> None:
    held = build_inquiry_card(
        _inquiry(
            status="on_hold",
            assignee="29:kim",
            last_note="called <at>x</at>",
            last_note_by="29:kim",
            last_note_at="10:00",
        ),
        "en",
        names={"29:kim": "Kim"},
    )
    assert_valid_card(held)
    assert _verbs(held) == ["inquiry.progress", "inquiry.transfer", "inquiry.resolve"]
    done = build_inquiry_card(
        _inquiry(
            status="resolved",
            open=False,
            resolution="fixed [here](http://e)",
            results=[{"obligation": "first_response", "took": "5m", "late": "", "judged": True}],
        ),
        "en",
        bilingual=True,
    )
    assert_valid_card(done)
    assert _verbs(done) == ["inquiry.reopen"]
    assert "[here]" not in json.dumps(done)


def test_huge_inquiry_stays_within_the_size_limit() -> None:
    card = build_inquiry_card(
        _inquiry(title="t" * 5000, detail="d" * 50_000, last_note="n" * 9000, resolution=""),
        "ko",
        bilingual=True,
    )
    assert_valid_card(card)


def _item(n: int, **over: Any) -> dict[str, Any]:
    item = {
        "reminder": n,
        "number": n,
        "title": f"title {n} <at>x</at>",
        "obligation": "first_response",
        "promise": "first_response",
        "kind": "deadline",
        "deadline": "Tue 1 Dec, 10:15",
        "assignee": "29:kim",
        "link": "",
        "overdue": True,
    }
    item.update(over)
    return item


def test_nudge_card_groups_lines_with_buttons_and_snooze() -> None:
    card = build_nudge_card(
        "en",
        [
            _item(1),
            _item(
                2, assignee="", obligation="eta_required", promise="eta_required", kind="escalation"
            ),
        ],
        names={"29:kim": "Kim"},
    )
    assert_valid_card(card)
    containers = [b for b in card["body"] if b["type"] == "Container"]
    assert len(containers) == 2
    first = containers[0]["items"][1]["actions"]
    assert [a["verb"] for a in first] == ["inquiry.progress", "inquiry.resolve", "inquiry.snooze"]
    assert first[-1]["data"] == {"number": 1, "reminders": [1], "minutes": 60}
    second = [a["verb"] for a in containers[1]["items"][1]["actions"]]
    assert second == ["inquiry.assign_me", "inquiry.set_eta", "inquiry.resolve", "inquiry.snooze"]


def test_a_big_nudge_stays_within_the_size_limit() -> None:
    card = build_nudge_card(
        "ko", [_item(n, title="긴 제목 " * 40) for n in range(1, 200)], bilingual=True
    )
    assert_valid_card(card)


def test_text_message_carries_its_mentions() -> None:
    m = Mentions()
    activity = build_text_message(
        f"{m.tag('29:kim', 'Kim')} {escape_message_text('<at>x</at>')}", mentions=m
    )
    assert activity["textFormat"] == "markdown"
    assert activity["entities"][0]["text"] == "<at>Kim</at>"
    assert activity["text"].count("<at>") == 1
