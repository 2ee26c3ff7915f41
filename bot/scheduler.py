"""APScheduler jobs: each calls one service, owns its session and logs its own failure."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.services.digest.run import send_due_digests
from bot.services.reminders import send_due_nudges
from bot.services.reports.publish import send_due_report
from bot.services.retention import purge_expired

log = logging.getLogger("charterbot.scheduler")
Job = Callable[[Deps], Awaitable[Any]]
SWEEP_BATCH = 1000
RETENTION_EVERY = 3600.0  # seconds between retention runs
RETENTION_BATCH = 5000  # rows of each kind deleted per transaction
DIGEST_EVERY = 60.0  # seconds between looks for due digests (and the monthly report)


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


@scheduled_job
async def run_retention_job(deps: Deps) -> dict[str, int]:
    """Delete rows kept past their `[retention]` period, in batches of one transaction each
    (safe in several processes at once)."""
    total: dict[str, int] = {}
    while True:
        async with deps.sessions.begin() as session:
            deleted = await purge_expired(session, deps, limit=RETENTION_BATCH)
        for kind, count in deleted.items():
            total[kind] = total.get(kind, 0) + count
        if max(deleted.values()) < RETENTION_BATCH:
            break
    if any(total.values()):
        log.info("retention deleted %s", total)
    return total


@scheduled_job
async def run_digest_job(deps: Deps) -> int:
    """Queue the digests due now (each claimed once per manager and day) and wake the sender."""
    sent = await send_due_digests(deps)
    sent += await send_due_report(deps)
    if sent:
        deps.outbox.kick()
    return sent


def build_scheduler(deps: Deps) -> AsyncIOScheduler:
    """Create (not start) the scheduler: the sweep every `scheduler.sweep_interval`, the
    retention job hourly, the digest (and monthly report) look every minute."""
    interval = parse_duration(deps.config.scheduler.sweep_interval)
    seconds = interval.wall.total_seconds() or 60.0 * interval.business_minutes or 30.0
    scheduler = AsyncIOScheduler(timezone=deps.tz)
    for job_id, job, every in (
        ("sweep", run_sweep_job, seconds),
        ("retention", run_retention_job, RETENTION_EVERY),
        ("digest", run_digest_job, DIGEST_EVERY),
    ):
        # one run at a time per process; runs missed while one was busy collapse into one
        scheduler.add_job(
            job,
            "interval",
            seconds=every,
            args=[deps],
            id=job_id,
            max_instances=1,
            coalesce=True,
        )
    return scheduler
