"""`/feedback` (complaints, praise, exemplary staff) and the feedback prompts' buttons: Slack
requests in, the services' neutral results out (bot/services/feedback_commands.py,
feedback_actions.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.feedback import (
    build_case_card,
    build_case_form,
    build_feedback_reply,
    verb_of,
)
from bot.adapters.slack.ids import Block, Command, View
from bot.adapters.slack.views import parse_view_state, read_metadata
from bot.deps import Deps
from bot.errors import DomainError
from bot.i18n import Lang
from bot.services.complaint_views import CaseView, refusal_of, reviewer_card
from bot.services.feedback_actions import CaseChanged, FeedbackAction, perform_feedback
from bot.services.feedback_commands import run_feedback_command
from bot.services.feedback_common import CASE_FORMS, FeedbackVerb
from bot.services.inquiry_commands import Refused
from bot.services.results import Said
from handlers.common import (
    action_key,
    command_request,
    ephemeral,
    error_text,
    replayed,
    said_text,
    submission_key,
)
from handlers.errors import reported

log = logging.getLogger("charterbot.feedback")
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
    for verb in CASE_FORMS:
        app.action(verb_pattern(verb))(reported(handle_case_button))
    app.view_submission(View.COMPLAINT_FORM)(reported(handle_case_form_submission))


async def handle_feedback_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/feedback …` ephemerally: nothing of a complaint is ever posted in the channel."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = command_request(command)
    result = await run_feedback_command(deps, request)
    if replayed(result):
        return
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


def _number(value: str) -> int:
    """A case button's complaint id (a forged or garbled value is a stale button)."""
    if not value.isdigit() or len(value) > 9:
        raise DomainError("feedback.error.stale")
    return int(value)


async def handle_case_button(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    """A case card's confirm / dismiss / corrective-action button: the reviewer's form (a
    modal); anyone else is refused (answered ephemerally) before anything opens."""
    await ack()
    user_id = body["user"]["id"]
    verb = FeedbackVerb(verb_of(str(action["action_id"])))
    number = _number(str(action.get("value") or ""))
    async with deps.reads() as session:
        case = await reviewer_card(session, deps, number, user_id)
    container = body.get("container")
    container = container if isinstance(container, dict) else {}
    channel = str(container.get("channel_id") or "")
    ts = str(container.get("message_ts") or "")
    lang = await deps.languages.language_of(user_id)
    refusal = refusal_of(case, verb.value)
    if refusal is not None:
        # decided meanwhile (typed, or on another card): this card shows the case as it is
        await _update_card(client, lang, case, channel, ts)
        raise refusal
    view = build_case_form(lang, verb, case, channel=channel, ts=ts)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def _update_card(
    client: AsyncWebClient, lang: Lang, case: CaseView, channel: str, ts: str
) -> None:
    """Show a case's card as it is now in the reviewer's DM message it was acted on (never
    anywhere else: a case is never shown in a channel)."""
    if not channel.startswith("D") or not ts:
        return
    text, blocks = build_case_card(lang, case)
    try:
        await client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:  # the card was deleted: the case is as it is all the same
        log.warning("complaint card %s/%s not updated: %s", channel, ts, exc.response.get("error"))


def _form_of(view: dict[str, Any]) -> tuple[int, FeedbackVerb, str, str] | None:
    """(complaint id, verb, card channel, card ts) a case form carries; None when unreadable."""
    meta = read_metadata(view) or {}
    number, verb = meta.get("complaint"), meta.get("verb")
    channel, ts = meta.get("channel"), meta.get("ts")
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 10**9:
        return None
    if verb not in {v.value for v in CASE_FORMS}:
        return None
    if not isinstance(channel, str) or not isinstance(ts, str):
        return None
    return number, FeedbackVerb(verb), channel, ts


async def handle_case_form_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """A case form: the same service call as `/feedback confirm|dismiss|action K<n> …`; a
    refusal (not the reviewer, decided already, a bad date) is shown in the form; on success
    the card the form was opened from is updated in place."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    form = _form_of(view)
    if form is None:
        stale = said_text(lang, Said("form.stale"))
        await ack(response_action="errors", errors={Block.COMPLAINT_TEXT: stale})
        return
    number, verb, channel, ts = form
    state = parse_view_state(view)
    text = state.get(Block.COMPLAINT_TEXT) or ""
    if not text.strip():
        required = said_text(lang, Said("form.note_required"))
        await ack(response_action="errors", errors={Block.COMPLAINT_TEXT: required})
        return
    result = await perform_feedback(
        deps,
        FeedbackAction(
            verb,
            user_id,
            str(number),
            via="slack",
            key=submission_key(body, view),
            comment=text,
            due=state.get(Block.COMPLAINT_DUE),
        ),
    )
    if isinstance(result, Refused):
        block = Block.COMPLAINT_DUE if result.error.key.endswith("bad_date") else None
        await ack(
            response_action="errors",
            errors={block or Block.COMPLAINT_TEXT: error_text(lang, result.error)},
        )
        return
    await ack()
    deps.outbox.kick()
    if isinstance(result, CaseChanged):  # (a replayed submission changed nothing)
        await _update_card(client, lang, result.case, channel, ts)
