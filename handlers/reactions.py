"""A :ticket: reaction turns any person's message the bot can see into an inquiry (once)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.ids import TICKET_REACTION, Event
from bot.deps import Deps
from bot.domain.commands import slack_plain
from bot.domain.text import is_channel_id, is_message_ts, is_user_id
from bot.ports import MessageRef
from bot.services.intake import (
    IncomingMessage,
    Tracking,
    check_trackable,
    track_message,
    tracking_notice,
)
from handlers.common import is_bot_message, said_text
from handlers.errors import reported


def register(app: AsyncApp) -> None:
    """Attach the reaction listener."""
    app.event(Event.REACTION_ADDED)(reported(handle_reaction_added_event))


async def handle_reaction_added_event(
    body: dict[str, Any],
    event: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
    deps: Deps,
) -> None:
    """Track the reacted message as an inquiry; its author is the requester."""
    item = event.get("item") or {}
    if event.get("reaction") != TICKET_REACTION or item.get("type") != "message":
        return
    channel, ts = item.get("channel", ""), item.get("ts", "")
    if not is_channel_id(channel) or not is_message_ts(ts):
        return  # not ids Slack would send: nothing to look up
    reactor = event.get("user") or ""

    async def tell(tracking: Tracking) -> None:
        said = tracking_notice(deps, tracking, reactor)
        if reactor and said is not None:
            lang = await deps.languages.language_of(reactor)
            text = said_text(lang, said)
            await client.chat_postEphemeral(channel=channel, user=reactor, text=text)

    by_bot = bool(context.bot_user_id and event.get("item_user") == context.bot_user_id)
    async with deps.reads() as session:
        known = await check_trackable(session, MessageRef("slack", channel, ts), by_bot=by_bot)
    if known is not None:
        await tell(known)
        return
    history = await client.conversations_history(
        channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
    )
    messages = history.get("messages") or []
    if not messages:
        return
    message = messages[0]
    author = next(
        (u for u in (message.get("user"), event.get("item_user"), event.get("user")) if u), None
    )
    msg = IncomingMessage(
        platform="slack",
        conversation_id=channel,
        message_id=ts,
        author_id=author if is_user_id(author) else None,
        is_bot=is_bot_message(message, context.bot_user_id),
        text=slack_plain(message.get("text") or ""),
        key=body.get("event_id") or "",
    )
    async with deps.sessions.begin() as session:
        tracking = await track_message(session, deps, msg)
    deps.outbox.kick()
    if tracking.status != "created":  # a bot's message, or another reaction won the race
        await tell(tracking)
