"""`/feedback` (complaints, praise, exemplary staff) and the feedback prompts' buttons: Slack
requests in, the services' neutral results out (bot/services/feedback_commands.py,
feedback_actions.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.adapters.slack.blocks.feedback import build_feedback_reply, verb_of
from bot.adapters.slack.ids import Command
from bot.deps import Deps
from bot.services.feedback_actions import FeedbackAction, perform_feedback
from bot.services.feedback_commands import run_feedback_command
from bot.services.feedback_common import FeedbackVerb
from bot.services.inquiry_commands import CommandRequest, Refused
from bot.services.results import Replayed, Said
from handlers.common import action_key, ephemeral, said_text
from handlers.errors import reported
from handlers.surveys import verb_pattern

BUTTONS = (
    FeedbackVerb.OPEN_COMPLAINT,
    FeedbackVerb.REWARD_SENT,
    FeedbackVerb.PRAISE_FROM_SURVEY,
    FeedbackVerb.SHARE_PRAISE,
)


def register(app: AsyncApp) -> None:
    """Attach the feedback listeners."""
    app.command(Command.FEEDBACK)(reported(handle_feedback_command))
    for verb in BUTTONS:
        app.action(verb_pattern(verb))(reported(handle_feedback_action))


async def handle_feedback_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/feedback …` ephemerally: nothing of a complaint is ever posted in the channel."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = CommandRequest(
        user_id=user_id,
        text=command.get("text") or "",
        platform="slack",
        conversation_id=command.get("channel_id"),
        key=action_key(command),
    )
    result = await run_feedback_command(deps, request)
    if isinstance(result, Replayed):
        return
    if isinstance(result, Refused):
        raise result.error
    deps.outbox.kick()
    text, blocks = build_feedback_reply(result, lang)
    await respond(**ephemeral(text, blocks))


def _value(action: dict[str, Any]) -> str:
    """A button's value, or the ticked checkbox's (none ticked: "")."""
    if action.get("type") == "checkboxes":
        selected = action.get("selected_options")
        if isinstance(selected, list) and selected and isinstance(selected[0], dict):
            return str(selected[0].get("value") or "")
        return ""
    return str(action.get("value") or "")


async def handle_feedback_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """A feedback prompt's button (open a complaint, reward sent, praise from a survey) or the
    praise consent checkbox; answered ephemerally."""
    await ack()
    user_id = body["user"]["id"]
    value = _value(action)
    if not value:
        return  # the consent box was unticked: nothing was posted, nothing to undo
    lang = await deps.languages.language_of(user_id)
    result = await perform_feedback(
        deps,
        FeedbackAction(
            FeedbackVerb(verb_of(str(action["action_id"]))),
            user_id,
            value,
            via="slack",
            key=action_key(body),
        ),
    )
    deps.outbox.kick()
    if isinstance(result, Refused):
        raise result.error
    if isinstance(result, Said):
        await respond(**ephemeral(said_text(lang, result)))
