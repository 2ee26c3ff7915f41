"""Minimal table rows for storage-level tests (only what the tables require, plus overrides)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Inquiry, MessageRefRecord, Reminder
from storage.repos.message_refs import get_message_ref


def inquiry_row(
    number: int, at: datetime, *, status: str = "new", title: str = "", requester_id: str = "UCUST"
) -> Inquiry:
    """A support inquiry opened by command at `at` (title `#<number>` unless given)."""
    return Inquiry(
        number=number,
        kind="support",
        status=status,
        title=title or f"#{number}",
        requester_id=requester_id,
        source="command",
        created_at=at,
        updated_at=at,
        sla_start_at=at,
    )


def reminder_row(
    key: str,
    inquiry_id: int,
    due_at: datetime,
    *,
    deadline_at: datetime | None = None,
    created_at: datetime | None = None,
    state: str = "pending",
) -> Reminder:
    """The assignee's first-response deadline reminder (deadline and creation default to due)."""
    return Reminder(
        key=key,
        inquiry_id=inquiry_id,
        obligation="first_response",
        kind="deadline",
        audience="assignee",
        due_at=due_at,
        deadline_at=deadline_at or due_at,
        state=state,
        created_at=created_at or due_at,
    )


async def message_of(
    sessions: async_sessionmaker[AsyncSession], inquiry_id: int | None, ref: str
) -> MessageRefRecord | None:
    """Where an inquiry's `ref` message ("source", "card") lives on Slack (message_refs)."""
    assert inquiry_id is not None
    async with sessions() as session:
        return await get_message_ref(
            session, object_kind="inquiry", object_id=inquiry_id, ref=ref, platform="slack"
        )


async def ts_of(
    sessions: async_sessionmaker[AsyncSession], inquiry_id: int | None, ref: str
) -> str | None:
    """The Slack ts of an inquiry's source message or card (None when it has none)."""
    found = await message_of(sessions, inquiry_id, ref)
    return None if found is None else found.message_id
