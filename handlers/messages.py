"""Messages: top-level posts in intake channels open inquiries; staff thread replies count."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.ids import Event
from bot.deps import Deps
from bot.domain.commands import slack_plain
from bot.domain.inquiry import Kind
from bot.domain.text import is_message_ts
from bot.ports import MessageRef
from bot.services import inquiries as svc
from handlers.errors import reported
from storage.repos.slack_events import add_processed_event

# Subtypes that are still a person's new message; everything else (edits, deletions,
# joins, bot posts) is ignored.
PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


def register(app: AsyncApp) -> None:
    """Attach the message listener."""
    app.event(Event.MESSAGE)(reported(handle_message_event))


async def handle_message_event(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    """Open an inquiry from an intake post, or record a staff reply as first response."""
    if event.get("subtype") not in PERSON_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return
    channel, ts, user = event.get("channel", ""), event.get("ts", ""), event["user"]
    thread_ts = event.get("thread_ts")
    is_reply = bool(thread_ts and thread_ts != ts)
    in_intake = channel in deps.config.channels.intake
    if not is_reply and not in_intake:
        return
    if not is_message_ts(ts) or (is_reply and not is_message_ts(thread_ts)):
        return  # not a timestamp Slack would send
    async with deps.sessions.begin() as session:
        if not await add_processed_event(
            session, event_id=body.get("event_id") or f"{channel}:{ts}", at=deps.clock.now()
        ):
            return
        if is_reply:
            thread = MessageRef(
                platform="slack", conversation_id=channel, message_id=thread_ts or ""
            )
            await svc.record_first_response(session, deps, thread=thread, user_id=user)
        else:
            text = slack_plain(event.get("text") or "")
            draft = svc.Draft(
                kind=Kind.SUPPORT,
                title=svc.title_from_text(text) or "-",
                detail=text,
                requester_id=user,
                source="message",
                source_message=MessageRef(platform="slack", conversation_id=channel, message_id=ts),
            )
            await svc.open_inquiry(session, deps, draft)
    deps.outbox.kick()
