"""Outbox rows: add, claim due work, mark the result."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OutboxMessage


async def add_outbox_message(session: AsyncSession, message: OutboxMessage) -> None:
    """Insert an outbox row; a row with the same idempotency key already queued wins."""
    bind = session.get_bind()
    values = message.model_dump(exclude={"id"})
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: sa.Insert = pg_insert(OutboxMessage).values(**values).on_conflict_do_nothing(
            index_elements=["idempotency_key"]
        )
    else:
        stmt = sa.insert(OutboxMessage).values(**values).prefix_with("OR IGNORE")
    await session.exec(stmt)


async def list_due_outbox(
    session: AsyncSession, *, now: datetime, limit: int = 50
) -> list[OutboxMessage]:
    """Return pending rows whose time has come, oldest first (locked on PostgreSQL)."""
    stmt = (
        select(OutboxMessage)
        .where(col(OutboxMessage.state) == "pending", col(OutboxMessage.available_at) <= now)
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.exec(stmt)).all())


async def claim_outbox_message(session: AsyncSession, *, message_id: int, now: datetime) -> bool:
    """Move a pending row to 'sending'; False when another worker took it first."""
    stmt = (
        sa.update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.state) == "pending")
        .values(state="sending", attempts=OutboxMessage.attempts + 1, available_at=now)
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


async def get_outbox_message(session: AsyncSession, message_id: int) -> OutboxMessage | None:
    """Return one outbox row."""
    return await session.get(OutboxMessage, message_id)


async def count_outbox(session: AsyncSession, *, state: str) -> int:
    """Count rows in a state."""
    stmt = select(sa.func.count()).select_from(OutboxMessage).where(
        col(OutboxMessage.state) == state
    )
    return int((await session.exec(stmt)).one())
