"""Complaints about staff: add, get and list them (see storage.models.Complaint)."""

from __future__ import annotations

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Complaint


async def add_complaint(session: AsyncSession, complaint: Complaint) -> Complaint:
    """Insert a complaint and give it its number (the id)."""
    session.add(complaint)
    await session.flush()
    return complaint


async def get_complaint(
    session: AsyncSession, complaint_id: int, *, lock: bool = False
) -> Complaint | None:
    """The complaint `K<id>` (locked for update when asked), or None."""
    stmt = select(Complaint).where(Complaint.id == complaint_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.exec(stmt)).first()


async def get_complaint_of_survey(session: AsyncSession, *, survey_id: int) -> Complaint | None:
    """The complaint opened from a survey answer, or None."""
    stmt = select(Complaint).where(Complaint.survey_id == survey_id)
    return (await session.exec(stmt)).first()


async def list_complaints(
    session: AsyncSession,
    *,
    staff_ids: tuple[str, ...] | None = None,
    involving: tuple[str, ...] | None = None,
    limit: int = 50,
) -> list[Complaint]:
    """Complaints, newest first: about these staff (when given), or with one of `involving`
    as staff member or reporter (when given); all when neither is."""
    stmt = select(Complaint)
    if staff_ids is not None:
        stmt = stmt.where(col(Complaint.staff_id).in_(staff_ids))
    if involving is not None:
        stmt = stmt.where(
            or_(col(Complaint.staff_id).in_(involving), col(Complaint.reporter_id).in_(involving))
        )
    stmt = stmt.order_by(col(Complaint.id).desc()).limit(limit)
    return list((await session.exec(stmt)).all())
