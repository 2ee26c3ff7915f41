"""The message shortcut "Track as inquiry": a modal prefilled with the message."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.domain.commands import slack_plain
from bot.domain.text import is_channel_id, is_message_ts, is_user_id
from bot.services.inquiries import title_from_text
from handlers.blocks.inquiry import build_new_inquiry_modal
from handlers.common import action_key, first_time
from handlers.errors import reported
from handlers.ids import Shortcut


def register(app: AsyncApp) -> None:
    """Attach the shortcut listener."""
    app.message_shortcut(Shortcut.INQUIRY_FROM_MESSAGE)(
        reported(handle_inquiry_from_message_shortcut)
    )


async def handle_inquiry_from_message_shortcut(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Open the new-inquiry modal with the message's text, remembering its source."""
    await ack()
    user_id = shortcut["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    message = shortcut.get("message") or {}
    text = slack_plain(message.get("text") or "")
    channel = (shortcut.get("channel") or {}).get("id")
    ts = message.get("ts") or shortcut.get("message_ts")
    author = message.get("user")
    meta = {
        "channel": channel if is_channel_id(channel) else None,
        "ts": ts if is_message_ts(ts) else None,
        "author": author if is_user_id(author) else user_id,
    }
    view = build_new_inquiry_modal(lang, title=title_from_text(text), detail=text, meta=meta)
    if not await first_time(deps, action_key(shortcut)):
        return  # a replayed request: the modal was opened already
    await client.views_open(trigger_id=shortcut["trigger_id"], view=view)
