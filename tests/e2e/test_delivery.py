"""Durable delivery through the real server and fake Slack: 500s, 429s, timeouts, permanent
errors, pacing, per-channel order, and recognising a message that was already sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import col
from support.rows import ts_of

from bot.adapters.slack.transport import SlackTransport
from bot.delivery.engine import DeliveryEngine, DeliverySettings
from bot.sandbox.fake_slack import FakeSlack
from e2e.harness import TOKEN, Bot, start_bot
from e2e.outbox_support import (
    delivered,
    post_attempts,
    queue,
    rows,
    slack_address,
    wait_states,
)
from storage.models import MessageRefRecord, OutboxMessage
from storage.repos.outbox import list_failed_outbox

FAST = DeliverySettings(backoff_base=0.2, lease=1.0, idle=0.1, channel_interval=0.2)
# Sender-only behaviour (no SQL of interest) runs on SQLite alone to keep the suite quick.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
async def dbot(db_url: str) -> AsyncIterator[Bot]:
    """The bot with a quick-retrying sender; fake message ts follow the bot's clock."""
    fake = FakeSlack(token=TOKEN)
    fake.strict_channels = False
    driver, stop = await start_bot(db_url, fake=fake)
    fake.ts_clock = lambda: driver.clock.now().timestamp()
    driver.runtime.sender.settings = FAST
    yield driver
    await stop()


def _status_count(bot: Bot, method: str, status: int) -> int:
    return sum(1 for c in bot.fake.calls_to(method) if c.status == status)


def _texts(bot: Bot, channel: str) -> list[str]:
    return [m["text"] for m in bot.fake.messages(channel)]


def _keys_in(texts: list[str]) -> list[str]:
    return [m.group(1) for t in texts for m in [re.search(r"\[(\w+)\]", t)] if m]


async def test_server_errors_are_retried_and_delivered_once(dbot: Bot) -> None:
    bot = dbot
    parent = bot.fake.post_user_message("C0INTAKE", "UCUST", "help please")
    bot.fake.fail("chat.postMessage", status=500, times=3)
    now = bot.clock.now()
    await queue(
        bot.deps.sessions, [("a1", "C0NOTICES"), ("a2", "C0NOTICES"), ("a4", "UCUST")], now=now
    )
    await queue(bot.deps.sessions, [("a3", "C0INTAKE")], now=now, thread_ts=parent["ts"])
    bot.deps.outbox.kick()
    done = await wait_states(bot.deps.sessions, dict.fromkeys(["a1", "a2", "a3", "a4"], "sent"))
    assert delivered(bot.fake) == Counter({"a1": 1, "a2": 1, "a3": 1, "a4": 1})
    assert _status_count(bot, "chat.postMessage", 500) == 3
    assert _keys_in(_texts(bot, "C0NOTICES")) == ["a1", "a2"]
    reply = [m for m in bot.fake.messages("C0INTAKE") if "[a3]" in m["text"]]
    assert len(reply) == 1 and reply[0]["thread_ts"] == parent["ts"]
    # each retry first looked for the message (history, or replies for the thread reply)
    checks = bot.fake.calls_to("conversations.history") + bot.fake.calls_to("conversations.replies")
    assert checks and all(c.args.get("include_all_metadata") in (True, "true", "1") for c in checks)
    ts_of = {key: m["ts"] for m in bot.fake.messages() for key in _keys_in([m["text"]])}
    assert {r.idempotency_key: r.sent_ts for r in done} == {
        k: ts_of[k] for k in ("a1", "a2", "a3", "a4")
    }


@sqlite_only
async def test_rate_limited_then_delivered_none_twice(dbot: Bot) -> None:
    bot = dbot
    bot.fake.fail("chat.postMessage", retry_after=1, times=2)
    await queue(bot.deps.sessions, [("b1", "C0NOTICES"), ("b2", "C0REPORTS")], now=bot.clock.now())
    bot.deps.outbox.kick()
    done = await wait_states(bot.deps.sessions, {"b1": "sent", "b2": "sent"})
    assert delivered(bot.fake) == Counter({"b1": 1, "b2": 1})
    assert _status_count(bot, "chat.postMessage", 429) == 2
    b1 = post_attempts(bot.fake, "b1")
    assert [c.status for c in b1] == [429, 429, 200]
    assert b1[-1].at - b1[1].at >= 0.95, "Retry-After is honoured before the next try"
    assert b1[1].at - b1[0].at >= 0.95, "the client waits Retry-After once by itself"
    row = next(r for r in done if r.idempotency_key == "b1")
    assert row.attempts == 1, "429s do not count towards the attempt limit"


