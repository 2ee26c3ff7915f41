"""Timers: plan, move, cancel and claim one-shot wake-ups (see storage.models.Timer)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Timer

DONE_STATES = ("fired", "cancelled", "failed")


async def upsert_timer(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    subject_id: int,
    due_at: datetime,
    payload: str,
    now: datetime,
    rearm: bool,
) -> None:
    """Insert the timer `key`, or move it when it is still pending (or, with `rearm`, also
    when it has fired or was cancelled: it becomes pending again). One statement, so two
    writers planning the same key never make two rows."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(Timer).values(
        key=key,
        kind=kind,
        subject_id=subject_id,
        due_at=due_at,
        state="pending",
        payload=payload,
        attempts=0,
        created_at=now,
    )
    table = Timer.__table__  # type: ignore[attr-defined]
    movable = table.c.state == "pending"
    if rearm:
        movable = sa.true()
    await session.exec(
        stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "due_at": stmt.excluded.due_at,
                "payload": stmt.excluded.payload,
                "state": "pending",
                "attempts": 0,
                "fired_at": None,
            },
            where=movable,
        )
    )


async def cancel_timers(
    session: AsyncSession,
    *,
    keys: Collection[str] = (),
    kind_prefix: str | None = None,
    subject_id: int | None = None,
) -> int:
    """Cancel pending timers named in `keys`, or those of `subject_id` whose kind starts with
    `kind_prefix`; return how many."""
    stmt = sa.update(Timer).where(col(Timer.state) == "pending")
    if keys:
        stmt = stmt.where(col(Timer.key).in_(list(keys)))
    elif kind_prefix is not None and subject_id is not None:
        stmt = stmt.where(
            col(Timer.subject_id) == subject_id, col(Timer.kind).startswith(kind_prefix)
        )
    else:
        raise ValueError("cancel_timers needs keys, or a kind prefix and a subject")
    result = await session.exec(stmt.values(state="cancelled"))
    return int(result.rowcount or 0)


async def get_timer(session: AsyncSession, key: str) -> Timer | None:
    """The timer named `key`, whatever its state."""
    return (await session.exec(select(Timer).where(col(Timer.key) == key))).first()


async def list_timers(
    session: AsyncSession,
    *,
    kind_prefix: str | None = None,
    subject_id: int | None = None,
    states: Collection[str] = ("pending",),
) -> list[Timer]:
    """Timers in `states` (pending by default), optionally of one subject or kind prefix,
    soonest first."""
    query = select(Timer).where(col(Timer.state).in_(list(states)))
    if kind_prefix is not None:
        query = query.where(col(Timer.kind).startswith(kind_prefix))
    if subject_id is not None:
        query = query.where(col(Timer.subject_id) == subject_id)
    return list((await session.exec(query.order_by(col(Timer.due_at), col(Timer.id)))).all())


async def claim_due_timers(session: AsyncSession, *, now: datetime, limit: int) -> list[Any]:
    """Atomically take due pending timers (marked fired) in one statement; safe with several
    processes (FOR UPDATE SKIP LOCKED on PostgreSQL; serialised writers on SQLite, where the
    UPDATE re-checks the state). Returns rows with the timers' columns, oldest due first."""
    pick = (
        select(Timer.id)
        .where(col(Timer.state) == "pending", col(Timer.due_at) <= now)
        .order_by(col(Timer.due_at), col(Timer.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    result = await session.exec(
        sa.update(Timer)
        .where(col(Timer.id).in_(pick), col(Timer.state) == "pending")
        .values(state="fired", fired_at=now)
        .returning(*Timer.__table__.columns)  # type: ignore[attr-defined]
    )
    return sorted(result.all(), key=lambda r: (r.due_at, r.id))


async def retry_timer(session: AsyncSession, timer_id: int, *, due_at: datetime) -> None:
    """Put a claimed timer whose handler failed back in the queue for `due_at`."""
    await session.exec(
        sa.update(Timer)
        .where(col(Timer.id) == timer_id)
        .values(state="pending", due_at=due_at, attempts=Timer.attempts + 1, fired_at=None)
    )


async def fail_timer(session: AsyncSession, timer_id: int) -> None:
    """Give up on a timer (no handler for its kind, or its handler kept failing)."""
    await session.exec(
        sa.update(Timer)
        .where(col(Timer.id) == timer_id)
        .values(state="failed", attempts=Timer.attempts + 1)
    )


async def delete_done_timers(session: AsyncSession, *, before: datetime, limit: int = 5000) -> int:
    """Delete fired, cancelled or failed timers due before `before`."""
    pick = (
        select(Timer.id)
        .where(col(Timer.state).in_(list(DONE_STATES)), col(Timer.due_at) < before)
        .limit(limit)
    )
    result = await session.exec(sa.delete(Timer).where(col(Timer.id).in_(pick)))
    return int(result.rowcount or 0)
