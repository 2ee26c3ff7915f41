"""Action receipts: claim a user action once (replays and double submits find it taken)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import insert_ignoring_duplicates
from storage.models import ActionReceipt


async def add_receipt(
    session: AsyncSession, *, key: str, now: datetime, expires_at: datetime
) -> bool:
    """Record key; return False when it was already recorded (the action was taken before).

    The insert is the claim: on PostgreSQL a concurrent second insert of the same key waits
    for the first transaction and then finds the row; on SQLite writers are serialised.
    """
    stmt = insert_ignoring_duplicates(session, ActionReceipt, "key").values(
        key=key, created_at=now, expires_at=expires_at
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


async def add_receipt_after_expiry(
    session: AsyncSession, *, key: str, now: datetime, expires_at: datetime
) -> bool:
    """Like add_receipt, but a row of the same key that has expired no longer counts (for
    short windows such as a double click)."""
    await session.exec(
        sa.delete(ActionReceipt).where(
            col(ActionReceipt.key) == key, col(ActionReceipt.expires_at) <= now
        )
    )
    return await add_receipt(session, key=key, now=now, expires_at=expires_at)


async def delete_expired_receipts(
    session: AsyncSession, *, now: datetime, limit: int = 5000
) -> int:
    """Delete (at most `limit`) receipts whose expiry has passed; return how many."""
    pick = select(ActionReceipt.key).where(col(ActionReceipt.expires_at) < now).limit(limit)
    result = await session.exec(sa.delete(ActionReceipt).where(col(ActionReceipt.key).in_(pick)))
    return int(result.rowcount or 0)
