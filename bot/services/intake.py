"""Intake: which messages become inquiries, and which replies count as a first response.

Platform adapters hand in neutral facts about a message (where, which, in which thread, by
whom, a bot or a person, its plain text); the rules live here:

- a person's top-level post in an intake conversation opens an inquiry;
- a staff reply in an inquiry's thread (its source message or its card) is its first
  response, counted once;
- a message marked to be tracked (Slack's `:ticket:` reaction, the "Track as inquiry"
  shortcut) becomes an inquiry once; a bot's message never does.

Every delivery carries the adapter's idempotency key (Slack: the event id), so a retried
event opens or records nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import Kind
from bot.ports import MessageRef, Platform
from bot.services import inquiries as svc
from bot.services.results import Said
from storage.models import Inquiry
from storage.repos.inquiries import get_inquiry, get_inquiry_by_card, get_inquiry_by_source
from storage.repos.slack_events import add_processed_event


@dataclass(frozen=True)
class IncomingMessage:
    """A message as a platform saw it, reduced to the facts the intake rules read."""

    platform: Platform
    conversation_id: str
    message_id: str
    author_id: str | None  # None: no person wrote it (an app, a system message)
    text: str = ""  # plain text, as the person sees it (no platform markup)
    thread_id: str | None = None  # the thread's first message, when it is a reply
    is_bot: bool = False
    # "post": a person's new message; "other": an edit, a deletion, a join, … (never intake)
    kind: Literal["post", "other"] = "post"
    key: str = ""  # the delivery's idempotency key ("" → conversation and message id)

    @property
    def ref(self) -> MessageRef:
        """Where the message lives."""
        return MessageRef(self.platform, self.conversation_id, self.message_id)

    @property
    def is_reply(self) -> bool:
        """Whether the message answers in another message's thread."""
        return bool(self.thread_id and self.thread_id != self.message_id)


@dataclass(frozen=True)
class Tracking:
    """What became of a request to track a message as an inquiry.

    `status`: "created" (a new inquiry), "tracked" (it already was one), "bot" (a bot's
    message: refused), "none" (no person to track it for), "replay" (this delivery was
    handled already).
    """

    status: Literal["created", "tracked", "bot", "none", "replay"]
    inquiry: Inquiry | None = None


def make_draft(
    *,
    kind: Kind,
    title: str,
    requester_id: str,
    via: str,
    source: MessageRef | None = None,
    **fields: Any,
) -> svc.Draft:
    """The one place an inquiry's Draft is built, from whichever source (`via`: command,
    modal, shortcut, message, reaction); `source` is the message it was opened from."""
    return svc.Draft(
        kind=kind,
        title=title,
        requester_id=requester_id,
        source=via,
        source_message=source,
        **fields,
    )


def intake_conversations(deps: Deps, platform: Platform) -> list[str]:
    """The conversations whose top-level posts become inquiries, on a platform."""
    return list(deps.config.channels_for(platform).intake)


async def find_tracked(session: AsyncSession, source: MessageRef) -> Inquiry | None:
    """The inquiry opened from a message, if any."""
    return await get_inquiry_by_source(
        session, channel=source.conversation_id, ts=source.message_id, platform=source.platform
    )


def tracked_notice(deps: Deps, inquiry: Inquiry, user_id: str) -> Said:
    """ "Already tracked as #N": the number only for staff and the inquiry's own requester."""
    if deps.is_staff(user_id) or inquiry.requester_id == user_id:
        return Said("inquiry.already_tracked", {"number": inquiry.number})
    return Said("inquiry.already_tracked_other")


def tracking_notice(deps: Deps, tracking: Tracking, user_id: str) -> Said | None:
    """What to tell the person who asked to track a message, when anything."""
    if tracking.status == "bot":
        return Said("inquiry.error.bot_message")
    if tracking.status == "tracked" and tracking.inquiry is not None:
        return tracked_notice(deps, tracking.inquiry, user_id)
    return None


async def _lock_thread_inquiry(
    session: AsyncSession, platform: Platform, conversation_id: str, thread_id: str
) -> None:
    """Lock the inquiry whose thread (source message or card) this is, if any: two staff
    replies at once then count one first response, not one each (PostgreSQL)."""
    inquiry = await find_tracked(session, MessageRef(platform, conversation_id, thread_id))
    if inquiry is None:
        inquiry = await get_inquiry_by_card(
            session, channel=conversation_id, ts=thread_id, platform=platform
        )
    if inquiry is not None:
        await get_inquiry(session, number=inquiry.number, for_update=True)


async def _first_delivery(
    session: AsyncSession, deps: Deps, msg: IncomingMessage, tag: str
) -> bool:
    key = msg.key or f"{tag}{msg.conversation_id}:{msg.message_id}"
    return await add_processed_event(session, event_id=key, at=deps.clock.now())


def _draft_of(msg: IncomingMessage, author_id: str, via: str) -> svc.Draft:
    return make_draft(
        kind=Kind.SUPPORT,
        title=svc.title_from_text(msg.text) or "-",
        detail=msg.text,
        requester_id=author_id,
        via=via,
        source=msg.ref,
    )


def concerns_intake(deps: Deps, msg: IncomingMessage) -> bool:
    """Whether a message is one the intake rules act on: a person's new post that is either a
    top-level post in an intake conversation or a reply in some thread."""
    if msg.kind != "post" or msg.is_bot or not msg.author_id:
        return False
    return msg.is_reply or msg.conversation_id in intake_conversations(deps, msg.platform)


async def take_message(
    session: AsyncSession, deps: Deps, msg: IncomingMessage
) -> svc.Opened | Inquiry | None:
    """Open an inquiry from an intake post, or record a staff reply as first response.

    Returns what was opened (or answered), None when the message changes nothing.
    """
    if not concerns_intake(deps, msg) or not await _first_delivery(session, deps, msg, ""):
        return None
    assert msg.author_id is not None
    if msg.is_reply:
        assert msg.thread_id is not None
        await _lock_thread_inquiry(session, msg.platform, msg.conversation_id, msg.thread_id)
        thread = MessageRef(msg.platform, msg.conversation_id, msg.thread_id)
        answered = await svc.record_first_response(
            session, deps, thread=thread, user_id=msg.author_id
        )
        await svc.record_requester_message(
            session, deps, thread=thread, user_id=msg.author_id, text=msg.text
        )
        return answered
    return await svc.open_inquiry(session, deps, _draft_of(msg, msg.author_id, "message"))


async def check_trackable(
    session: AsyncSession, source: MessageRef, *, by_bot: bool
) -> Tracking | None:
    """Refuse a bot's message, or name the inquiry a message already is; None: go on."""
    if by_bot:
        return Tracking("bot")
    existing = await find_tracked(session, source)
    return Tracking("tracked", existing) if existing is not None else None


async def track_message(session: AsyncSession, deps: Deps, msg: IncomingMessage) -> Tracking:
    """Track a marked message (a `:ticket:` reaction) as an inquiry once; its author is the
    requester."""
    if msg.is_bot:
        return Tracking("bot")
    if not msg.author_id:
        return Tracking("none")
    if not await _first_delivery(session, deps, msg, "r:"):
        return Tracking("replay")
    opened = await svc.open_inquiry(session, deps, _draft_of(msg, msg.author_id, "reaction"))
    return Tracking("created" if opened.created else "tracked", opened.inquiry)
