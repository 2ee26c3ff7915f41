"""Callbacks, their steps and handoffs: add, get, list, claim (see storage.models.Callback)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Callback, CallbackStep, Handoff

CALLBACK = "callback"


async def add_callback(session: AsyncSession, callback: Callback) -> Callback:
    """Insert a callback; its id (the CB number) is known on return."""
    session.add(callback)
    await session.flush()
    return callback


async def get_callback(
    session: AsyncSession, *, callback_id: int, for_update: bool = False
) -> Callback | None:
    """One callback by its number (locked for the transaction with `for_update`, where the
    database can)."""
    # always read the row as stored now: a conditional update of another transaction may
    # have changed it since this session first loaded it
    stmt = (
        select(Callback).where(Callback.id == callback_id).execution_options(populate_existing=True)
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.exec(stmt)).first()


async def list_callbacks(
    session: AsyncSession,
    *,
    states: Collection[str] | None = None,
    owner_id: str | None = None,
    limit: int = 20,
) -> list[Callback]:
    """Callbacks (newest first), filtered by state and owner."""
    stmt = select(Callback)
    if states is not None:
        stmt = stmt.where(col(Callback.state).in_(list(states)))
    if owner_id is not None:
        stmt = stmt.where(Callback.owner_id == owner_id)
    stmt = stmt.order_by(col(Callback.id).desc()).limit(limit)
    return list((await session.exec(stmt)).all())


async def change_callback(
    session: AsyncSession,
    *,
    callback_id: int,
    values: dict[str, Any],
    states: Collection[str] | None = None,
    claimed_by: str | None = None,
    round_: int | None = None,
) -> bool:
    """Change a callback in one conditional UPDATE: only while it is in one of `states` (and
    claimed by `claimed_by`, in round `round_`). Whether it changed: of two people who press
    "I'll call" at once, exactly one changes it (the database serialises the row)."""
    table = Callback.__table__  # type: ignore[attr-defined]
    stmt = sa.update(table).where(table.c.id == callback_id).values(**values)
    if states is not None:
        stmt = stmt.where(table.c.state.in_(list(states)))
    if claimed_by is not None:
        stmt = stmt.where(table.c.claimed_by == claimed_by)
    if round_ is not None:
        stmt = stmt.where(table.c.round == round_)
    result = await session.exec(stmt)
    return bool(result.rowcount)


async def add_step(session: AsyncSession, step: CallbackStep) -> None:
    """Record one step of a callback."""
    session.add(step)
    await session.flush()


async def list_steps(session: AsyncSession, *, callback_id: int) -> list[CallbackStep]:
    """A callback's steps, oldest first."""
    stmt = (
        select(CallbackStep)
        .where(CallbackStep.callback_id == callback_id)
        .order_by(col(CallbackStep.at), col(CallbackStep.id))
    )
    return list((await session.exec(stmt)).all())


async def offered_to(session: AsyncSession, *, callback_id: int, round_: int) -> list[str]:
    """Who the callback was offered to in a round, first offer first."""
    stmt = (
        select(CallbackStep.user_id)
        .where(
            CallbackStep.callback_id == callback_id,
            CallbackStep.round == round_,
            CallbackStep.kind == "offered",
        )
        .order_by(col(CallbackStep.id))
    )
    return list(dict.fromkeys((await session.exec(stmt)).all()))


async def add_handoff(session: AsyncSession, handoff: Handoff) -> None:
    """Record a transfer."""
    session.add(handoff)
    await session.flush()


async def list_handoffs(
    session: AsyncSession, *, object_kind: str, object_id: int
) -> list[Handoff]:
    """An object's transfers, oldest first."""
    stmt = (
        select(Handoff)
        .where(Handoff.object_kind == object_kind, Handoff.object_id == object_id)
        .order_by(col(Handoff.at), col(Handoff.id))
    )
    return list((await session.exec(stmt)).all())


async def anonymise_callbacks(
    session: AsyncSession, *, before: datetime, now: datetime, limit: int
) -> int:
    """Blank the personal data (phone, caller, notes) of callbacks logged before `before`
    that are done or over; return how many."""
    stmt = (
        select(Callback.id)
        .where(col(Callback.anonymised_at).is_(None), col(Callback.logged_at) < before)
        .limit(limit)
    )
    ids = list((await session.exec(stmt)).all())
    if not ids:
        return 0
    table = Callback.__table__  # type: ignore[attr-defined]
    await session.exec(
        sa.update(table)
        .where(table.c.id.in_(ids))
        .values(phone="", caller="", note="", anonymised_at=now)
    )
    steps = CallbackStep.__table__  # type: ignore[attr-defined]
    await session.exec(sa.update(steps).where(steps.c.callback_id.in_(ids)).values(note=""))
    return len(ids)
