"""Stopping the background work always ends it, even when a stop and a wake-up coincide.

The e2e suite used to hang now and then in a test's teardown: `stop_background` cancelled the
outbox sender while a kick woke it, Python 3.11's `asyncio.wait_for` (then inside
`Wakeup.wait`) returned normally instead of raising the CancelledError, the sender went on
delivering and `cancel_and_wait` waited for it forever.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.adapters.slack.transport import SlackTransport
from bot.delivery.engine import DeliveryEngine
from bot.deps import Wakeup
from e2e.harness import HARNESS_DELIVERY, Bot, start_bot

STOP_WITHIN = 10.0  # seconds; a lost cancellation never ends, so any bound tells them apart


async def _ended_cancelled(task: asyncio.Task[None]) -> bool:
    done, _ = await asyncio.wait({task}, timeout=STOP_WITHIN)
    return task in done and task.cancelled()


@pytest.mark.parametrize("yields", [0, 1, 2, 3])
async def test_a_kick_in_the_same_instant_as_a_stop_does_not_lose_the_stop(yields: int) -> None:
    wakeup = Wakeup()

    async def sleeper() -> None:
        while True:
            await wakeup.wait(60.0)

    task = asyncio.create_task(sleeper())
    await asyncio.sleep(0.01)  # now waiting
    wakeup.kick()
    for _ in range(yields):  # the race window was one loop iteration after the kick
        await asyncio.sleep(0)
    task.cancel()
    assert await _ended_cancelled(task), "the cancellation was swallowed: the task runs on"


@pytest.mark.parametrize("yields", [0, 1])
async def test_stop_background_ends_the_sender_while_it_is_being_kicked(
    db_url: str, yields: int
) -> None:
    bot, stop = await start_bot(db_url)
    try:
        sender = bot.runtime.tasks[0]
        await asyncio.sleep(0.05)  # the sender's first round is done: it waits for a kick
        bot.deps.outbox.kick()
        for _ in range(yields):
            await asyncio.sleep(0)
        sender.cancel()
        assert await _ended_cancelled(sender)
    finally:
        await stop()


class _SwallowingWakeup(Wakeup):
    """A wait that eats a cancellation, as 3.11's `asyncio.wait_for` could."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        self.waiting.set()
        try:
            await asyncio.sleep(timeout)
        except asyncio.CancelledError:
            pass
        finally:
            self.waiting.clear()


@pytest.fixture
async def idle_bot(db_url: str) -> AsyncIterator[Bot]:
    bot, stop = await start_bot(db_url)
    yield bot
    await stop()


async def test_the_sender_stops_even_when_a_library_swallowed_its_cancellation(
    idle_bot: Bot,
) -> None:
    wakeup = _SwallowingWakeup()
    deps = replace(idle_bot.deps, outbox=wakeup)
    slack = SlackTransport(deps, idle_bot.runtime.client)
    sender = DeliveryEngine(deps, {"slack": slack}, replace(HARNESS_DELIVERY, idle=60.0))
    task = asyncio.create_task(sender.run_forever())
    await asyncio.wait_for(wakeup.waiting.wait(), STOP_WITHIN)  # idle, inside the wait
    task.cancel()
    assert await _ended_cancelled(task), "run_forever must honour a cancellation it never saw"


async def test_stop_background_waits_for_a_job_run_the_scheduler_cancelled(db_url: str) -> None:
    """The scheduler's shutdown cancels a job run in progress but does not wait for it: the
    stop does, so the run's transaction rolls back before the database is disposed (a run
    left cancelling on a disposed SQLite engine never ended: the test run hung at the end)."""
    from sqlmodel import select

    from bot.app import stop_background
    from bot.scheduler import scheduled_job

    bot, stop = await start_bot(db_url)
    try:
        entered, ended = asyncio.Event(), []

        @scheduled_job
        async def busy(deps: object) -> None:
            try:
                async with bot.deps.sessions.begin() as session:
                    await session.exec(select(1))
                    entered.set()
                    await asyncio.Event().wait()
            finally:
                await asyncio.sleep(0.05)  # its clean-up takes a moment
                ended.append(True)

        run = asyncio.create_task(busy(bot.deps))  # as the scheduler's executor runs a job
        await asyncio.wait_for(entered.wait(), STOP_WITHIN)
        bot.runtime.stoppers.append(run.cancel)  # what the executor's shutdown does to it
        await stop_background(bot.runtime)
        assert run.done() and ended == [True]
        bot.runtime.stoppers.clear()
        bot.runtime.tasks.clear()
    finally:
        await stop()
