"""Teams inbound: activities from POST /api/messages, as neutral facts, into the bot.

bot/adapters/teams/host.py authenticates the request, lets the Agents SDK build the turn and
calls `handle_teams_activity` with the parsed facts (bot/adapters/teams/activity.py). What
happens here:
- install / membership updates and every person's message save the conversation reference, so
  the bot can post there later (proactive nudges, DMs);
- a person's new message is a command: `help` answers with the command list; the `/inquiry`
  grammar goes to the command service once the platform seam provides it (TODO seams below);
- bot posts, edits and system activities do nothing, and a redelivered activity (same id)
  changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from microsoft_agents.activity import Activity, InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams.activity import Inbound
from bot.adapters.teams.markup import t
from bot.deps import Deps
from bot.i18n import Lang, lang_of_locale
from storage.repos.slack_events import add_processed_event
from storage.repos.teams_conversations import add_conversation, delete_conversation

log = logging.getLogger("charterbot.teams")

HELP_WORDS = frozenset({"help", "도움말", "?", "inquiry help", "문의 도움말", "inquiry", "문의"})
INQUIRY_WORDS = frozenset({"inquiry", "문의"})

TurnHandler = Callable[[TurnContext, Inbound], Awaitable[None]]


def make_turn_handler(deps: Deps) -> TurnHandler:
    """The inbound handler the Teams endpoint calls for every turn (bound to deps)."""

    async def on_turn(context: TurnContext, inbound: Inbound) -> None:
        await handle_teams_activity(deps, context, inbound)

    return on_turn


async def handle_teams_activity(deps: Deps, context: TurnContext, inbound: Inbound) -> None:
    """Store where the bot may post, then answer a person's command."""
    if inbound.type == "installationUpdate" and inbound.action.startswith("remove"):
        async with deps.sessions.begin() as session:
            await delete_conversation(session, conversation_id=inbound.conversation_id)
        return
    if (
        inbound.conversation is not None
        and not (inbound.is_bot or inbound.is_edit)
        and inbound.type in ("conversationUpdate", "installationUpdate", "message")
    ):
        await save_conversation(deps, inbound)
    if inbound.type == "invoke" and inbound.name == "adaptiveCard/action":
        await run_card_action(deps, context, inbound)
        return
    if not inbound.is_command:
        return
    async with deps.sessions.begin() as session:
        # Teams redelivers an activity it got no answer for in time: the id was seen, done.
        key = f"teams:{inbound.conversation_id}:{inbound.activity_id}"
        if not inbound.activity_id or not await add_processed_event(
            session, event_id=key, at=deps.clock.now()
        ):
            return
    lang = language_of(deps, inbound)
    words = inbound.text.strip().lower()
    if words in HELP_WORDS:
        await reply_text(context, t(lang, "inquiry.help_teams", message=True))
        return
    if words.split(" ", 1)[0] in INQUIRY_WORDS:
        await run_inquiry_command(deps, context, inbound, lang)
        return
    await reply_text(context, t(lang, "inquiry.help_teams", message=True))


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


def language_of(deps: Deps, inbound: Inbound) -> Lang:
    """The writer's language from the activity's locale (`ko-KR` → Korean), else config's."""
    return lang_of_locale(inbound.locale, deps.config.language)


async def reply_text(context: TurnContext, text: str) -> None:
    """Answer in the conversation (in the reply chain when the message was in one)."""
    reply = Activity(type="message", text=text, text_format="markdown")
    await context.send_activity(reply)


# ------------------------------------------------------------------------ TODO seams (issue 10)
# The command and action services of the platform seam (branch `cmds`) take the `/inquiry`
# grammar and the neutral card verbs. Until they are merged, these two functions are the only
# places that will call them; they do not pretend to run a command.


async def run_inquiry_command(
    deps: Deps, context: TurnContext, inbound: Inbound, lang: Lang
) -> None:
    """TODO(seam): call the command service with (platform "teams", author, text) and render
    its neutral result (Adaptive Card or text) as the reply. Until then: the command list."""
    await reply_text(context, t(lang, "inquiry.help_teams", message=True))


async def run_card_action(deps: Deps, context: TurnContext, inbound: Inbound) -> None:
    """TODO(seam): an `adaptiveCard/action` invoke (verb `inquiry.*`, data {"number": N}) goes
    to the action service; its result refreshes the card (`update_activity`) and answers the
    invoke with the refreshed card. Until then it changes nothing and says so."""
    text = t(language_of(deps, inbound), "inquiry.teams_action_unavailable", message=True)
    await answer_invoke(context, {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text})


MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"


async def answer_invoke(context: TurnContext, body: dict[str, object]) -> None:
    """The synchronous answer of an invoke (Universal Actions: a message or a new card)."""
    response = InvokeResponse(status=200, body=body)
    await context.send_activity(Activity(type="invokeResponse", value=response))
