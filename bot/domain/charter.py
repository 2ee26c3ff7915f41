"""Parse `/charter` command text (pure): `help`, `policies`, `teams`, `roles`,
`language ko|en|auto`, `report [YYYY-MM]`, each with its Korean alias (bot.domain.grammar)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.commands import MAX_COMMAND_CHARS, UsageError, clean_text
from bot.domain.grammar import charter_subcommand, language_choice

USAGE = "charter.usage"


@dataclass(frozen=True)
class CharterCommand:
    """One parsed `/charter` invocation: the subcommand and its words."""

    action: str
    args: tuple[str, ...] = ()
    lang: str | None = None  # `language`: ko, en, auto; None: show the current choice


def parse_charter_command(raw: str) -> CharterCommand:
    """Parse the text after `/charter` (nothing: `help`); UsageError when malformed."""
    if len(raw) > MAX_COMMAND_CHARS:
        raise UsageError("inquiry.error.too_long", USAGE, limit=str(MAX_COMMAND_CHARS))
    words = clean_text(raw).split()
    if not words:
        return CharterCommand("help")
    action = charter_subcommand(words[0])
    if action is None:
        raise UsageError("charter.error.unknown_subcommand", USAGE, sub=words[0][:40])
    args = tuple(words[1:])
    if action == "language":
        if not args:
            return CharterCommand("language")
        choice = language_choice(args[0]) if len(args) == 1 else None
        if choice is None:
            raise UsageError("charter.error.bad_language", USAGE, value=" ".join(args)[:40])
        return CharterCommand("language", args, choice)
    if action == "report" and len(args) <= 1:
        return CharterCommand("report", args)  # `report [YYYY-MM]`
    if args:
        raise UsageError("inquiry.error.extra_words", USAGE)
    return CharterCommand(action, args)
