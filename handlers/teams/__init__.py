"""Teams inbound: activities from POST /api/messages, as neutral facts, into the services.

bot/adapters/teams/host.py authenticates the request, lets the Agents SDK build the turn and
calls `handle_teams_activity` with the parsed facts (bot/adapters/teams/activity.py). What
happens here:
- install / membership updates and every person's message save the conversation reference, so
  the bot can post there later (proactive nudges, DMs), and the person's locale is remembered;
- a message to the bot (a personal chat, or a channel / group message that @mentions it) is a
  command: `help`, or the `inquiry …` grammar, run by the command service (commands.py);
- a channel message in an intake channel opens an inquiry, a staff reply in an inquiry's reply
  chain is its first response (intake.py);
- an `adaptiveCard/action` invoke is a card button or form (actions.py);
- bot posts, edits and system activities do nothing, and a redelivered activity (same id)
  changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams.activity import Inbound
from bot.deps import Deps
from handlers.teams.actions import handle_card_action
from handlers.teams.commands import charter_words, command_words, handle_command
from handlers.teams.common import remember_person, teams_user_id
from handlers.teams.intake import handle_intake
from handlers.teams.visits import visit_words
from storage.repos.teams_conversations import add_conversation, delete_conversation

log = logging.getLogger("charterbot.teams")

TurnHandler = Callable[[TurnContext, Inbound], Awaitable[None]]


def make_turn_handler(deps: Deps) -> TurnHandler:
    """The inbound handler the Teams endpoint calls for every turn (bound to deps)."""

    async def on_turn(context: TurnContext, inbound: Inbound) -> None:
        await handle_teams_activity(deps, context, inbound)

    return on_turn


def is_for_the_bot(inbound: Inbound) -> bool:
    """A person's message the bot answers: any in a 1:1 chat, else only when it @mentions it
    (a channel message without a mention is for the people there, or for intake)."""
    return inbound.is_command and (inbound.conversation_kind == "personal" or inbound.mentions_bot)


async def handle_teams_activity(deps: Deps, context: TurnContext, inbound: Inbound) -> None:
    """Store where the bot may post, then route the activity to its use case."""
    if inbound.type == "installationUpdate" and inbound.action.startswith("remove"):
        async with deps.sessions.begin() as session:
            await delete_conversation(session, conversation_id=inbound.conversation_id)
        return
    person = not (inbound.is_bot or inbound.is_edit)
    if (
        inbound.conversation is not None
        and person
        and inbound.type in ("conversationUpdate", "installationUpdate", "message")
    ):
        await save_conversation(deps, inbound)
    if person and inbound.type in ("message", "invoke"):
        await remember_person(deps, inbound, teams_user_id(deps, inbound))
    if inbound.type == "invoke" and inbound.name == "adaptiveCard/action":
        await handle_card_action(deps, context, inbound)
        return
    if is_for_the_bot(inbound) and (
        command_words(inbound.text) is not None
        or charter_words(inbound.text) is not None
        or visit_words(inbound.text) is not None
        or not inbound.mentions_bot
    ):
        await handle_command(deps, context, inbound)
        return
    if await handle_intake(deps, inbound):
        return
    if is_for_the_bot(inbound):
        await handle_command(deps, context, inbound)  # the bot was named: it answers


async def save_conversation(deps: Deps, inbound: Inbound) -> None:
    """Remember the conversation reference of this activity (install or first contact)."""
    ref = inbound.conversation
    assert ref is not None
    async with deps.sessions.begin() as session:
        await add_conversation(
            session,
            conversation_id=ref.conversation_id,
            reference=ref.reference(),
            now=deps.clock.now(),
            kind=ref.kind,
            service_url=ref.service_url,
            tenant_id=ref.tenant_id,
            bot_id=ref.bot_id,
            user_id=ref.user_id,
            aad_object_id=ref.aad_object_id,
            team_id=ref.team_id,
            channel_id=ref.channel_id,
            locale=ref.locale,
        )
