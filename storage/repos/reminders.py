"""Reminder rows: add (idempotent by key), list, cancel, and claim due ones atomically."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import insert_ignoring_duplicates
from storage.models import Reminder

# Keys of reminders made by a snooze button carry this mark (``<planned key>~snz<until>``).
SNOOZE_MARK = "~snz"


async def add_reminders(
    session: AsyncSession, reminders: Sequence[Reminder | dict[str, Any]]
) -> None:
    """Insert reminders (models or column dicts); a key that already exists is left alone."""
    if not reminders:
        return
    rows = [r if isinstance(r, dict) else r.model_dump(exclude={"id"}) for r in reminders]
    stmt = insert_ignoring_duplicates(session, Reminder, "key")
    # executemany with plain dicts: far cheaper than compiling a multi-row VALUES clause
    await session.exec(stmt, params=rows)


async def list_pending_reminders(session: AsyncSession, *, inquiry_id: int) -> list[Reminder]:
    """Return the inquiry's reminders that have not fired yet."""
    stmt = select(Reminder).where(
        col(Reminder.inquiry_id) == inquiry_id, col(Reminder.state) == "pending"
    )
    return list((await session.exec(stmt)).all())


async def list_waiting_snoozes(
    session: AsyncSession, *, inquiry_ids: Sequence[int], after: datetime
) -> list[Reminder]:
    """Return the snooze copies of these inquiries that are still waiting after `after`."""
    if not inquiry_ids:
        return []
    stmt = select(Reminder).where(
        col(Reminder.inquiry_id).in_(list(inquiry_ids)),
        col(Reminder.state) == "pending",
        col(Reminder.due_at) > after,
        col(Reminder.key).contains(SNOOZE_MARK),
    )
    return list((await session.exec(stmt)).all())


async def move_reminders(session: AsyncSession, moves: Sequence[tuple[int, datetime]]) -> None:
    """Give pending reminders (id, new due time) a new due time."""
    for reminder_id, due_at in moves:
        await session.exec(
            sa.update(Reminder)
            .where(col(Reminder.id) == reminder_id, col(Reminder.state) == "pending")
            .values(due_at=due_at)
        )


async def cancel_reminders(session: AsyncSession, *, ids: Sequence[int]) -> None:
    """Mark pending reminders cancelled."""
    if ids:
        await session.exec(
            sa.update(Reminder)
            .where(col(Reminder.id).in_(list(ids)), col(Reminder.state) == "pending")
            .values(state="cancelled")
        )


async def get_reminders(session: AsyncSession, *, ids: Sequence[int]) -> list[Reminder]:
    """Return the reminders with these ids."""
    if not ids:
        return []
    return list((await session.exec(select(Reminder).where(col(Reminder.id).in_(list(ids))))).all())


async def claim_due_reminders(
    session: AsyncSession, *, now: datetime, limit: int = 1000
) -> list[Any]:
    """Atomically take due pending reminders (marked sent) in one statement; safe with several
    processes. Returns rows with the reminders' columns, oldest due first.

    PostgreSQL: the ids are picked with FOR UPDATE SKIP LOCKED, so concurrent sweeps never
    wait for or take each other's rows. SQLite: writers are serialised (BEGIN IMMEDIATE) and the
    UPDATE re-checks state = 'pending', so a row is claimed by whoever updates it first.
    The (state, due_at) index keeps the cost proportional to the due work, not the table.
    """
    pick = (
        select(Reminder.id)
        .where(col(Reminder.state) == "pending", col(Reminder.due_at) <= now)
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    result = await session.exec(
        sa.update(Reminder)
        .where(col(Reminder.id).in_(pick), col(Reminder.state) == "pending")
        .values(state="sent", sent_at=now)
        .returning(*Reminder.__table__.columns)  # type: ignore[attr-defined]
    )
    return sorted(result.all(), key=lambda r: (r.due_at, r.id))
