"""`/notice` and `/outage`: Slack commands in, the notice command service's neutral results
out (bot/services/notice_commands.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.notices import build_notice_modal, build_notice_reply
from bot.adapters.slack.ids import Command, View
from bot.adapters.slack.text import t
from bot.adapters.slack.views import parse_view_state
from bot.deps import Deps
from bot.services.notice_commands import (
    FormErrors,
    NoticeFeature,
    NoticeRequest,
    OpenNoticeForm,
    run_notice_command,
    submit_notice_form,
)
from handlers.common import action_key, ephemeral, replayed, submission_key
from handlers.errors import reported


def register(app: AsyncApp) -> None:
    """Attach the notice listener."""
    app.command(Command.NOTICE)(reported(handle_notice_command))
    app.view_submission(View.NOTICE_PLAN)(reported(handle_notice_submission))


async def run_feature(
    feature: NoticeFeature,
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    deps: Deps,
    client: AsyncWebClient | None = None,
) -> None:
    """Run `/notice …` or `/outage …` and answer ephemerally."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = NoticeRequest(
        user_id=user_id,
        text=command.get("text") or "",
        platform="slack",
        key=action_key(command),
    )
    result = await run_notice_command(deps, feature, request)
    if replayed(result):
        return
    if isinstance(result, OpenNoticeForm) and client is not None:
        await client.views_open(trigger_id=command["trigger_id"], view=build_notice_modal(lang))
        return
    text, blocks = build_notice_reply(result, lang)
    deps.outbox.kick()
    await respond(**ephemeral(text, blocks))


async def handle_notice_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    """Answer `/notice …` (`/notice` alone opens the new-notice form)."""
    await run_feature("notice", ack, command, respond, deps, client)


async def handle_notice_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Plan a notice from the form: field errors stay in the form, the answer comes by DM."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    result = await submit_notice_form(
        deps, user_id, parse_view_state(view), key=submission_key(body, view)
    )
    if isinstance(result, FormErrors):
        errors = {field: t(lang, key, **params) for field, (key, params) in result.errors.items()}
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    if replayed(result):
        return
    text, _blocks = build_notice_reply(result, lang)
    deps.outbox.kick()
    await client.chat_postMessage(channel=user_id, text=text)
