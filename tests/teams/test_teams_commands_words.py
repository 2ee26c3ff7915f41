"""Pure rules of the Teams inbound side, as tables: what text is a command, how mentions reach
the grammar, which id a person is known by."""

from __future__ import annotations

import pytest

from bot.adapters.teams.activity import mentions_of, parse_activity
from bot.domain.commands import parse_inquiry_command, parse_mention
from handlers.teams.commands import command_words, with_mentions
from teams.support import BOT_ID


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("help", "help"),
        ("도움말", "help"),
        ("?", "help"),
        ("inquiry list", "list"),
        ("Inquiry list mine", "list mine"),
        ("/inquiry show 3", "show 3"),
        ("문의 목록", "목록"),
        ("문의", ""),
        ("inquiry", ""),
        ("inquiries", None),
        ("what can you do", None),
        ("", None),
    ],
)
def test_command_words(text: str, words: str | None) -> None:
    assert command_words(text) == words


@pytest.mark.parametrize(
    ("token", "user"),
    [
        ("<@U0123ABCD>", "U0123ABCD"),
        ("<@29:1AbC-x_y=>", "29:1AbC-x_y="),
        ("<@0f8fad5b-d9cb-469f-a165-70867728950e>", "0f8fad5b-d9cb-469f-a165-70867728950e"),
        ("<@29:>", None),
        ("<@28:bot-id>", None),
        ("<@29:a b>", None),
        ("@Alex", None),
    ],
)
def test_the_grammar_reads_slack_and_teams_mentions(token: str, user: str | None) -> None:
    assert parse_mention(token) == user


def test_a_teams_mention_reaches_the_assign_command() -> None:
    body = {
        "type": "message",
        "id": "1",
        "conversation": {"id": "a:1"},
        "recipient": {"id": BOT_ID},
        "text": "<at>charterbot</at> inquiry assign 4 <at>Alex Kim</at>",
        "entities": [
            {"type": "mention", "text": "<at>charterbot</at>", "mentioned": {"id": BOT_ID}},
            {"type": "mention", "text": "<at>Alex Kim</at>", "mentioned": {"id": "29:alex"}},
        ],
    }
    inbound = parse_activity(body)
    assert inbound is not None and inbound.mentions_bot
    assert inbound.mentions == (("<at>Alex Kim</at>", "29:alex", ""),)
    words = command_words(inbound.text)
    assert words == "assign 4 <at>Alex Kim</at>"
    cmd = parse_inquiry_command(with_mentions(words, inbound))
    assert (cmd.action, cmd.ref, cmd.user) == ("assign", 4, "29:alex")


@pytest.mark.parametrize(
    "entities",
    [None, "x", [1, {"type": "mention"}], [{"type": "mention", "mentioned": "x", "text": 3}]],
)
def test_odd_entities_mention_nobody(entities: object) -> None:
    assert mentions_of(entities, BOT_ID) == (False, ())
