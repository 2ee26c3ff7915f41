"""A :ticket: reaction turns any person's message the bot can see into an inquiry (once)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.ids import TICKET_REACTION, Event
from bot.deps import Deps
from bot.domain.commands import slack_plain
from bot.domain.inquiry import Kind
from bot.domain.text import is_channel_id, is_message_ts, is_user_id
from bot.i18n import t
from bot.ports import MessageRef
from bot.services import inquiries as svc
from handlers.common import is_bot_message, tracked_text
from handlers.errors import reported
from storage.repos.inquiries import get_inquiry_by_source
from storage.repos.slack_events import add_processed_event


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

    async def tell(text: str) -> None:
        if reactor:
            await client.chat_postEphemeral(channel=channel, user=reactor, text=text)

    lang = await deps.languages.language_of(reactor) if reactor else deps.config.language
    if context.bot_user_id and event.get("item_user") == context.bot_user_id:
        await tell(t(lang, "inquiry.error.bot_message"))
        return
    async with deps.reads() as session:
        existing = await get_inquiry_by_source(session, channel=channel, ts=ts)
    if existing is not None:
        await tell(tracked_text(deps, lang, existing, reactor))
        return
    history = await client.conversations_history(
        channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
    )
    messages = history.get("messages") or []
    if not messages:
        return
    message = messages[0]
    if is_bot_message(message, context.bot_user_id):
        await tell(t(lang, "inquiry.error.bot_message"))
        return
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
            source_message=MessageRef(platform="slack", conversation_id=channel, message_id=ts),
        )
        opened = await svc.open_inquiry(session, deps, draft)
    deps.outbox.kick()
    if not opened.created:  # another reaction won the race
        await tell(tracked_text(deps, lang, opened.inquiry, reactor))
