"""Queries of the daily digest: claimed runs, opt-outs, and a team's inquiries (no commits)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OPEN_INQUIRY_SQL, DigestPreference, DigestRun, Inquiry, UTCDateTime


class TeamRow(NamedTuple):
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


_TEAM_COLUMNS: list[Any] = [getattr(Inquiry, name).expression for name in TeamRow._fields]
# PostgreSQL (asyncpg) returns timestamptz values as aware UTC datetimes already: read them as
# plain DateTime, without UTCDateTime's per-value result hook (a digest batch reads ~200,000
# of them). SQLite stores naive text, which needs the hook.
_TEAM_COLUMNS_PG: list[Any] = [
    sa.type_coerce(c, sa.DateTime(timezone=True)).label(c.key)
    if isinstance(c.type, UTCDateTime)
    else c
    for c in _TEAM_COLUMNS
]


async def _team_rows(
    session: AsyncSession, stmt: Callable[[list[Any]], sa.Select[Any]]
) -> list[Any]:
    """Run a select of the team columns as a Core statement (plain rows: no ORM loading)."""
    connection = await session.connection()
    pg = connection.dialect.name == "postgresql"
    return list((await connection.execute(stmt(_TEAM_COLUMNS_PG if pg else _TEAM_COLUMNS))).all())


def _is_open() -> sa.TextClause:
    """`status IN (the open ones)` as literal SQL: the very predicate of the partial index
    ix_inquiries_open, so that PostgreSQL uses it even for a prepared statement's generic plan
    (a bound parameter list could not prove the index's predicate)."""
    return sa.text(OPEN_INQUIRY_SQL)


async def claim_digest_runs(
    session: AsyncSession, *, runs: Sequence[tuple[str, str]], now: datetime
) -> set[tuple[str, str]]:
    """Insert the (manager, day) runs in one statement; return those this call took (the
    others were taken already: by another process, or an earlier run of this one).

    A concurrent claimer of the same run waits for the first one's transaction, then skips
    it; the rows go in sorted, so two claimers of overlapping batches lock in the same order.
    """
    if not runs:
        return set()
    values = [
        {"manager_id": manager_id, "day": day, "created_at": now}
        for manager_id, day in sorted(set(runs))
    ]
    stmt: sa.Insert
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(DigestRun).on_conflict_do_nothing(constraint="uq_digest_runs")
    else:
        stmt = sa.insert(DigestRun).prefix_with("OR IGNORE")
    stmt = stmt.values(values).returning(col(DigestRun.manager_id), col(DigestRun.day))
    return {(manager_id, day) for manager_id, day in (await session.exec(stmt)).all()}


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
    since: datetime,
    until: datetime,
) -> list[TeamRow]:
    """The inquiries of these people a digest reads, in one query (one team, or every team
    of a batch of digests): the open ones, and those opened or resolved in [since, until).
    PostgreSQL ORs three bitmap index scans: ix_inquiries_open (partial: open rows only), and
    for the windows ix_inquiries_created / ix_inquiries_resolved (every team at once) or
    ix_inquiries_assignee_created / _resolved (one team); see benchmarks/README.md."""
    people = sorted(set(assignee_ids))
    rows = await _team_rows(
        session,
        lambda columns: sa.select(*columns).where(
            col(Inquiry.assignee_id).in_(people),
            sa.or_(
                _is_open(),
                sa.and_(col(Inquiry.created_at) >= since, col(Inquiry.created_at) < until),
                sa.and_(col(Inquiry.resolved_at) >= since, col(Inquiry.resolved_at) < until),
            ),
        ),
    )
    new = tuple.__new__  # TeamRow._make without its length check: the columns are TeamRow's
    return [new(TeamRow, row) for row in rows]


async def list_unassigned(session: AsyncSession, *, limit: int) -> tuple[list[TeamRow], int]:
    """Open inquiries nobody was assigned, oldest first (at most `limit`), and their count, in
    one query (the count is a window over every match, taken before the limit)."""
    rows = await _team_rows(
        session,
        lambda columns: (
            sa.select(*columns, sa.func.count().over())
            .where(col(Inquiry.assignee_id).is_(None), _is_open())
            .order_by(col(Inquiry.number))
            .limit(limit)
        ),
    )
    return [TeamRow._make(row[:-1]) for row in rows], int(rows[0][-1]) if rows else 0


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
