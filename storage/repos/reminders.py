"""Reminder rows: add (idempotent by key), list, cancel, and claim due ones atomically."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Reminder


async def add_reminders(session: AsyncSession, reminders: Sequence[Reminder]) -> None:
    """Insert reminders; a key that already exists (in any state) is left alone."""
    if not reminders:
        return
    rows = [r.model_dump(exclude={"id"}) for r in reminders]
    stmt: sa.Insert
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(Reminder).values(rows).on_conflict_do_nothing(index_elements=["key"])
    else:
        stmt = sa.insert(Reminder).values(rows).prefix_with("OR IGNORE")
    await session.exec(stmt)


async def list_pending_reminders(session: AsyncSession, *, inquiry_id: int) -> list[Reminder]:
    """Return the inquiry's reminders that have not fired yet."""
    stmt = select(Reminder).where(
        col(Reminder.inquiry_id) == inquiry_id, col(Reminder.state) == "pending"
    )
    return list((await session.exec(stmt)).all())


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
) -> list[Reminder]:
    """Atomically take due pending reminders (marked sent); safe with several processes.

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
    ids = list((await session.exec(pick)).all())
    if not ids:
        return []
    result = await session.exec(
        sa.update(Reminder)
        .where(col(Reminder.id).in_(ids), col(Reminder.state) == "pending")
        .values(state="sent", sent_at=now)
        .returning(col(Reminder.id))
    )
    taken = [row[0] for row in result.all()]
    return sorted(await get_reminders(session, ids=taken), key=lambda r: (r.due_at, r.id or 0))
