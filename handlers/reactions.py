"""A :ticket: reaction turns any message the bot can see into an inquiry (once)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.domain.commands import slack_plain
from bot.domain.inquiry import Kind
from bot.domain.text import is_channel_id, is_message_ts, is_user_id
from bot.services import inquiries as svc
from handlers.errors import reported
from handlers.ids import TICKET_REACTION, Event
from storage.repos.inquiries import get_inquiry_by_source
from storage.repos.slack_events import add_processed_event


def register(app: AsyncApp) -> None:
    """Attach the reaction listener."""
    app.event(Event.REACTION_ADDED)(reported(handle_reaction_added_event))


async def handle_reaction_added_event(
    body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Track the reacted message as an inquiry; its author is the requester."""
    item = event.get("item") or {}
    if event.get("reaction") != TICKET_REACTION or item.get("type") != "message":
        return
    channel, ts = item.get("channel", ""), item.get("ts", "")
    if not is_channel_id(channel) or not is_message_ts(ts):
        return  # not ids Slack would send: nothing to look up
    async with deps.reads() as session:
        if await get_inquiry_by_source(session, channel=channel, ts=ts) is not None:
            return
    history = await client.conversations_history(
        channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
    )
    messages = history.get("messages") or []
    if not messages:
        return
    message = messages[0]
    text = slack_plain(message.get("text") or "")
    author = next(
        (u for u in (message.get("user"), event.get("item_user"), event.get("user")) if u), None
    )
    if not is_user_id(author):
        return  # no person to track it for (a bot's or an app's message)
    assert isinstance(author, str)
    async with deps.sessions.begin() as session:
        if not await add_processed_event(
            session, event_id=body.get("event_id") or f"r:{channel}:{ts}", at=deps.clock.now()
        ):
            return
        draft = svc.Draft(
            kind=Kind.SUPPORT,
            title=svc.title_from_text(text) or "-",
            detail=text,
            requester_id=author,
            source="reaction",
            source_channel=channel,
            source_ts=ts,
        )
        await svc.open_inquiry(session, deps, draft)
    deps.outbox.kick()
