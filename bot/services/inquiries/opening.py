"""Drafting and opening an inquiry, from a command, a form or a chat message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import Kind, Status
from bot.domain.sla import end_of_business_day
from bot.domain.text import sanitize
from bot.errors import DomainError, Forbidden
from bot.i18n import dated, timed
from bot.ports import MessageRef
from bot.services.inquiries.access import check_assignable
from bot.services.inquiries.changes import (
    deadline_of,
    notify_assignee,
    record_event,
    refuse_far,
    sync_card,
    tell_requester,
)
from bot.services.refs import SOURCE, remember_message
from storage.db import Duplicate, undone_if_duplicate
from storage.models import Inquiry
from storage.repos.inquiries import INQUIRY, add_inquiry, get_inquiry_by_source, next_number

MAX_TITLE = 200

MAX_DETAIL = 3000


@dataclass(frozen=True)
class Draft:
    """What is needed to open an inquiry, from whichever source."""

    kind: Kind
    title: str
    requester_id: str
    detail: str = ""
    customer: str = ""
    contact: str = ""
    due: date | None = None
    assignee_id: str | None = None
    source: str = "command"
    source_message: MessageRef | None = None  # the chat message it is opened from, if any
    created_by: str | None = None  # who is opening it, when not the requester (shortcut)


@dataclass(frozen=True)
class Opened:
    """The result of open_inquiry: the inquiry and whether it already existed."""

    inquiry: Inquiry
    created: bool


TITLE_SUMMARY = 80

_SENTENCE_END = re.compile(r"(?<=[.!?。？！])\s")


def title_from_text(text: str) -> str:
    """A short summary of message text: its first sentence, or 80 characters at a word break.

    The full text stays the inquiry's detail; the title is what lists, cards and nudges show.
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = _SENTENCE_END.split(first, maxsplit=1)[0].strip()
    if len(first) <= TITLE_SUMMARY:
        return first
    cut = first[: TITLE_SUMMARY - 1]
    space = cut.rfind(" ")
    if space >= TITLE_SUMMARY // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


async def _opened_from(session: AsyncSession, message: MessageRef) -> Inquiry | None:
    return await get_inquiry_by_source(
        session,
        channel=message.conversation_id,
        ts=message.message_id,
        platform=message.platform,
    )


async def open_inquiry(session: AsyncSession, deps: Deps, draft: Draft) -> Opened:
    """Open an inquiry (once per source message), post its card and acknowledge the source."""
    if draft.source_message is not None:
        existing = await _opened_from(session, draft.source_message)
        if existing is not None:
            return Opened(existing, created=False)
    if draft.assignee_id:
        if not deps.is_staff(draft.created_by or draft.requester_id):
            raise Forbidden("inquiry.error.customer_assignee")
        check_assignable(deps, draft.assignee_id)
    if draft.kind == Kind.REGULATORY and draft.due is None:
        raise DomainError("inquiry.error.regulatory_needs_due", usage="inquiry.usage.new")
    now = deps.clock.now()
    if draft.due is not None and end_of_business_day(draft.due, deps.calendar) < now:
        raise DomainError(
            "inquiry.error.due_in_past", due=dated(draft.due, now.astimezone(deps.tz).date())
        )
    refuse_far(draft.due, deps, now, "inquiry.usage.new")
    title = sanitize(draft.title).strip()[:MAX_TITLE] or "-"

    async def insert() -> Inquiry:
        inquiry = Inquiry(
            number=await next_number(session),
            kind=draft.kind.value,
            status=Status.ACKNOWLEDGED.value if draft.assignee_id else Status.NEW.value,
            title=title,
            detail=sanitize(draft.detail)[:MAX_DETAIL],
            customer=sanitize(draft.customer)[:200],
            contact=sanitize(draft.contact)[:200],
            requester_id=draft.requester_id,
            assignee_id=draft.assignee_id,
            source=draft.source,
            created_at=now,
            updated_at=now,
            sla_start_at=now,
            due_date=end_of_business_day(draft.due, deps.calendar) if draft.due else None,
        )
        inquiry.deadline_at = deadline_of(inquiry, deps)
        await add_inquiry(session, inquiry)
        assert inquiry.id is not None
        if draft.source_message is not None:
            # One inquiry per message: a second one's source is refused (uq_message_refs_message)
            await remember_message(
                session,
                object_kind=INQUIRY,
                object_id=inquiry.id,
                ref=SOURCE,
                message=draft.source_message,
                now=now,
                first_wins=False,
            )
        return inquiry

    if draft.source_message is None:
        inquiry = await insert()
    else:
        try:
            async with undone_if_duplicate(session):
                inquiry = await insert()
        except Duplicate:
            # The same message opened at the same instant by someone else (a `:ticket:`
            # reaction and the shortcut's form): they committed first, so this one's rows and
            # number are undone and it names their inquiry, as when it came second.
            existing = await _opened_from(session, draft.source_message)
            if existing is None:
                raise
            return Opened(existing, created=False)
    event = await record_event(
        session, inquiry, draft.requester_id, "created", now, new=inquiry.status, note=title
    )
    if draft.assignee_id:
        await record_event(
            session, inquiry, draft.requester_id, "assigned", now, new=draft.assignee_id
        )
    await sync_card(session, inquiry, event, deps)
    if draft.source_message is not None:
        await tell_requester(
            session,
            inquiry,
            event,
            deps,
            "inquiry.notify.received",
            deadline=timed(inquiry.deadline_at),
        )
    if draft.assignee_id and draft.assignee_id != draft.requester_id:
        await notify_assignee(session, inquiry, event, deps)
    return Opened(inquiry, created=True)
