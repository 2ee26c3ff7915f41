"""Queries of the daily digest: claimed runs, opt-outs, and a team's inquiries (no commits)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DigestPreference, DigestRun, Inquiry


@dataclass(frozen=True)
class TeamRow:
    """What a digest reads of an inquiry (plain values: hundreds per team, no ORM objects)."""

    id: int
    number: int
    kind: str
    status: str
    title: str
    assignee_id: str | None
    created_at: datetime
    sla_start_at: datetime
    due_date: datetime | None
    deadline_at: datetime | None
    eta_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    hold_started_at: datetime | None


_TEAM_COLUMNS = [getattr(Inquiry, f.name) for f in fields(TeamRow)]


async def claim_digest_run(
    session: AsyncSession, *, manager_id: str, day: str, now: datetime
) -> bool:
    """Insert the (manager, day) run; False when it was taken already (another process, an
    earlier run of this one). A concurrent claimer waits for the first one's transaction."""
    values = {"manager_id": manager_id, "day": day, "created_at": now}
    stmt: sa.Insert
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(DigestRun).on_conflict_do_nothing(constraint="uq_digest_runs")
    else:
        stmt = sa.insert(DigestRun).prefix_with("OR IGNORE")
    result = await session.exec(stmt.values(**values).returning(col(DigestRun.id)))
    return result.first() is not None


async def list_digest_runs(session: AsyncSession, *, manager_id: str) -> list[DigestRun]:
    """A manager's claimed runs, oldest first."""
    stmt = select(DigestRun).where(DigestRun.manager_id == manager_id).order_by(col(DigestRun.day))
    return list((await session.exec(stmt)).all())


async def get_digest_enabled(session: AsyncSession, *, user_ids: Sequence[str]) -> bool:
    """Whether the person (by any of their ids) wants the daily digest (no row: yes)."""
    stmt = select(DigestPreference).where(col(DigestPreference.user_id).in_(list(user_ids)))
    return all(p.enabled for p in (await session.exec(stmt)).all())


async def set_digest_enabled(
    session: AsyncSession, *, user_id: str, enabled: bool, now: datetime
) -> None:
    """Record the person's choice (replacing an earlier one)."""
    pref = await session.get(DigestPreference, user_id)
    if pref is None:
        session.add(DigestPreference(user_id=user_id, enabled=enabled, updated_at=now))
    else:
        pref.enabled = enabled
        pref.updated_at = now
        session.add(pref)


async def list_disabled(session: AsyncSession) -> set[str]:
    """Every id whose owner turned the digest off."""
    stmt = select(DigestPreference.user_id).where(col(DigestPreference.enabled).is_(False))
    return set((await session.exec(stmt)).all())


async def list_team_window(
    session: AsyncSession,
    *,
    assignee_ids: Sequence[str],
    statuses: Sequence[str],
    since: datetime,
    until: datetime,
) -> list[TeamRow]:
    """A team's inquiries a digest reads, in one query: the open ones, and those opened or
    resolved in [since, until) (each branch walks its own (assignee_id, …) index)."""
    people = list(assignee_ids)
    stmt = select(*_TEAM_COLUMNS).where(
        col(Inquiry.assignee_id).in_(people),
        sa.or_(
            col(Inquiry.status).in_(list(statuses)),
            sa.and_(col(Inquiry.created_at) >= since, col(Inquiry.created_at) < until),
            sa.and_(col(Inquiry.resolved_at) >= since, col(Inquiry.resolved_at) < until),
        ),
    )
    return [TeamRow(*row) for row in (await session.exec(stmt)).all()]


async def list_unassigned(
    session: AsyncSession, *, statuses: Sequence[str], limit: int
) -> tuple[list[Inquiry], int]:
    """Open inquiries nobody was assigned, oldest first (at most `limit`), and their count."""
    where = sa.and_(col(Inquiry.assignee_id).is_(None), col(Inquiry.status).in_(list(statuses)))
    rows = (
        await session.exec(select(Inquiry).where(where).order_by(col(Inquiry.number)).limit(limit))
    ).all()
    total = (await session.exec(select(func.count()).select_from(Inquiry).where(where))).one()
    return list(rows), int(total)


async def list_resolved_between(
    session: AsyncSession,
    *,
    since: datetime,
    until: datetime,
    assignee_ids: Sequence[str] | None = None,
) -> list[Inquiry]:
    """Inquiries resolved in [since, until) (of these assignees, when given)."""
    conds = [col(Inquiry.resolved_at) >= since, col(Inquiry.resolved_at) < until]
    if assignee_ids is not None:
        conds.append(col(Inquiry.assignee_id).in_(list(assignee_ids)))
    return list((await session.exec(select(Inquiry).where(*conds))).all())