@sqlite_only
async def test_paced_to_one_message_per_second_per_channel(dbot: Bot) -> None:
    bot = dbot
    bot.fake.rate_limit_per_channel = 1.0
    production = DeliverySettings().channel_interval  # what `charterbot serve` runs with
    assert production == 1.0
    bot.runtime.sender.settings = replace(FAST, channel_interval=production)
    keys = [(f"p{i}", "C0NOTICES") for i in range(4)] + [(f"q{i}", "C0REPORTS") for i in range(4)]
    await queue(bot.deps.sessions, keys, now=bot.clock.now())
    bot.deps.outbox.kick()
    await wait_states(bot.deps.sessions, {k: "sent" for k, _ in keys}, timeout=10)
    assert bot.fake.ratelimited_count == 0 and _status_count(bot, "chat.postMessage", 429) == 0
    assert delivered(bot.fake) == Counter({k: 1 for k, _ in keys})
    assert _keys_in(_texts(bot, "C0NOTICES")) == ["p0", "p1", "p2", "p3"]
    assert _keys_in(_texts(bot, "C0REPORTS")) == ["q0", "q1", "q2", "q3"]
    at = {k: post_attempts(bot.fake, k)[0].at for k, _ in keys}
    for prefix in ("p", "q"):
        gaps = [at[f"{prefix}{i + 1}"] - at[f"{prefix}{i}"] for i in range(3)]
        assert all(0.95 <= g < 2.0 for g in gaps), gaps
    assert at["q0"] < at["p1"], "a busy channel does not hold the others back"


@sqlite_only
async def test_timeouts_are_checked_before_resending(dbot: Bot) -> None:
    """The fake answers after the client gave up but still posts: the retry finds it."""
    bot = dbot
    bot.runtime.sender.settings = replace(FAST, timeout=0.3, backoff_base=1.0)
    bot.fake.fail("chat.postMessage", delay=0.7, times=2)
    bot.fake.fail("conversations.history", delay=0.7, times=1)  # the first check times out too
    await queue(bot.deps.sessions, [("c1", "C0NOTICES"), ("c2", "UCUST")], now=bot.clock.now())
    bot.deps.outbox.kick()
    done = await wait_states(bot.deps.sessions, {"c1": "sent", "c2": "sent"}, timeout=15)
    assert delivered(bot.fake) == Counter({"c1": 1, "c2": 1})
    assert len(post_attempts(bot.fake, "c1")) == 1 and len(post_attempts(bot.fake, "c2")) == 1
    dm = bot.fake.dm_channel_for("UCUST")
    assert any(c.args.get("users") == "UCUST" for c in bot.fake.calls_to("conversations.open"))
    assert any(c.args.get("channel") == dm for c in bot.fake.calls_to("conversations.history"))
    sent_ts = {r.idempotency_key: r.sent_ts for r in done}
    assert sent_ts["c1"] == bot.fake.messages("C0NOTICES")[0]["ts"]
    assert sent_ts["c2"] == bot.fake.messages(dm)[0]["ts"]


async def test_order_per_channel_survives_failures(dbot: Bot) -> None:
    bot = dbot
    for i in range(1, 4):
        assert f"#{i}" in await bot.reply_to("UCUST", f"new request Report {i}")
    await bot.settle()
    bot.fake.fail("chat.postMessage", status=500, times=4)
    for i in range(1, 4):
        assert f"#{i}" in await bot.reply_to("USTAFF1", f"assign #{i} <@USTAFF2|alex>")
    await bot.settle()

    def numbers(user: str) -> list[int]:
        return [int(n) for t in bot.dm_texts(user) for n in re.findall(r"#(\d+)", t)[:1]]

    assert numbers("UCUST") == [1, 2, 3]
    assert numbers("USTAFF2") == [1, 2, 3]
    assert _status_count(bot, "chat.postMessage", 500) == 4
    sent = [r for r in await rows(bot.deps.sessions) if r.kind == "message"]
    counts = delivered(bot.fake)
    assert sent and all(counts[r.idempotency_key] == 1 for r in sent)
    assert len(bot.posts("C0TRIAGE")) == 3


