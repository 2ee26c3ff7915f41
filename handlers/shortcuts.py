"""The message shortcut "Track as inquiry": staff get the full form, customers "report this"."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.inquiry import build_new_inquiry_modal, build_report_modal
from bot.adapters.slack.ids import Shortcut
from bot.deps import Deps
from bot.domain.commands import slack_plain
from bot.domain.text import is_channel_id, is_message_ts, is_user_id
from bot.ports import MessageRef
from bot.services.inquiries import title_from_text
from bot.services.inquiry_forms import assignee_choices
from bot.services.intake import check_trackable, tracking_notice
from handlers.common import (
    action_key,
    ephemeral,
    first_time,
    is_bot_message,
    said_text,
)
from handlers.errors import reported


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
    # Answered at once, before any form: a bot's message, or one that is already an inquiry.
    by_bot = is_bot_message(message, context.bot_user_id)
    async with deps.reads() as session:
        known = await check_trackable(session, MessageRef("slack", channel, ts), by_bot=by_bot)
    said = tracking_notice(deps, known, user_id) if known is not None else None
    if said is not None:
        await respond(**ephemeral(said_text(lang, said)))
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
            assignees=await assignee_choices(deps, user_id),
        )
    if not await first_time(deps, action_key(shortcut)):
        return  # a replayed request: the modal was opened already
    await client.views_open(trigger_id=shortcut["trigger_id"], view=view)
