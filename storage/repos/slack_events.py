"""Slack event de-duplication by event_id."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ProcessedEvent


async def add_processed_event(session: AsyncSession, *, event_id: str, at: datetime) -> bool:
    """Record event_id; return False when it was already recorded (a retry)."""
    bind = session.get_bind()
    stmt: sa.Insert
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(ProcessedEvent).values(event_id=event_id, received_at=at)
        stmt = stmt.on_conflict_do_nothing(index_elements=["event_id"])
    else:
        stmt = (
            sa.insert(ProcessedEvent)
            .values(event_id=event_id, received_at=at)
            .prefix_with("OR IGNORE")
        )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)
