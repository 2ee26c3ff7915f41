"""The message shortcut "Track as inquiry": staff get the full form, customers "report this"."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.inquiry import build_new_inquiry_modal, build_report_modal
from bot.adapters.slack.ids import Shortcut
from bot.adapters.slack.text import t
from bot.deps import Deps
from bot.domain.commands import slack_plain
from bot.domain.text import is_channel_id, is_message_ts, is_user_id
from bot.services.inquiries import title_from_text
from handlers.common import (
    action_key,
    assignee_options,
    ephemeral,
    first_time,
    is_bot_message,
    tracked_text,
)
from handlers.errors import reported
from storage.repos.inquiries import get_inquiry_by_source


def register(app: AsyncApp) -> None:
    """Attach the shortcut listener."""
    app.message_shortcut(Shortcut.INQUIRY_FROM_MESSAGE)(
        reported(handle_inquiry_from_message_shortcut)
    )


async def handle_inquiry_from_message_shortcut(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
    deps: Deps,
) -> None:
    """Open the form prefilled with the message, unless it is the bot's own or already tracked."""
    await ack()
    user_id = shortcut["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    message = shortcut.get("message") or {}
    channel = (shortcut.get("channel") or {}).get("id") or ""
    ts = message.get("ts") or shortcut.get("message_ts") or ""
    if is_bot_message(message, context.bot_user_id):
        await respond(**ephemeral(t(lang, "inquiry.error.bot_message")))
        return
    # Answered at once, before any form: the message is already an inquiry.
    async with deps.reads() as session:
        existing = await get_inquiry_by_source(session, channel=channel, ts=ts)
    if existing is not None:
        await respond(**ephemeral(tracked_text(deps, lang, existing, user_id)))
        return
    text = slack_plain(message.get("text") or "")
    author = message.get("user")
    meta = {
        "channel": channel if is_channel_id(channel) else None,
        "ts": ts if is_message_ts(ts) else None,
    }
    if not deps.is_staff(user_id):
        view = build_report_modal(lang, title=title_from_text(text), detail=text, meta=meta)
    else:
        view = build_new_inquiry_modal(
            lang,
            title=title_from_text(text),
            detail=text,
            meta={**meta, "author": author if is_user_id(author) else user_id},
            assignees=await assignee_options(deps, user_id),
        )
    if not await first_time(deps, action_key(shortcut)):
        return  # a replayed request: the modal was opened already
    await client.views_open(trigger_id=shortcut["trigger_id"], view=view)
