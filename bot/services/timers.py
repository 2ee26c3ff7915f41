"""Timers: wake a feature's subject up at a wall-clock time, exactly once, through the sweep.

A feature plans a timer with `set_timer` in the transaction of the change that makes it due
(a visitor seated, a callback logged, a notice planned) and exposes its handlers in a
`TIMERS` mapping of kind → handler; bot/scheduler.py gathers those mappings. The sweep claims
due timers (safe with several processes) and runs each handler in a savepoint of the claiming
transaction, so what a handler writes (state, events, outbox rows) commits with the claim or
not at all. A handler that raises is retried with a growing delay, then given up on.

Handlers must re-read their subject and do nothing when the moment has passed (the visit was
confirmed, the callback claimed): a timer says "look again now", not "this is still true".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from storage.models import Timer
from storage.repos.timers import (
    cancel_timers,
    claim_due_timers,
    fail_timer,
    list_timers,
    retry_timer,
    upsert_timer,
)

log = logging.getLogger("charterbot.timers")
MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=1)


@dataclass(frozen=True)
class Due:
    """A timer whose time has come, as its handler sees it."""

    id: int
    key: str
    kind: str
    subject_id: int
    due_at: datetime
    payload: dict[str, Any]
    attempts: int


Handler = Callable[[AsyncSession, Deps, Due], Awaitable[None]]


async def set_timer(
    session: AsyncSession,
    deps: Deps,
    *,
    key: str,
    kind: str,
    subject_id: int,
    due_at: datetime,
    payload: Mapping[str, Any] | None = None,
    rearm: bool = False,
) -> None:
    """Plan the timer `key` for `due_at`, or move it if it is still pending. A timer that has
    already fired (or was cancelled) stays so unless `rearm` is given: planning is then
    idempotent, so recomputing a subject's timers never fires a step twice."""
    await upsert_timer(
        session,
        key=key,
        kind=kind,
        subject_id=subject_id,
        due_at=due_at,
        payload=json.dumps(dict(payload or {}), ensure_ascii=False, sort_keys=True),
        now=deps.clock.now(),
        rearm=rearm,
    )


async def cancel(
    session: AsyncSession,
    *,
    keys: Collection[str] = (),
    kind_prefix: str | None = None,
    subject_id: int | None = None,
) -> int:
    """Cancel the pending timers named in `keys`, or all pending timers of `subject_id` whose
    kind starts with `kind_prefix` (e.g. every `visit.` timer of visit 3)."""
    return await cancel_timers(session, keys=keys, kind_prefix=kind_prefix, subject_id=subject_id)


async def pending(
    session: AsyncSession, *, kind_prefix: str | None = None, subject_id: int | None = None
) -> list[Timer]:
    """The pending timers (of a subject / kind prefix), soonest first."""
    return await list_timers(session, kind_prefix=kind_prefix, subject_id=subject_id)


async def fire_due_timers(
    session: AsyncSession, deps: Deps, handlers: Mapping[str, Handler], *, limit: int = 1000
) -> int:
    """Claim up to `limit` due timers and run their handlers; return how many were claimed."""
    now = deps.clock.now()
    rows = await claim_due_timers(session, now=now, limit=limit)
    for row in rows:
        due = Due(
            id=row.id,
            key=row.key,
            kind=row.kind,
            subject_id=row.subject_id,
            due_at=row.due_at,
            payload=json.loads(row.payload or "{}"),
            attempts=row.attempts,
        )
        handler = handlers.get(due.kind)
        if handler is None:
            log.warning("timer %s: no handler for kind %s", due.id, due.kind)
            await fail_timer(session, due.id)
            continue
        try:
            async with session.begin_nested():
                await handler(session, deps, due)
        except Exception:
            log.exception("timer %s (%s) failed, attempt %d", due.id, due.kind, due.attempts + 1)
            if due.attempts + 1 >= MAX_ATTEMPTS:
                await fail_timer(session, due.id)
            else:
                await retry_timer(session, due.id, due_at=now + RETRY_BASE * 2**due.attempts)
    return len(rows)
