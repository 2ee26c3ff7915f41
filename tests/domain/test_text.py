"""Untrusted text rules: what is stored, what counts as an id, and the one escaping function."""

from __future__ import annotations

import pytest

from bot.adapters.slack.text import escape, mention, t
from bot.domain.commands import parse_mention
from bot.domain.text import (
    is_channel_id,
    is_message_ts,
    is_teams_conversation_id,
    is_teams_user_id,
    is_user_id,
    sanitize,
)
from bot.ports import platform_of_user


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("plain", "plain"),
        ("주문 화면", "주문 화면"),
        ("NUL\x00here", "NULhere"),
        ("bell\x07 esc\x1b del\x7f", "bell esc del"),
        ("line\r\nnext\rlast\ttab", "line\nnext\nlast\ttab"),
        ("RLO \u202eexe.txt\u202c", "RLO exe.txt"),
        ("\u2066iso\u2069 \u200emark\u200f \u061calm", "iso mark alm"),
        ("zwj 👩\u200d💻 stays", "zwj 👩\u200d💻 stays"),
        ("<!channel> &amp; *bold*", "<!channel> &amp; *bold*"),
        ("", ""),
    ],
)
def test_sanitize(raw: str, stored: str) -> None:
    assert sanitize(raw) == stored


@pytest.mark.parametrize(
    ("value", "user", "channel"),
    [
        ("U0123ABCD", True, False),
        ("W0123ABCD", True, False),
        ("C0TRIAGE", False, True),
        ("D0UCUST", False, True),
        ("U1", False, False),
        ("U" + "A" * 21, False, False),
        ("<!channel>", False, False),
        ("!channel", False, False),
        ("U0ABC>|<!channel", False, False),
        ("u0abc", False, False),
        (None, False, False),
        (12, False, False),
    ],
)
def test_ids(value: object, user: bool, channel: bool) -> None:
    assert is_user_id(value) is user
    assert is_channel_id(value) is channel


def test_command_mentions_are_bounded() -> None:
    assert parse_mention("<@U0ABC|minji>") == "U0ABC"
    assert parse_mention("<@U" + "A" * 5000 + ">") is None


def test_message_ts() -> None:
    assert is_message_ts("1700000000.000100")
    assert not is_message_ts("1" * 40)
    assert not is_message_ts("1700000000")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U0MANAGER>", "&lt;@U0MANAGER&gt;"),
        ("<https://evil|Reset>", "&lt;https://evil|Reset&gt;"),
        ("&lt;!here&gt;", "&amp;lt;!here&amp;gt;"),
        ("a\u202eb\x00c", "abc"),
        ("*bold*", "*bold*"),
    ],
)
def test_escape(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_mentions_only_from_valid_ids() -> None:
    assert mention("USTAFF1") == "<@USTAFF1>"
    assert mention("!channel") == "!channel"
    assert mention("U0A>|<!channel") == "U0A&gt;|&lt;!channel"
    assert mention(None) == "-"
    rendered = t("en", "inquiry.assigned", number=1, user="<!here>")
    assert "<!here>" not in rendered and "&lt;!here&gt;" in rendered


@pytest.mark.parametrize(
    ("value", "teams_user", "teams_conversation", "platform"),
    [
        ("29:1abcDEF_-xyz", True, False, "teams"),
        ("8d3f2a1b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", True, False, "teams"),
        ("8d3f2a1b-4c5d-4e6f-8a9b-0c1d2e3f4a5", False, False, None),
        ("19:a1b2c3@thread.tacv2", False, True, "teams"),
        ("19:a1b2c3@thread.skype", False, True, "teams"),
        ("19:meeting_Nj@thread.v2", False, True, "teams"),
        ("19:a1b2c3@thread.evil", False, False, "teams"),
        ("19:a b@thread.tacv2", False, False, "teams"),
        ("29:<at>x</at>", False, False, "teams"),
        ("U0123ABCD", False, False, "slack"),
        ("W0123ABCD", False, False, "slack"),
        ("C0TRIAGE", False, False, None),
        ("u0abc", False, False, None),
    ],
)
def test_teams_ids_and_the_platform_of_a_user_id(
    value: str, teams_user: bool, teams_conversation: bool, platform: str | None
) -> None:
    assert is_teams_user_id(value) is teams_user
    assert is_teams_conversation_id(value) is teams_conversation
    assert platform_of_user(value) == platform
