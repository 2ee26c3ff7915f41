"""Absences (`/away`): add, end, and find the one in force (see storage.models.Absence)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Absence


async def add_absence(session: AsyncSession, absence: Absence) -> Absence:
    """Insert an absence."""
    session.add(absence)
    await session.flush()
    return absence


async def get_absence(session: AsyncSession, *, user_id: str, at: datetime) -> Absence | None:
    """The absence of user_id in force at `at` (the latest set, if several), or None."""
    stmt = (
        select(Absence)
        .where(
            Absence.user_id == user_id,
            col(Absence.starts_at) <= at,
            col(Absence.until) > at,
            col(Absence.ended_at).is_(None),
        )
        .order_by(col(Absence.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def end_absences(session: AsyncSession, *, user_id: str, at: datetime) -> int:
    """End user_id's absences in force at `at` (`/away off`); return how many."""
    table = Absence.__table__  # type: ignore[attr-defined]
    result = await session.exec(
        sa.update(table)
        .where(
            table.c.user_id == user_id,
            table.c.until > at,
            table.c.ended_at.is_(None),
        )
        .values(ended_at=at)
    )
    return int(result.rowcount or 0)


async def delete_old_absences(session: AsyncSession, *, before: datetime, limit: int) -> int:
    """Delete absences over before `before`; return how many."""
    ids = list(
        (
            await session.exec(select(Absence.id).where(col(Absence.until) < before).limit(limit))
        ).all()
    )
    if not ids:
        return 0
    table = Absence.__table__  # type: ignore[attr-defined]
    await session.exec(sa.delete(table).where(table.c.id.in_(ids)))
    return len(ids)
