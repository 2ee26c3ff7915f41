"""Timers: planned once per key, fired once by the sweep, a failing handler retried and its
writes undone, cancelled by subject (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot import scheduler
from bot.clock import SettableClock
from bot.deps import Deps
from bot.services import timers
from bot.services.retention import purge_expired
from bot.services.timers import MAX_ATTEMPTS, Due
from storage.models import ProcessedEvent, Timer
from storage.repos.timers import get_timer


def _clock(deps: Deps) -> SettableClock:
    assert isinstance(deps.clock, SettableClock)
    return deps.clock


async def _plan(
    deps: Deps,
    key: str,
    minutes: int,
    *,
    kind: str = "test.ping",
    subject_id: int = 1,
    payload: dict[str, Any] | None = None,
    rearm: bool = False,
) -> None:
    async with deps.sessions.begin() as s:
        await timers.set_timer(
            s,
            deps,
            key=key,
            kind=kind,
            subject_id=subject_id,
            due_at=deps.clock.now() + timedelta(minutes=minutes),
            payload=payload,
            rearm=rearm,
        )


async def _fire(deps: Deps, handlers: dict[str, timers.Handler]) -> int:
    async with deps.sessions.begin() as s:
        return await timers.fire_due_timers(s, deps, handlers)


async def _timer(deps: Deps, key: str) -> Timer:
    async with deps.sessions.begin() as s:
        row = await get_timer(s, key)
    assert row is not None
    return row


async def test_a_timer_fires_once_at_its_time_with_its_payload(deps: Deps) -> None:
    seen: list[Due] = []

    async def ping(session: object, deps_: Deps, due: Due) -> None:
        seen.append(due)

    await _plan(deps, "t:1", 5, payload={"step": "team", "name": "민지"})
    assert await _fire(deps, {"test.ping": ping}) == 0  # not yet
    _clock(deps).advance(timedelta(minutes=5))
    assert await _fire(deps, {"test.ping": ping}) == 1
    assert await _fire(deps, {"test.ping": ping}) == 0  # never twice
    assert [(d.key, d.payload) for d in seen] == [("t:1", {"name": "민지", "step": "team"})]
    assert (await _timer(deps, "t:1")).state == "fired"


async def test_planning_a_key_again_moves_a_pending_timer_and_leaves_a_fired_one(
    deps: Deps,
) -> None:
    calls: list[str] = []

    async def ping(session: object, deps_: Deps, due: Due) -> None:
        calls.append(due.key)

    await _plan(deps, "t:move", 5)
    await _plan(deps, "t:move", 10)  # moved, not doubled
    _clock(deps).advance(timedelta(minutes=6))
    assert await _fire(deps, {"test.ping": ping}) == 0
    _clock(deps).advance(timedelta(minutes=4))
    assert await _fire(deps, {"test.ping": ping}) == 1
    await _plan(deps, "t:move", 1)  # recomputing does not fire a step twice
    _clock(deps).advance(timedelta(minutes=2))
    assert await _fire(deps, {"test.ping": ping}) == 0
    await _plan(deps, "t:move", 1, rearm=True)  # unless the feature re-arms it
    _clock(deps).advance(timedelta(minutes=2))
    assert await _fire(deps, {"test.ping": ping}) == 1
    assert calls == ["t:move", "t:move"]
    async with deps.sessions.begin() as s:
        assert len((await s.exec(select(Timer))).all()) == 1


async def test_a_failing_handler_is_undone_retried_and_given_up(deps: Deps) -> None:
    async def boom(session: object, deps_: Deps, due: Due) -> None:
        assert hasattr(session, "add")
        session.add(ProcessedEvent(event_id=f"Ev{due.attempts}", received_at=deps.clock.now()))  # type: ignore[attr-defined]
        await session.flush()  # type: ignore[attr-defined]
        raise RuntimeError("the platform is down")

    async def fine(session: object, deps_: Deps, due: Due) -> None:
        session.add(ProcessedEvent(event_id="EvOK", received_at=deps.clock.now()))  # type: ignore[attr-defined]

    await _plan(deps, "t:boom", 0, kind="test.boom")
    await _plan(deps, "t:fine", 0, kind="test.fine")
    handlers = {"test.boom": boom, "test.fine": fine}
    assert await _fire(deps, handlers) == 2
    row = await _timer(deps, "t:boom")
    assert (row.state, row.attempts) == ("pending", 1)
    for _ in range(MAX_ATTEMPTS - 1):
        _clock(deps).advance(timedelta(hours=1))
        assert await _fire(deps, handlers) == 1
    assert (await _timer(deps, "t:boom")).state == "failed"
    async with deps.sessions.begin() as s:
        kept = (await s.exec(select(ProcessedEvent.event_id))).all()
    assert kept == ["EvOK"]  # the failing handler's writes were rolled back each time


async def test_a_timer_of_an_unknown_kind_fails_instead_of_looping(deps: Deps) -> None:
    await _plan(deps, "t:orphan", 0, kind="gone.feature")
    assert await _fire(deps, {}) == 1
    assert (await _timer(deps, "t:orphan")).state == "failed"
    assert await _fire(deps, {}) == 0


async def test_cancel_by_subject_and_kind_prefix(deps: Deps) -> None:
    await _plan(deps, "visit:3:grace", 5, kind="visit.grace", subject_id=3)
    await _plan(deps, "visit:3:team", 10, kind="visit.team", subject_id=3)
    await _plan(deps, "visit:4:grace", 5, kind="visit.grace", subject_id=4)
    await _plan(deps, "callback:3:team", 5, kind="callback.team", subject_id=3)
    async with deps.sessions.begin() as s:
        assert await timers.cancel(s, kind_prefix="visit.", subject_id=3) == 2
        left = await timers.pending(s)
        assert [t.key for t in left] == ["visit:4:grace", "callback:3:team"]
        assert await timers.cancel(s, keys=["callback:3:team"]) == 1
        with pytest.raises(ValueError):
            await timers.cancel(s)


async def test_the_sweep_fires_the_registered_timers(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    fired: list[int] = []

    async def ping(session: object, deps_: Deps, due: Due) -> None:
        fired.append(due.subject_id)

    monkeypatch.setattr(scheduler, "TIMER_HANDLERS", {"test.ping": ping})
    monkeypatch.setattr(scheduler, "SWEEP_BATCH", 2)  # several batches
    for n in range(5):
        await _plan(deps, f"t:{n}", 0, subject_id=n)
    assert await scheduler.run_sweep_job(deps) == 5
    assert sorted(fired) == [0, 1, 2, 3, 4]


async def test_two_sweeps_at_once_fire_each_timer_once(deps: Deps) -> None:
    fired: list[int] = []

    async def ping(session: object, deps_: Deps, due: Due) -> None:
        fired.append(due.subject_id)
        await asyncio.sleep(0)

    for n in range(40):
        await _plan(deps, f"race:{n}", 0, subject_id=n)

    async def sweep() -> None:
        async with deps.sessions.begin() as s:
            await timers.fire_due_timers(s, deps, {"test.ping": ping}, limit=7)

    for _ in range(4):
        await asyncio.gather(sweep(), sweep())
    assert sorted(fired) == list(range(40))


async def test_retention_deletes_done_timers_only(deps: Deps) -> None:
    await _plan(deps, "old:fired", 0)
    await _plan(deps, "old:pending", 1000)
    await _fire(deps, {"test.ping": _noop})
    _clock(deps).advance(timedelta(days=91))
    async with deps.sessions.begin() as s:
        deleted = await purge_expired(s, deps, limit=100)
        keys = (await s.exec(select(Timer.key).order_by(col(Timer.key)))).all()
    assert deleted["timers"] == 1
    assert keys == ["old:pending"]


async def _noop(session: object, deps_: Deps, due: Due) -> None:
    return None
