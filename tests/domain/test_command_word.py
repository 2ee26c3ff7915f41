"""A message typed to the bot (Teams) names its command first; the rest is the same grammar
as Slack's `/inquiry` text."""

from __future__ import annotations

import pytest

from bot.domain.commands import parse_inquiry_command, split_command


@pytest.mark.parametrize(
    ("message", "split"),
    [
        ("inquiry list", ("inquiry", "list")),
        ("  Inquiry   new support Login  fails ", ("inquiry", "new support Login  fails")),
        ("/inquiry show #3", ("inquiry", "show #3")),
        ("inquiry", ("inquiry", "")),
        ("inquiry\nprogress 3 line one\nline two", ("inquiry", "progress 3 line one\nline two")),
        ("inquiries list", None),
        ("list", None),
        ("", None),
        ("hello inquiry list", None),
    ],
)
def test_split_command(message: str, split: tuple[str, str] | None) -> None:
    assert split_command(message) == split


def test_the_rest_parses_like_slack_text() -> None:
    found = split_command("inquiry list overdue")
    assert found is not None
    assert parse_inquiry_command(found[1]) == parse_inquiry_command("list overdue")
    assert parse_inquiry_command(split_command("inquiry")[1]).action == "modal"  # type: ignore[index]
