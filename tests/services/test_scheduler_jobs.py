"""Scheduler jobs log their own failure and never raise into APScheduler."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.scheduler import scheduled_job


async def test_failing_job_is_logged_with_its_name_and_swallowed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @scheduled_job
    async def run_broken_job(deps: Any) -> int:
        raise RuntimeError("database went away")

    with caplog.at_level(logging.ERROR, logger="charterbot.scheduler"):
        assert await run_broken_job(object()) is None  # type: ignore[arg-type]
    assert "job run_broken_job failed" in caplog.text
    assert "database went away" in caplog.text


async def test_working_job_returns_its_result() -> None:
    @scheduled_job
    async def run_fine_job(deps: Any) -> int:
        return 7

    assert await run_fine_job(object()) == 7  # type: ignore[arg-type]


async def test_the_background_scheduler_runs_the_sweep_and_the_retention_job(bot: Any) -> None:
    # `charterbot serve` and `charterbot worker` both start this scheduler (start_background)
    from bot.scheduler import RETENTION_EVERY, build_scheduler, run_retention_job

    scheduler = build_scheduler(bot.deps)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sweep", "retention", "visitor-purge", "digest"}
    assert jobs["retention"].func is run_retention_job
    assert jobs["retention"].trigger.interval.total_seconds() == RETENTION_EVERY
