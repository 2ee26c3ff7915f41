"""`/callback`, its buttons (I'll call / called back / can't) and the log-a-callback modal:
Slack requests in, the callback command service's neutral results out
(bot/services/callback_commands.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.callbacks import build_callback_modal, build_callback_reply
from bot.adapters.slack.ids import Action, Block, Command, View
from bot.adapters.slack.text import t
from bot.adapters.slack.views import parse_view_state
from bot.deps import Deps
from bot.domain.callbacks import parse_callback_ref
from bot.services.callback_commands import (
    FeatureRequest,
    FeatureResult,
    OpenCallbackForm,
    log_from_form,
    read_callback_form,
    run_callback_command,
)
from bot.services.inquiry_commands import Refused
from bot.services.results import Replayed
from handlers.common import action_key, click_key, ephemeral, submission_key
from handlers.errors import reported

# The buttons and the words of the subcommand each one is.
BUTTON_WORDS = {
    Action.CALLBACK_CLAIM: "claim",
    Action.CALLBACK_DONE: "done",
    Action.CALLBACK_PASS: "pass",
}
FORM_BLOCKS = {
    "owner": Block.CALLBACK_OWNER,
    "caller": Block.CALLBACK_CALLER,
    "company": Block.CALLBACK_COMPANY,
    "phone": Block.CALLBACK_PHONE,
    "topic": Block.CALLBACK_TOPIC,
    "inquiry": Block.CALLBACK_INQUIRY,
    "urgent": Block.CALLBACK_URGENT,
}


def register(app: AsyncApp) -> None:
    """Attach the callback listeners."""
    app.command(Command.CALLBACK)(reported(handle_callback_command))
    for action_id in BUTTON_WORDS:
        app.action(action_id)(reported(handle_callback_action))
    app.view_submission(View.NEW_CALLBACK)(reported(handle_callback_submission))


async def _answer(result: FeatureResult, respond: AsyncRespond, deps: Deps, user_id: str) -> None:
    if isinstance(result, Replayed):
        return  # acted on (and answered) the first time
    if isinstance(result, Refused):
        raise result.error  # answered like every refusal (handlers/errors.py)
    lang = await deps.languages.language_of(user_id)
    text, blocks = build_callback_reply(result, lang)
    deps.outbox.kick()
    await respond(**ephemeral(text, blocks))


async def handle_callback_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    """Answer `/callback …` (no words: the form)."""
    await ack()
    user_id = command["user_id"]
    request = FeatureRequest(
        user_id=user_id,
        text=command.get("text") or "",
        platform="slack",
        key=action_key(command),
    )
    result = await run_callback_command(deps, request)
    if isinstance(result, OpenCallbackForm):
        lang = await deps.languages.language_of(user_id)
        await client.views_open(
            trigger_id=command["trigger_id"], view=build_callback_modal(lang, result)
        )
        return
    await _answer(result, respond, deps, user_id)


async def handle_callback_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """A button of a callback offer: the same as `/callback claim|done|pass CB<n>`."""
    await ack()
    user_id = body["user"]["id"]
    number = parse_callback_ref(str(action.get("value") or ""))
    words = BUTTON_WORDS[action["action_id"]]
    request = FeatureRequest(
        user_id=user_id,
        text=f"{words} {number if number is not None else '?'}",
        platform="slack",
        key=action_key(body),
        intent=click_key(body, action),
    )
    await _answer(await run_callback_command(deps, request), respond, deps, user_id)


async def handle_callback_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Log a callback from the modal; a bad field is shown under it."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    state = parse_view_state(view)
    form, errors = read_callback_form(
        {name: state.get(block) for name, block in FORM_BLOCKS.items()}
    )
    if errors or form is None:
        shown = {str(FORM_BLOCKS[name]): t(lang, key) for name, key in errors.items()}
        await ack(response_action="errors", errors=shown)
        return
    await ack()
    result = await log_from_form(deps, user_id, form, submission_key(body, view), "slack")
    if isinstance(result, Replayed):
        return
    if isinstance(result, Refused):
        raise result.error
    text, _ = build_callback_reply(result, lang)
    deps.outbox.kick()
    await client.chat_postMessage(channel=user_id, text=text)
