"""Notices and outages: read and add (see storage.models.Notice, Outage); no commit."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Notice, Outage

NOTICE = "notice"
OUTAGE = "outage"


async def add_notice(session: AsyncSession, notice: Notice) -> Notice:
    """Insert a notice and give it its id (its number)."""
    session.add(notice)
    await session.flush()
    return notice


async def get_notice(session: AsyncSession, notice_id: int, *, lock: bool = False) -> Notice | None:
    """The notice N<notice_id>, or None."""
    stmt = select(Notice).where(Notice.id == notice_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.exec(stmt)).first()


async def list_notices(
    session: AsyncSession,
    *,
    statuses: Collection[str] | None = None,
    ending_after: datetime | None = None,
    starting_before: datetime | None = None,
    limit: int = 50,
) -> list[Notice]:
    """Notices by status and window, soonest start first."""
    stmt = select(Notice)
    if statuses is not None:
        stmt = stmt.where(col(Notice.status).in_(list(statuses)))
    if ending_after is not None:
        stmt = stmt.where(Notice.end_at > ending_after)
    if starting_before is not None:
        stmt = stmt.where(Notice.start_at <= starting_before)
    stmt = stmt.order_by(col(Notice.start_at), col(Notice.id)).limit(limit)
    return list((await session.exec(stmt)).all())


async def add_outage(session: AsyncSession, outage: Outage) -> Outage:
    """Insert an outage and give it its id (its number)."""
    session.add(outage)
    await session.flush()
    return outage


async def get_outage(session: AsyncSession, outage_id: int, *, lock: bool = False) -> Outage | None:
    """The outage O<outage_id>, or None."""
    stmt = select(Outage).where(Outage.id == outage_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.exec(stmt)).first()


async def list_outages(
    session: AsyncSession,
    *,
    status: str | None = None,
    planned: bool | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> list[Outage]:
    """Outages by status / planned, those still open or resolved after `since`; oldest first."""
    stmt = select(Outage)
    if status is not None:
        stmt = stmt.where(Outage.status == status)
    if planned is not None:
        stmt = stmt.where(Outage.planned == planned)
    if since is not None:
        stmt = stmt.where(or_(col(Outage.resolved_at).is_(None), col(Outage.resolved_at) > since))
    stmt = stmt.order_by(col(Outage.started_at), col(Outage.id)).limit(limit)
    return list((await session.exec(stmt)).all())


async def first_outage_at(session: AsyncSession) -> datetime | None:
    """When the first outage was recorded (tracking began), or None."""
    stmt = select(Outage.started_at).order_by(col(Outage.started_at)).limit(1)
    return (await session.exec(stmt)).first()
