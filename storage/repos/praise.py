"""Praise: add, get and list it (see storage.models.Praise)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Praise


async def add_praise(session: AsyncSession, praise: Praise) -> Praise:
    """Insert praise and give it its id."""
    session.add(praise)
    await session.flush()
    return praise


async def get_praise(session: AsyncSession, praise_id: int, *, lock: bool = False) -> Praise | None:
    """The praise with this id (locked for update when asked), or None."""
    stmt = select(Praise).where(Praise.id == praise_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.exec(stmt)).first()


async def get_praise_of_survey(session: AsyncSession, *, survey_id: int) -> Praise | None:
    """The praise made from a survey answer, or None."""
    return (await session.exec(select(Praise).where(Praise.survey_id == survey_id))).first()


async def list_praise(
    session: AsyncSession, *, created_from: datetime, created_before: datetime
) -> list[Praise]:
    """Praise (and exemplary nominations) given in [created_from, created_before)."""
    stmt = select(Praise).where(
        Praise.created_at >= created_from, Praise.created_at < created_before
    )
    return list((await session.exec(stmt.order_by(col(Praise.id)))).all())
