"""Untrusted text rules: what is stored, what counts as an id, and the one escaping function."""

from __future__ import annotations

import pytest

from bot.adapters.slack.text import escape, mention, t
from bot.domain.commands import parse_mention
from bot.domain.text import is_channel_id, is_message_ts, is_user_id, sanitize


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
