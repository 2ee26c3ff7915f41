"""The delivery engine with an in-memory transport, no platform at all (SQLite and PostgreSQL):
order per recipient, pacing, Retry-After, permanent failures, uncertain rows looked up before
they are sent again, learned references stored, rows of a platform without a transport left,
a row waiting for the row of the message it threads under."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from sqlmodel import col, select

from bot.app import build_deps
from bot.clock import SystemClock
from bot.config import EnvSettings, parse_config
from bot.delivery import DeliveryEngine, DeliverySettings
from bot.deps import Deps
from bot.ports import (
    Address,
    Delivered,
    DeliveryFailed,
    LearnedRef,
    MessageRef,
    Outgoing,
    ToConversation,
    ToPerson,
    ToRole,
    ToThread,
    UserInfo,
)
from bot.services.outbox import enqueue_message
from bot.services.refs import find_message
from storage.models import MessageRefRecord, OutboxMessage

FAST = DeliverySettings(backoff_base=0.05, lease=5.0, idle=0.02, channel_interval=0.0)


class NoDirectory:
    async def user_info(self, user_id: str) -> UserInfo | None:
        return None


@dataclass
class Call:
    key: str
    recipient: Address
    uncertain: bool
    at: float  # time.monotonic() when the transport was asked


@dataclass
class MemoryTransport:
    """Delivers into a list. `script[key]` holds what the next attempts raise (None: deliver);
    `landed` are keys that reached the platform even though the attempt failed."""

    script: dict[str, list[DeliveryFailed | None]] = field(default_factory=dict)
    refs: dict[str, tuple[LearnedRef, ...]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    landed: set[str] = field(default_factory=set)
    looked_up: list[str] = field(default_factory=list)
    tuned: dict[str, Any] = field(default_factory=dict)
    request_timeout: float = 0.2

    def tune(self, *, timeout: float | None, lookback: float, history_pages: int) -> None:
        self.tuned = {"timeout": timeout, "lookback": lookback, "history_pages": history_pages}

    async def deliver(self, item: Outgoing) -> Delivered:
        self.calls.append(Call(item.key, item.recipient, item.uncertain, time.monotonic()))
        if item.uncertain:
            self.looked_up.append(item.key)
            if item.key in self.landed:
                return Delivered(f"m-{item.key}", refs=self.refs.get(item.key, ()))
        outcome = (self.script.get(item.key) or [None]).pop(0)
        if outcome is not None:
            if outcome.unanswered:
                self.landed.add(item.key)  # no answer, but it got there
            raise outcome
        self.delivered.append(item.key)
        conversation = getattr(item.recipient, "conversation_id", None)
        return Delivered(
            f"m-{item.key}",
            posted=True,
            refs=self.refs.get(item.key, ()),
            conversation=conversation,
        )


@pytest.fixture
async def deps(migrated_url: str) -> AsyncIterator[Deps]:
    env = EnvSettings(DATABASE_URL=migrated_url, SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET="")
    config = parse_config({"channels": {"triage": "C0TRIAGE"}})
    built = build_deps(
        env,
        config,
        client=None,  # type: ignore[arg-type]  # no platform: the directory is given
        clock=SystemClock(),
        directory=NoDirectory(),
    )
    yield built
    await built.engine.dispose()


async def _queue(deps: Deps, *items: tuple[str, Address]) -> None:
    async with deps.sessions.begin() as session:
        for key, recipient in items:
            await enqueue_message(
                session,
                key=key,
                recipient=recipient,
                platform="slack",
                text_key="inquiry.notify.progress",
                params={"number": 1, "title": "t", "note": key},
                now=deps.clock.now(),
            )


async def _rows(deps: Deps) -> dict[str, OutboxMessage]:
    async with deps.sessions() as session:
        rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    return {r.idempotency_key: r for r in rows}


async def _drain(engine: DeliveryEngine, deps: Deps, timeout: float = 15.0) -> dict[str, Any]:
    """Run delivery rounds until no row is pending or sending."""
    deadline = time.monotonic() + timeout
    while True:
        await engine.deliver_due()
        rows = await _rows(deps)
        if all(r.state in ("sent", "failed") for r in rows.values()):
            return rows
        assert time.monotonic() < deadline, {k: (r.state, r.last_error) for k, r in rows.items()}
        await asyncio.sleep(0.01)


def _engine(deps: Deps, transport: MemoryTransport, **settings: Any) -> DeliveryEngine:
    return DeliveryEngine(deps, {"slack": transport}, replace(FAST, **settings))


async def test_order_per_recipient_while_a_row_is_retried(deps: Deps) -> None:
    transport = MemoryTransport(script={"a1": [DeliveryFailed("hiccup")]})
    a, b = ToPerson("UAAA1"), ToPerson("UBBB2")
    await _queue(deps, ("a1", a), ("a2", a), ("b1", b))
    rows = await _drain(deps=deps, engine=_engine(deps, transport))
    assert transport.delivered.index("a1") < transport.delivered.index("a2")
    assert transport.delivered.index("b1") < transport.delivered.index("a1"), (
        "another recipient is not held back by a retry"
    )
    assert [c.key for c in transport.calls if c.recipient == a] == ["a1", "a1", "a2"]
    assert {k: (r.state, r.sent_ts) for k, r in rows.items()} == {
        "a1": ("sent", "m-a1"),
        "a2": ("sent", "m-a2"),
        "b1": ("sent", "m-b1"),
    }
    assert rows["a1"].attempts == 2 and rows["a1"].last_error == "hiccup"


async def test_paced_per_recipient(deps: Deps) -> None:
    transport = MemoryTransport()
    busy, quiet = ToConversation("C0BUSY"), ToRole("triage")
    await _queue(deps, ("p0", busy), ("p1", busy), ("p2", busy), ("q0", quiet))
    await _drain(_engine(deps, transport, channel_interval=0.3), deps)
    at = {c.key: c.at for c in transport.calls}
    gaps = [at["p1"] - at["p0"], at["p2"] - at["p1"]]
    assert all(g >= 0.29 for g in gaps), gaps
    assert at["q0"] < at["p1"], "a busy recipient does not hold the others back"


async def test_recipients_in_one_conversation_share_its_pace(deps: Deps) -> None:
    """Two threads of one channel: once the transport said where they went, they are paced
    as the one channel they are (Slack's limit is per channel)."""
    transport = MemoryTransport()
    one, two = ToConversation("C0SAME", "1.1"), ToConversation("C0SAME", "2.2")
    await _queue(deps, ("a1", one), ("b1", two), ("a2", one), ("b2", two))
    await _drain(_engine(deps, transport, channel_interval=0.3), deps)
    at = {c.key: c.at for c in transport.calls}
    assert abs(at["b2"] - at["a2"]) >= 0.29, at
    assert min(at["a2"], at["b2"]) - max(at["a1"], at["b1"]) >= 0.29, at


async def test_retry_after_pauses_the_recipient_and_costs_no_attempt(deps: Deps) -> None:
    transport = MemoryTransport(script={"r1": [DeliveryFailed("slow down", retry_after=0.4)]})
    await _queue(deps, ("r1", ToPerson("UAAA1")), ("r2", ToPerson("UAAA1")))
    rows = await _drain(_engine(deps, transport), deps)
    first, again = (c.at for c in transport.calls if c.key == "r1")
    assert again - first >= 0.39
    assert [c.key for c in transport.calls] == ["r1", "r1", "r2"]
    assert rows["r1"].state == "sent" and rows["r1"].attempts == 1


async def test_permanent_failure_fails_once_and_frees_the_queue(deps: Deps) -> None:
    transport = MemoryTransport(script={"x1": [DeliveryFailed("no_such_place", permanent=True)]})
    await _queue(deps, ("x1", ToPerson("UAAA1")), ("x2", ToPerson("UAAA1")))
    rows = await _drain(_engine(deps, transport), deps)
    assert [c.key for c in transport.calls] == ["x1", "x2"]
    assert (rows["x1"].state, rows["x1"].last_error) == ("failed", "no_such_place")
    assert rows["x2"].state == "sent"


async def test_attempts_run_out(deps: Deps) -> None:
    transport = MemoryTransport(script={"z": [DeliveryFailed("down")] * 5})
    await _queue(deps, ("z", ToPerson("UAAA1")))
    rows = await _drain(_engine(deps, transport, max_attempts=3), deps)
    assert [c.key for c in transport.calls] == ["z"] * 3
    assert (rows["z"].state, rows["z"].attempts) == ("failed", 3)


async def test_an_unanswered_row_is_looked_up_not_sent_twice(deps: Deps) -> None:
    lost = DeliveryFailed("timeout", uncertain=True, unanswered=True, posted=True)
    transport = MemoryTransport(script={"u": [lost]})
    await _queue(deps, ("u", ToPerson("UAAA1")))
    rows = await _drain(_engine(deps, transport), deps)
    assert [(c.key, c.uncertain) for c in transport.calls] == [("u", False), ("u", True)]
    assert transport.looked_up == ["u"] and transport.delivered == []
    first, again = (c.at for c in transport.calls)
    assert again - first >= transport.request_timeout - 0.01, "looked up only after a request"
    assert (rows["u"].state, rows["u"].sent_ts) == ("sent", "m-u")


async def test_the_transport_says_whether_a_row_stays_uncertain(deps: Deps) -> None:
    """An uncertain failure is recorded as such (`uncertain: …`) and the next attempt is told
    to look first; a failure the transport reports as certain (it looked, found nothing, then
    failed to send) clears it."""
    transport = MemoryTransport(
        script={
            "v1": [DeliveryFailed("500", uncertain=True), DeliveryFailed("500", uncertain=True)],
            "v2": [DeliveryFailed("500", uncertain=True), DeliveryFailed("invalid")],
        }
    )
    await _queue(deps, ("v1", ToPerson("UAAA1")), ("v2", ToPerson("UBBB2")))
    engine = _engine(deps, transport)
    await engine.deliver_due()
    rows = await _rows(deps)
    assert rows["v1"].last_error == "uncertain: 500" and rows["v1"].state == "pending"
    await _drain(engine, deps)
    calls = {k: [c.uncertain for c in transport.calls if c.key == k] for k in ("v1", "v2")}
    assert calls == {"v1": [False, True, True], "v2": [False, True, False]}
    assert sorted(transport.delivered) == ["v1", "v2"]


async def test_learned_references_are_stored(deps: Deps) -> None:
    card = MessageRef("slack", "C0TRIAGE", "1700000000.000100")
    transport = MemoryTransport(
        refs={"c": (LearnedRef("inquiry", 7, "card", card, permalink="http://127.0.0.1:1/c"),)}
    )
    await _queue(deps, ("c", ToRole("triage")))
    await _drain(_engine(deps, transport), deps)
    async with deps.sessions() as session:
        refs = (await session.exec(select(MessageRefRecord))).all()
    assert [
        (
            r.object_kind,
            r.object_id,
            r.ref,
            r.platform,
            r.conversation_id,
            r.message_id,
            r.permalink,
        )
        for r in refs
    ] == [("inquiry", 7, "card", "slack", "C0TRIAGE", card.message_id, "http://127.0.0.1:1/c")]


async def test_rows_of_a_platform_without_transport_wait(deps: Deps) -> None:
    transport = MemoryTransport()
    async with deps.sessions.begin() as session:
        await enqueue_message(
            session,
            key="t",
            recipient=ToPerson("29:1teamsuser"),
            text_key="inquiry.notify.progress",
            params={"number": 1, "title": "t", "note": "t"},
            now=deps.clock.now(),
        )
    await _queue(deps, ("s", ToPerson("UAAA1")))
    engine = _engine(deps, transport)
    for _ in range(3):
        await engine.deliver_due()
    rows = await _rows(deps)
    assert (rows["t"].platform, rows["t"].recipient, rows["t"].state) == (
        "teams",
        "person:29:1teamsuser",
        "pending",
    )
    assert rows["s"].state == "sent" and transport.delivered == ["s"]
    assert transport.tuned == {"timeout": None, "lookback": 300.0, "history_pages": 20}


@dataclass
class ThreadingTransport(MemoryTransport):
    """A MemoryTransport that resolves thread recipients as the platform transports do: from
    message_refs, failing for good when the message is unknown."""

    deps: Deps | None = None
    threads: dict[str, str] = field(default_factory=dict)  # key -> the message replied under

    async def deliver(self, item: Outgoing) -> Delivered:
        if isinstance(item.recipient, ToThread):
            assert self.deps is not None
            r = item.recipient
            async with self.deps.reads() as session:
                parent = await find_message(session, r.object_kind, r.object_id, r.ref, "slack")
            if parent is None:
                self.calls.append(Call(item.key, item.recipient, item.uncertain, time.monotonic()))
                raise DeliveryFailed(f"no Slack message for {r}", permanent=True)
            self.threads[item.key] = parent.message_id
        return await super().deliver(item)


async def _queue_reply(deps: Deps, key: str, after: str | None) -> None:
    async with deps.sessions.begin() as session:
        await enqueue_message(
            session,
            key=key,
            recipient=ToThread("notice", 1, "post:C0NOTICE2"),
            platform="slack",
            text_key="inquiry.notify.progress",
            params={"number": 1, "title": "t", "note": key},
            now=deps.clock.now(),
            after=after,
        )


async def test_a_reply_waits_for_the_row_of_the_message_it_threads_under(deps: Deps) -> None:
    anchor = MessageRef("slack", "C0NOTICE2", "1700000000.000200")
    transport = ThreadingTransport(
        script={"p": [DeliveryFailed("hiccup"), DeliveryFailed("hiccup")]},
        refs={"p": (LearnedRef("notice", 1, "post:C0NOTICE2", anchor),)},
        deps=deps,
    )
    await _queue(deps, ("p", ToRole("notices", "C0NOTICE2")))
    await _queue_reply(deps, "r1", after="p")
    await _queue_reply(deps, "r2", after=None)  # the same thread: in order, behind r1
    rows = await _drain(_engine(deps, transport), deps)
    assert [c.key for c in transport.calls] == ["p", "p", "p", "r1", "r2"]
    assert {k: (r.state, r.attempts) for k, r in rows.items()} == {
        "p": ("sent", 3),
        "r1": ("sent", 1),  # waiting cost no attempt
        "r2": ("sent", 1),
    }
    assert transport.threads == {"r1": anchor.message_id, "r2": anchor.message_id}


async def test_a_reply_goes_ahead_once_its_row_is_gone_or_failed(deps: Deps) -> None:
    transport = ThreadingTransport(
        script={"p": [DeliveryFailed("channel_not_found", permanent=True)]}, deps=deps
    )
    await _queue(deps, ("p", ToRole("notices", "C0NOTICE2")), ("x", ToPerson("UAAA1")))
    await _queue_reply(deps, "r1", after="p")
    async with deps.sessions.begin() as session:
        await enqueue_message(
            session,
            key="y",
            recipient=ToPerson("UBBB2"),
            platform="slack",
            text_key="inquiry.notify.progress",
            params={"number": 1, "title": "t", "note": "y"},
            now=deps.clock.now(),
            after="no-such-row",
        )
    rows = await _drain(_engine(deps, transport), deps)
    # the anchor failed for good: the reply is tried (and fails as any unknown thread does)
    assert {k: r.state for k, r in rows.items()} == {
        "p": "failed",
        "x": "sent",
        "r1": "failed",
        "y": "sent",
    }
    assert [c.key for c in transport.calls].index("r1") > [c.key for c in transport.calls].index(
        "p"
    )


class _Unreachable:
    """A transaction that never starts: a database gone away under a stopping engine."""

    async def __aenter__(self) -> None:
        await asyncio.Event().wait()

    async def __aexit__(self, *_exc: object) -> None:
        return None


@dataclass
class _Sessions:
    real: Any
    gone: bool = False

    def begin(self) -> Any:
        return _Unreachable() if self.gone else self.real.begin()


async def test_a_stop_does_not_wait_on_a_database_that_went_away(deps: Deps) -> None:
    """Cancelled in the middle of a batch, the engine gives the untried rows back; when the
    database no longer answers, that give-back is bounded by the send timeout, so the stop
    ends (the rows' lease brings them back later)."""
    entered, never = asyncio.Event(), asyncio.Event()

    class Stalled(MemoryTransport):
        async def deliver(self, item: Outgoing) -> Delivered:
            entered.set()
            await never.wait()
            raise AssertionError("unreachable")

    sessions = _Sessions(deps.sessions)
    await _queue(deps, ("a1", ToPerson("UAAA1")), ("b1", ToPerson("UBBB2")))
    engine = DeliveryEngine(
        replace(deps, sessions=sessions),  # type: ignore[arg-type]
        {"slack": Stalled()},
        replace(FAST, timeout=0.3),
    )
    task = asyncio.create_task(engine.deliver_due())
    await asyncio.wait_for(entered.wait(), 10)
    sessions.gone = True
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=10)
    assert done == {task}, "the stop waited on the database"
    assert task.cancelled()
