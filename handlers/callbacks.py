"""`/callback`, its buttons (I'll call / called back / can't) and the log-a-callback modal:
Slack requests in, the callback command service's neutral results out
(bot/services/callback_commands.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.callbacks import (
    build_callback_modal,
    build_callback_reply,
    build_pass_modal,
)
from bot.adapters.slack.ids import Action, Block, Command, View
from bot.adapters.slack.text import t
from bot.adapters.slack.views import modal_number, parse_view_state
from bot.deps import Deps
from bot.domain.callbacks import parse_callback_ref
from bot.services.callback_commands import (
    PASS_NOTE_CHARS,
    FeatureRequest,
    FeatureResult,
    OpenCallbackForm,
    OpenPassForm,
    log_from_form,
    open_pass_form,
    pass_from_form,
    read_callback_form,
    run_callback_command,
)
from handlers.common import action_key, click_key, ephemeral, replayed, submission_key
from handlers.errors import reported

# The buttons and the words of the subcommand each one is.
BUTTON_WORDS = {
    Action.CALLBACK_CLAIM: "claim",
    Action.CALLBACK_DONE: "done",
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
    app.action(Action.CALLBACK_PASS)(reported(handle_callback_pass_action))
    app.view_submission(View.NEW_CALLBACK)(reported(handle_callback_submission))
    app.view_submission(View.CALLBACK_PASS)(reported(handle_callback_pass_submission))


async def _answer(result: FeatureResult, respond: AsyncRespond, deps: Deps, user_id: str) -> None:
    if replayed(result):
        return
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
    if replayed(result):
        return
    text, _ = build_callback_reply(result, lang)
    deps.outbox.kick()
    await client.chat_postMessage(channel=user_id, text=text)


async def handle_callback_pass_action(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    """The "can't" button: its form (a colleague to hand it to, optional, and why)."""
    await ack()
    user_id = body["user"]["id"]
    request = FeatureRequest(
        user_id=user_id,
        text="",
        platform="slack",
        intent=click_key(body, action),
    )
    number = parse_callback_ref(str(action.get("value") or ""))
    result = await open_pass_form(deps, request, number)
    if isinstance(result, OpenPassForm):
        lang = await deps.languages.language_of(user_id)
        await client.views_open(trigger_id=body["trigger_id"], view=build_pass_modal(lang, result))
        return
    await _answer(result, respond, deps, user_id)


async def handle_callback_pass_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """The "can't" form: with a colleague the call is handed to them with its context, else
    it passes on along the ladder. A colleague who cannot take calls, or too long a reason,
    is refused under its field; other refusals (done, taken, someone away) in a DM."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    number = modal_number(view)
    if number is None:
        await ack(response_action="errors", errors={Block.CALLBACK_REASON: t(lang, "form.stale")})
        return
    state = parse_view_state(view)
    colleague = (state.get(Block.CALLBACK_COLLEAGUE) or "").strip() or None
    reason = (state.get(Block.CALLBACK_REASON) or "").strip()
    errors: dict[str, str] = {}
    if colleague and not deps.is_assignable(colleague):
        errors[Block.CALLBACK_COLLEAGUE] = t(lang, "callback.error.owner_not_staff", user=colleague)
    elif colleague and deps.config.same_person(colleague, user_id):
        errors[Block.CALLBACK_COLLEAGUE] = t(lang, "handoff.error.self")
    if len(reason) > PASS_NOTE_CHARS:
        errors[Block.CALLBACK_REASON] = t(lang, "callback.form.too_long")
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    request = FeatureRequest(
        user_id=user_id, text="", platform="slack", key=submission_key(body, view)
    )
    result = await pass_from_form(deps, request, number, colleague, reason)
    if replayed(result):
        return
    text, _ = build_callback_reply(result, lang)
    deps.outbox.kick()
    await client.chat_postMessage(channel=user_id, text=text)
