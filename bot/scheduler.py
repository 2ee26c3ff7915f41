"""APScheduler jobs: each calls one service, owns its session and logs its own failure."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.services.reminders import send_due_nudges

log = logging.getLogger("charterbot.scheduler")
Job = Callable[[Deps], Awaitable[Any]]
SWEEP_BATCH = 1000


def scheduled_job(func: Job) -> Job:
    """Log a job's failure with its name and never let it reach (and stop) the scheduler."""

    @functools.wraps(func)
    async def wrapper(deps: Deps) -> Any:
        try:
            return await func(deps)
        except Exception:
            log.exception("job %s failed", func.__name__)
            return None

    return wrapper


@scheduled_job
async def run_sweep_job(deps: Deps) -> int:
    """Fire every due reminder (in batches) and wake the outbox sender."""
    total = 0
    while True:
        async with deps.sessions.begin() as session:
            fired = await send_due_nudges(session, deps, limit=SWEEP_BATCH)
        total += fired
        if fired:
            deps.outbox.kick()
        if fired < SWEEP_BATCH:
            return total


def build_scheduler(deps: Deps) -> AsyncIOScheduler:
    """Create (not start) the scheduler with the sweep job every `scheduler.sweep_interval`."""
    interval = parse_duration(deps.config.scheduler.sweep_interval)
    seconds = interval.wall.total_seconds() or 60.0 * interval.business_minutes or 30.0
    scheduler = AsyncIOScheduler(timezone=deps.tz)
    scheduler.add_job(
        run_sweep_job,
        "interval",
        seconds=seconds,
        args=[deps],
        id="sweep",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
