"""Slack event de-duplication by event_id."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import insert_ignoring_duplicates
from storage.models import ProcessedEvent


async def add_processed_event(session: AsyncSession, *, event_id: str, at: datetime) -> bool:
    """Record event_id; return False when it was already recorded (a retry)."""
    stmt = insert_ignoring_duplicates(session, ProcessedEvent, "event_id").values(
        event_id=event_id, received_at=at
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)
