"""Slack event de-duplication by event_id."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import insert_ignoring_duplicates
from storage.models import ProcessedEvent


async def add_processed_event(session: AsyncSession, *, event_id: str, at: datetime) -> bool:
    """Record event_id; return False when it was already recorded (a retry)."""
    event_id = str(event_id)
    if len(event_id) > 64:  # longer than Slack's ids: kept as a digest that fits the column
        event_id = "sha256:" + hashlib.sha256(event_id.encode("utf-8", "replace")).hexdigest()[:57]
    stmt = insert_ignoring_duplicates(session, ProcessedEvent, "event_id").values(
        event_id=event_id, received_at=at
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)
