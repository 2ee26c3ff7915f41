"""Web VOC submissions: the sender's id → the inquiry it became (no commit)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import insert_ignoring_duplicates
from storage.models import VocSubmission


async def add_voc_submission(
    session: AsyncSession, *, external_id: str, received_at: datetime
) -> VocSubmission | None:
    """Claim `external_id`; the new row, or None when it was claimed before (a resubmission).

    One statement: two identical submissions at once never both pass (PostgreSQL waits for
    the first writer, SQLite has one writer).
    """
    stmt = insert_ignoring_duplicates(session, VocSubmission, "external_id").values(
        external_id=external_id, received_at=received_at
    )
    result = await session.exec(stmt)
    if result.rowcount != 1:
        return None
    return await get_voc_submission(session, external_id=external_id)


async def get_voc_submission(session: AsyncSession, *, external_id: str) -> VocSubmission | None:
    """The submission with the sender's id, or None."""
    stmt = select(VocSubmission).where(VocSubmission.external_id == external_id)
    return (await session.exec(stmt)).first()


async def get_voc_submission_of(session: AsyncSession, *, inquiry_id: int) -> VocSubmission | None:
    """The submission an inquiry was opened from, or None."""
    stmt = select(VocSubmission).where(VocSubmission.inquiry_id == inquiry_id)
    return (await session.exec(stmt)).first()
