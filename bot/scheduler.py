"""APScheduler jobs: each calls one service, owns its session and logs its own failure."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.services import callbacks, complaints, notice_timers, praise
from bot.services.digest.run import send_due_digests
from bot.services.reminders import send_due_nudges
from bot.services.reports.publish import send_due_report
from bot.services.retention import purge_expired
from bot.services.timers import Handler, fire_due_timers
from bot.services.visits import timers as visits
from bot.services.visits.retention import purge_visitor_data

log = logging.getLogger("charterbot.scheduler")
Job = Callable[[Deps], Awaitable[Any]]
SWEEP_BATCH = 1000
RETENTION_EVERY = 3600.0  # seconds between retention runs
RETENTION_BATCH = 5000  # rows of each kind deleted per transaction
DIGEST_EVERY = 60.0  # seconds between looks for due digests (and the monthly report)

# Every feature's timer handlers, by kind: add a feature's `TIMERS` mapping here.
TIMER_HANDLERS: dict[str, Handler] = {
    **callbacks.TIMERS,
    **complaints.TIMERS,
    **notice_timers.TIMERS,
    **praise.TIMERS,
    **visits.TIMERS,
}


# The job runs in progress, per Deps (by id): a stop waits for them before the database goes.
_RUNNING: dict[int, set[asyncio.Task[Any]]] = {}


def scheduled_job(func: Job) -> Job:
    """Log a job's failure with its name and never let it reach (and stop) the scheduler;
    a run in progress is known to `settle_jobs`."""

    @functools.wraps(func)
    async def wrapper(deps: Deps) -> Any:
        task = asyncio.current_task()
        running = _RUNNING.setdefault(id(deps), set())
        if task is not None:
            running.add(task)
        try:
            return await func(deps)
        except Exception:
            log.exception("job %s failed", func.__name__)
            return None
        finally:
            if task is not None:
                running.discard(task)
            if not running:
                _RUNNING.pop(id(deps), None)

    return wrapper


async def settle_jobs(deps: Deps, timeout: float = 10.0) -> int:
    """Wait (at most `timeout` seconds) for the job runs still going for `deps` to end: after
    the scheduler's shutdown cancelled them, their transactions roll back on a database that
    is still there (disposing it under them leaves a task that never ends). Return how many
    did not end in time."""
    running = [t for t in _RUNNING.get(id(deps), ()) if not t.done()]
    if not running:
        return 0
    _done, pending = await asyncio.wait(running, timeout=timeout)
    if pending:
        log.warning("%d scheduled job run(s) still going at the stop", len(pending))
    return len(pending)


@scheduled_job
async def run_sweep_job(deps: Deps) -> int:
    """Fire every due reminder and every due timer (in batches) and wake the outbox sender."""
    total = 0
    for fire in (_fire_reminders, _fire_timers):
        while True:
            async with deps.sessions.begin() as session:
                fired = await fire(session, deps)
            total += fired
            if fired:
                deps.outbox.kick()
            if fired < SWEEP_BATCH:
                break
    return total


async def _fire_reminders(session: AsyncSession, deps: Deps) -> int:
    return await send_due_nudges(session, deps, limit=SWEEP_BATCH)


async def _fire_timers(session: AsyncSession, deps: Deps) -> int:
    # Timers planned for every month rather than by an event: the month's examples (C15).
    await praise.ensure_monthly(session, deps)
    return await fire_due_timers(session, deps, TIMER_HANDLERS, limit=SWEEP_BATCH)


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
async def run_visitor_purge_job(deps: Deps) -> int:
    """Anonymise visitor personal data past `visitors.retention_days` (daily; idempotent)."""
    async with deps.sessions.begin() as session:
        return await purge_visitor_data(session, deps)


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
    # daily, at night on the company's clock: the purge is idempotent, so a missed or repeated
    # run changes nothing but the timing
    scheduler.add_job(
        run_visitor_purge_job,
        "cron",
        hour=3,
        minute=17,
        args=[deps],
        id="visitor-purge",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
