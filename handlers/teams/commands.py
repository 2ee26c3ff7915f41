"""Commands typed to the bot in Teams: `help`, and `inquiry …` / `문의 …` run by the command
service (bot/services/inquiry_commands.py), answered in the conversation."""

from __future__ import annotations

import re

from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams.activity import Inbound
from bot.adapters.teams.replies import build_command_reply, help_message
from bot.deps import Deps
from bot.domain.commands import split_command
from bot.i18n.markup import people_of
from bot.services.inquiry_commands import (
    CommandRequest,
    CommandResult,
    CustomerList,
    Help,
    StaffList,
    StaffShow,
    run_inquiry_command,
)
from bot.services.receipts import receipt_key
from bot.services.results import Said
from handlers.teams.common import language_of, names_of, reply, teams_user_id
from handlers.teams.other_commands import answer_other, split_other
from storage.repos.slack_events import add_processed_event

HELP_WORDS = frozenset({"help", "도움말", "?"})
# `문의` is the Korean name of the command (as `/문의` would be); the grammar's own list of
# command names may know it too.
COMMAND_ALIASES = {"문의": "inquiry"}


def command_words(text: str) -> str | None:
    """The words after the command name (`inquiry list` → `list`; `help` → `help`; `home` →
    `home`), or None when the text is no command."""
    words = text.strip()
    other = split_other(words)
    if other is not None:
        return other[0]
    if words.lower() in HELP_WORDS:
        return "help"
    head, _, rest = words.partition(" ")
    alias = COMMAND_ALIASES.get(head.lower().removeprefix("/"))
    if alias is not None:
        words = f"{alias} {rest}"
    split = split_command(words)
    return None if split is None else split[1]


def with_mentions(text: str, inbound: Inbound) -> str:
    """The command text with each person @mentioned in it as `<@id>`, as the grammar reads a
    mention; the names people typed in angle brackets stay text."""
    for tag, user_id, _name in inbound.mentions:
        text = text.replace(tag, f" <@{user_id}> ")
    return re.sub(r"\s+", " ", text).strip()


async def _first_delivery(deps: Deps, inbound: Inbound) -> bool:
    # Teams redelivers an activity it got no answer for in time: the id was seen, done.
    if not inbound.activity_id:
        return False
    key = f"teams:{inbound.conversation_id}:{inbound.activity_id}"
    async with deps.sessions.begin() as session:
        return await add_processed_event(session, event_id=key, at=deps.clock.now())


def _people(result: CommandResult) -> list[str | None]:
    if isinstance(result, Said):
        return list(people_of(result.params))
    if isinstance(result, StaffList):
        return [r.get("assignee") for r in result.rows]
    if isinstance(result, StaffShow):
        card = result.card
        found = [card["requester"], card["assignee"], card.get("last_note_by")]
        for e in result.history:
            found += [e["actor"], e.get("detail_user")]
        return found
    return []


async def handle_command(deps: Deps, context: TurnContext, inbound: Inbound) -> None:
    """Run a command typed to the bot and answer it (an unknown text gets the command list)."""
    if not await _first_delivery(deps, inbound):
        return
    lang = language_of(deps, inbound)
    user_id = teams_user_id(deps, inbound)
    other = split_other(with_mentions(inbound.text, inbound))
    if other is not None:
        await reply(context, await answer_other(deps, other[0], user_id, other[1], lang))
        deps.outbox.kick()
        return
    words = command_words(inbound.text)
    staff = deps.is_staff(user_id)
    if words is None:
        await reply(context, help_message(lang, None, staff=staff))
        return
    request = CommandRequest(
        user_id=user_id,
        text=with_mentions(words, inbound),
        platform="teams",
        conversation_id=inbound.conversation_id,
        key=receipt_key("teams-command", inbound.conversation_id, inbound.activity_id),
    )
    result = await run_inquiry_command(deps, request)
    deps.outbox.kick()
    if isinstance(result, CustomerList | Help):
        names: dict[str, str] = {}
    else:
        names = await names_of(deps, _people(result))
    activity = build_command_reply(result, lang, names=names, staff=staff)
    if activity is not None:
        await reply(context, activity)
