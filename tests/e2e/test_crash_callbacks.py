"""A callback ladder survives a SIGKILL: `charterbot worker` processes on the system clock,
the fake Slack of the test. The first worker is killed right after Slack stored the team's
offer (before the worker could mark it sent); a new worker carries the ladder on to the
manager and the escalation, and every offer reaches its person exactly once."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import build_runtime, dispose
from bot.clock import SystemClock
from bot.config import parse_config
from bot.sandbox.fake_slack import Call, FakeSlack
from e2e.harness import TOKEN, bot_env
from e2e.outbox_support import delivered
from e2e.test_crash import _env, _spawn, _stop, _wait_all_sent
from storage.db import make_engine, make_sessions
from storage.migrate import upgrade_async
from storage.models import CallbackStep, OutboxMessage

CONFIG_TOML = """
language = "ko"
[channels]
triage = "C0TRIAGE"
[calendar]
always_open = true
[sla]
callback = "9s"
[callbacks]
owner_wait = "3s"
team_wait = "6s"
claim_timeout = "1m"
[scheduler]
sweep_interval = "1s"
[[teams]]
name = "HTS support"
manager = "UMANAGER"
members = ["USTAFF1", "USTAFF2"]
[roles]
receptionists = ["URECEPTION"]
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack(token=TOKEN)
    slack.strict_channels = False
    slack.ts_clock = time.time  # the processes use the system clock
    for uid, name in (
        ("USTAFF1", "minji"),
        ("USTAFF2", "alex"),
        ("UMANAGER", "boss"),
        ("URECEPTION", "sujin"),
    ):
        slack.add_user(uid, name, locale="ko-KR")
    slack.add_channel("C0TRIAGE", "triage")
    await slack.start()
    yield slack
    await slack.stop()


async def _log_callback(db_url: str, fake: FakeSlack, config: str) -> None:
    """Log CB1 for minji as sujin would (the owner's offer is queued)."""
    import tomllib

    from bot.services.callbacks import log_callback

    runtime = build_runtime(
        bot_env(fake.base_url, db_url), parse_config(tomllib.loads(config)), clock=SystemClock()
    )
    deps = runtime.deps
    async with deps.sessions.begin() as session:
        await log_callback(
            session,
            deps,
            by="URECEPTION",
            owner="USTAFF1",
            caller="홍길동",
            company="미래에셋증권",
            phone="02-1234-5678",
            topic="체결 통보 누락",
            inquiry_number=None,
            urgent=False,
            platform="slack",
        )
    await dispose(deps)


async def test_sigkill_mid_ladder_then_restart(
    db_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    await upgrade_async(db_url)
    config = tmp_path / "charterbot.toml"
    config.write_text(CONFIG_TOML)
    await _log_callback(db_url, fake, CONFIG_TOML)
    env = _env(db_url, fake, CHARTERBOT_CONFIG=str(config))
    log = tmp_path / "worker.log"
    current: list[asyncio.subprocess.Process] = []
    alex_dm = fake.dm_channel_for("USTAFF2")
    escalated = asyncio.Event()

    def on_call(call: Call) -> None:
        if call.method != "chat.postMessage" or call.status != 200:
            return
        team_offer = call.args.get("channel") in ("USTAFF2", alex_dm)
        if team_offer and len(current) == 1 and current[-1].returncode is None:
            # Slack stored the team's offer; the worker dies before it can mark it sent
            current[-1].send_signal(signal.SIGKILL)
        if call.args.get("channel") == "C0TRIAGE":
            escalated.set()

    fake.on_call.append(on_call)
    try:
        current.append(await _spawn(["-m", "bot", "worker"], env, log))
        code = await asyncio.wait_for(current[-1].wait(), 60)
        assert code == -signal.SIGKILL, log.read_text()[-3000:]
        current.append(await _spawn(["-m", "bot", "worker"], env, log))
        await asyncio.wait_for(escalated.wait(), 60)
        # the owner, team, manager and escalation offers and the triage post, all sent
        await _wait_all_sent(db_url, 5, 90, current[-1:], [log], ignore="digest:")
        await asyncio.sleep(1)  # nothing more goes out
    finally:
        await _stop(current)
        fake.on_call.remove(on_call)

    counts = delivered(fake)
    assert counts and set(counts.values()) == {1}, counts
    # the worker also sends the manager's daily digest (issue 16): once, like the rest
    digests = {k for k in counts if k.startswith("digest:")}
    assert len(digests) <= 1, digests
    assert set(counts) - digests == {
        "callback:1:r1:owner:USTAFF1",
        "callback:1:r1:team:USTAFF2",
        "callback:1:r1:manager:UMANAGER",
        "callback:1:r1:escalate:UMANAGER",
        "callback:1:escalate:triage",
    }, log.read_text()[-3000:]
    engine = make_engine(db_url)
    try:
        async with make_sessions(engine)() as session:
            steps = (await session.exec(select(CallbackStep))).all()
            rows = (await session.exec(select(OutboxMessage))).all()
            # the callback's rows (the manager's digest may still be in flight at the stop)
            states = Counter(r.state for r in rows if not r.idempotency_key.startswith("digest:"))
    finally:
        await engine.dispose()
    offered = Counter((s.rung, s.user_id) for s in steps if s.kind == "offered")
    assert set(offered.values()) == {1}, offered
    assert [s.kind for s in steps].count("escalated") == 1
    assert states == Counter({"sent": 5})
