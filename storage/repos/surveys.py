"""Surveys: add, get, and list them (see storage.models.Survey)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Survey


async def add_survey(session: AsyncSession, survey: Survey) -> Survey:
    """Insert a survey and give it its id."""
    session.add(survey)
    await session.flush()
    return survey


async def get_survey(session: AsyncSession, survey_id: int, *, lock: bool = False) -> Survey | None:
    """The survey with this id (locked for update when asked), or None."""
    stmt = select(Survey).where(Survey.id == survey_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.exec(stmt)).first()


async def last_survey_at(
    session: AsyncSession, *, requester_ids: tuple[str, ...]
) -> datetime | None:
    """When any of these ids (one person) was last sent a survey, or None."""
    stmt = select(func.max(Survey.sent_at)).where(col(Survey.requester_id).in_(requester_ids))
    value = (await session.exec(stmt)).first()
    return value if isinstance(value, datetime) else None


async def list_surveys(
    session: AsyncSession,
    *,
    sent_from: datetime,
    sent_before: datetime,
    teams: tuple[str, ...] | None = None,
) -> list[Survey]:
    """The surveys sent in [sent_from, sent_before) (of these teams when given), oldest first."""
    stmt = select(Survey).where(Survey.sent_at >= sent_from, Survey.sent_at < sent_before)
    if teams is not None:
        stmt = stmt.where(col(Survey.team).in_(teams))
    return list((await session.exec(stmt.order_by(col(Survey.sent_at), col(Survey.id)))).all())