@sqlite_only
async def test_permanent_errors_and_exhausted_retries_fail_visibly(
    dbot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = dbot
    caplog.set_level(logging.WARNING, logger="charterbot.outbox")
    bot.fake.fail("chat.postMessage", error="channel_not_found", times=1)
    await queue(bot.deps.sessions, [("e1", "C0NOTICES"), ("e2", "C0NOTICES")], now=bot.clock.now())
    bot.deps.outbox.kick()
    await wait_states(bot.deps.sessions, {"e1": "failed", "e2": "sent"})

    bot.runtime.sender.settings = replace(FAST, max_attempts=3)
    bot.fake.fail("chat.postMessage", status=500, times=3)
    await queue(bot.deps.sessions, [("e3", "C0REPORTS")], now=bot.clock.now())
    bot.deps.outbox.kick()
    await wait_states(bot.deps.sessions, {"e3": "failed"})
    await bot.settle(timeout=1)  # nothing left to retry

    assert len(post_attempts(bot.fake, "e1")) == 1, "a permanent error is not retried"
    assert [c.status for c in post_attempts(bot.fake, "e3")] == [500, 500, 500]
    assert delivered(bot.fake) == Counter({"e2": 1})
    async with bot.deps.sessions() as session:
        failed = await list_failed_outbox(session, limit=10)
    assert [(r.idempotency_key, r.attempts) for r in failed] == [("e3", 3), ("e1", 1)]
    assert failed[1].last_error == "channel_not_found"
    assert "500" in failed[0].last_error
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("e1" in m and "channel_not_found" in m for m in errors)
    assert any("e3" in m and "3 attempt" in m for m in errors)


async def test_expired_lease_finds_the_message_already_sent(dbot: Bot) -> None:
    """A sender died after Slack took the message but before marking it: no second post."""
    bot = dbot
    now = bot.clock.now()
    web = AsyncWebClient(token=TOKEN, base_url=bot.fake.base_url)
    posted = {}
    for key, channel in (("s1", "C0NOTICES"), ("s2", "UCUST")):
        resp = await web.chat_postMessage(
            channel=channel,
            text=f"[{key}]",
            metadata={"event_type": "charterbot_outbox", "event_payload": {"key": key}},
        )
        posted[key] = resp["ts"]
    async with bot.deps.sessions.begin() as session:
        await queue_in(session, [("s1", "C0NOTICES"), ("s2", "UCUST"), ("s3", "C0NOTICES")], now)
        await session.exec(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.idempotency_key).in_(["s1", "s2"]))
            .values(state="sending", attempts=1, available_at=now - timedelta(seconds=5))
        )
    bot.deps.outbox.kick()
    done = await wait_states(bot.deps.sessions, {"s1": "sent", "s2": "sent", "s3": "sent"})
    assert {r.idempotency_key: r.sent_ts for r in done if r.idempotency_key != "s3"} == posted
    assert delivered(bot.fake) == Counter({"s1": 1, "s2": 1, "s3": 1})
    assert _keys_in(_texts(bot, "C0NOTICES")) == ["s1", "s3"], "s3 waited behind s1"


async def test_a_slow_batch_keeps_its_leases_against_another_sender(
    dbot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows wait in 'sending' while earlier rows of their batch are slow: the batch's heartbeat
    keeps them from looking abandoned to a second sender on the same database."""
    bot = dbot
    caplog.set_level(logging.WARNING, logger="charterbot.outbox")
    settings = replace(FAST, lease=0.6, timeout=3.0)
    bot.runtime.sender.settings = settings
    other = DeliveryEngine(
        bot.deps, {"slack": SlackTransport(bot.deps, bot.runtime.client)}, settings
    )
    task = asyncio.create_task(other.run_forever())
    try:
        bot.fake.fail("chat.postMessage", delay=0.4, times=6)
        keys = [(f"h{i}", f"C0SLOW{i}") for i in range(6)]
        await queue(bot.deps.sessions, keys, now=bot.clock.now())
        bot.deps.outbox.kick()
        await wait_states(bot.deps.sessions, {k: "sent" for k, _ in keys}, timeout=10)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert delivered(bot.fake) == Counter({k: 1 for k, _ in keys})
    assert not [r for r in caplog.records if "re-examined" in r.getMessage()]


async def test_card_posted_before_a_crash_is_recorded_not_reposted(dbot: Bot) -> None:
    bot = dbot
    assert "#1" in await bot.reply_to("UCUST", "new request Lost card")
    await bot.settle()
    [card] = bot.posts("C0TRIAGE")
    assert card["metadata"]["event_payload"]["key"].startswith("card:")
    async with bot.deps.sessions.begin() as session:  # as if the sender died before marking
        await session.exec(sa.delete(MessageRefRecord).where(col(MessageRefRecord.ref) == "card"))
        await session.exec(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.idempotency_key) == card["metadata"]["event_payload"]["key"])
            .values(
                state="sending", sent_ts=None, available_at=bot.clock.now() - timedelta(seconds=5)
            )
        )
    bot.deps.outbox.kick()
    await bot.settle()
    assert len(bot.posts("C0TRIAGE")) == 1
    assert await ts_of(bot.deps.sessions, 1, "card") == card["ts"]
    assert "#1" in await bot.reply_to("USTAFF1", "assign #1 <@USTAFF2|alex>")
    await bot.settle()
    assert len(bot.posts("C0TRIAGE")) == 1, "later changes update the recovered card"
    assert bot.fake.calls_to("chat.update")


async def queue_in(session: object, items: list[tuple[str, str]], now: object) -> None:
    """queue() inside an open transaction."""
    from bot.services.outbox import enqueue_message

    for key, recipient in items:
        await enqueue_message(
            session,  # type: ignore[arg-type]
            key=key,
            recipient=slack_address(recipient),
            platform="slack",
            text_key="inquiry.notify.progress",
            params={"number": 1, "title": "t", "note": f"[{key}]"},
            now=now,  # type: ignore[arg-type]
        )
