"""Deleting what is no longer needed: old processed events, finished outbox rows, done
reminders. Each call deletes at most `limit` rows, so the caller can commit in batches and
never hold the (SQLite) write lock for long."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Inquiry, OutboxMessage, ProcessedEvent, Reminder


async def delete_processed_events(
    session: AsyncSession, *, before: datetime, limit: int = 5000
) -> int:
    """Forget Slack event ids received before `before` (Slack retries within minutes)."""
    pick = (
        select(ProcessedEvent.event_id).where(col(ProcessedEvent.received_at) < before).limit(limit)
    )
    result = await session.exec(
        sa.delete(ProcessedEvent).where(col(ProcessedEvent.event_id).in_(pick))
    )
    return int(result.rowcount or 0)


async def delete_finished_outbox(
    session: AsyncSession, *, before: datetime, states: Collection[str], limit: int = 5000
) -> int:
    """Delete outbox rows in a final state (sent, cancelled, failed) created before `before`."""
    pick = (
        select(OutboxMessage.id)
        .where(col(OutboxMessage.state).in_(list(states)), col(OutboxMessage.created_at) < before)
        .limit(limit)
    )
    result = await session.exec(sa.delete(OutboxMessage).where(col(OutboxMessage.id).in_(pick)))
    return int(result.rowcount or 0)


async def delete_done_reminders(
    session: AsyncSession, *, before: datetime, open_statuses: Collection[str], limit: int = 5000
) -> int:
    """Delete fired or cancelled reminders due before `before` whose inquiry is no longer open.

    Reminders of open inquiries are kept whatever their age: their keys are what stops a
    recomputation from planning (and firing) the same reminder again.
    """
    still_open = select(Inquiry.id).where(col(Inquiry.status).in_(list(open_statuses)))
    pick = (
        select(Reminder.id)
        .where(
            col(Reminder.state).in_(["sent", "cancelled"]),
            col(Reminder.due_at) < before,
            col(Reminder.inquiry_id).not_in(still_open),
        )
        .limit(limit)
    )
    result = await session.exec(sa.delete(Reminder).where(col(Reminder.id).in_(pick)))
    return int(result.rowcount or 0)
