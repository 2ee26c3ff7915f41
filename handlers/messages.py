"""Messages: top-level posts in intake channels open inquiries; staff thread replies count."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.ids import Event
from bot.deps import Deps
from bot.domain.commands import slack_plain
from bot.domain.text import is_message_ts
from bot.services.intake import IncomingMessage, concerns_intake, take_message
from handlers.errors import reported

# Subtypes that are still a person's new message; everything else (edits, deletions,
# joins, bot posts) is ignored.
PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


def register(app: AsyncApp) -> None:
    """Attach the message listener."""
    app.event(Event.MESSAGE)(reported(handle_message_event))


def incoming_message(body: dict[str, Any], event: dict[str, Any]) -> IncomingMessage:
    """The facts of a Slack message event that the intake rules read."""
    return IncomingMessage(
        platform="slack",
        conversation_id=event.get("channel", ""),
        message_id=event.get("ts", ""),
        thread_id=event.get("thread_ts"),
        author_id=event.get("user") or None,
        is_bot=bool(event.get("bot_id")),
        kind="post" if event.get("subtype") in PERSON_SUBTYPES else "other",
        text=slack_plain(text) if isinstance(text := event.get("text"), str) else "",
        key=body.get("event_id") or "",
    )


async def handle_message_event(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    """Open an inquiry from an intake post, or record a staff reply as first response."""
    msg = incoming_message(body, event)
    if not concerns_intake(deps, msg):
        return
    if not is_message_ts(msg.message_id) or (msg.is_reply and not is_message_ts(msg.thread_id)):
        return  # not a timestamp Slack would send
    async with deps.sessions.begin() as session:
        await take_message(session, deps, msg)
    deps.outbox.kick()
