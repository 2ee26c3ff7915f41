"""Reminder sweep benchmark (issue 3, "Performance") and outbox sender rate.

Usage::

    .venv/bin/python benchmarks/sweep.py [--sizes 10000,100000,1000000] [--db sqlite|postgresql|both]
                                         [--runs 3] [--warmup 1] [--explain] [--no-sender]

Part 1, the sweep. For each database, the tables grow to 10,000, 100,000 and 1,000,000 open
inquiries. Each inquiry has 3 pending reminders due in the future (approaching, deadline and
escalation of its first response). On top of that come the same 1,000 reminders that are due
(``due_at <= now``). They belong to 200 inquiries spread over the smallest table, and those
inquiries are assigned to 50 users. This gives 51 grouped nudges per sweep: one per assignee
and one for the manager, who gets the 200 escalations. The step that is timed is one sweep's
claim-and-build::

    async with deps.sessions.begin() as session:
        await send_due_nudges(session, deps)      # limit=1000, the scheduler's batch

It claims the due reminders, loads their inquiries, queues the escalation repeats, writes the
grouped nudges to the outbox and commits. Nothing is delivered. Before every run the 1,000
reminders go back to 'pending' and the repeats and outbox rows are deleted. One warm-up run
(not counted) comes before the ``--runs`` timed runs, and the median is reported. Columns
``claim``/``repeats``/``outbox`` are the time inside ``claim_due_reminders``, ``add_reminders``
(escalation repeats) and the 51 ``enqueue_nudge`` calls; ``SQL ms``/``stmts`` are the time in
the driver and the statement count (SQLAlchemy cursor events). The rest is Python (loading the
inquiries, building the items, ``next_repeat``) and the commit.

Seeding: Alembic migrations run first (``storage.migrate.upgrade_async``). Then
``INSERT ... SELECT`` fills the tables, from a recursive CTE on SQLite (stdlib ``sqlite3``, one
transaction) or from ``generate_series`` on PostgreSQL (asyncpg, triggers off while
seeding). ``ANALYZE`` follows every growth step. PostgreSQL is a throw-away cluster from
``tests/support/pg.py``; SQLite is a file in a temp dir.

Part 2, the sender. ``FakeSlack`` enforces 1 chat.postMessage per second per channel (HTTP 429
with Retry-After beyond that). The bot's runtime is built like ``start_bot`` in
tests/e2e/harness.py, on a temporary SQLite file. 20 channels x 15 messages are queued with
``enqueue_message``, and ``runtime.sender.run_forever()`` runs until the outbox is drained.
The output gives:

- the sustained rate against the allowed 20 msg/s;
- the 429s the fake returned;
- the rows left failed;
- messages posted more than once (per idempotency key).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT / "tests"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import sqlalchemy as sa
from e2e.world import START, TEST_CONFIG, TOKEN, bot_env
from sqlalchemy import event, text
from sqlmodel import col

import bot.services.reminders as reminders_svc
from bot.app import build_deps, build_runtime
from bot.clock import SettableClock
from bot.config import parse_config
from bot.deps import Deps
from bot.ports import ToConversation
from bot.services.outbox import enqueue_message
from storage.migrate import upgrade_async
from storage.models import Reminder

NOW = START.astimezone(UTC)  # the sweep's frozen "now"
NOW_SQLITE = NOW.strftime("%Y-%m-%d %H:%M:%S")  # SQLAlchemy's SQLite format minus ".ffffff"
DUE_INQUIRIES = 200
DUE_PER_INQUIRY = 5  # review: approaching/deadline/escalation, eta_required: approaching/deadline
DUE_TOTAL = DUE_INQUIRIES * DUE_PER_INQUIRY
USERS = 50
SIZES = (10_000, 100_000, 1_000_000)
TARGET_RATIO = 1.5
TARGET_PG_MS = 200.0

log = logging.getLogger("bench.sweep")


def say(msg: str = "") -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------- seeding SQL
# Both dialects generate the same rows for inquiry ids lo..hi:
#   inquiry i: open (new/acknowledged/in_progress), kind by i % 4, assignee U0BENCH<(i/50+i)%50>,
#              deadline now + ((7i mod 20160) + 60) minutes, card in C0TRIAGE.
#   3 reminders: first_response approaching (deadline - 30 min), deadline, escalation (manager),
#              all pending and in the future; key shaped like bot.domain.nudges.plan's keys.

INSERT_INQUIRIES = """INSERT INTO inquiries (
    id, number, kind, status, title, detail, customer, contact, requester_id, assignee_id,
    source, created_at, updated_at,
    sla_start_at, due_date, deadline_at, eta_at, first_response_at, resolved_at,
    hold_started_at, resolution)"""
# Each inquiry's card (message_refs, as the delivery engine records it once posted).
INSERT_REFS = """INSERT INTO message_refs (
    object_kind, object_id, ref, platform, conversation_id, message_id, permalink, created_at)"""
INSERT_REMINDERS = """INSERT INTO reminders (
    key, inquiry_id, obligation, kind, audience, due_at, deadline_at, state, repeat,
    created_at, sent_at)"""

SQLITE_INQUIRIES = f"""
WITH RECURSIVE s(i) AS (SELECT :lo UNION ALL SELECT i + 1 FROM s WHERE i < :hi)
{INSERT_INQUIRIES}
SELECT i, i,
    CASE i % 4 WHEN 0 THEN 'voc' WHEN 1 THEN 'support' WHEN 2 THEN 'request' ELSE 'regulatory' END,
    CASE i % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'acknowledged' ELSE 'in_progress' END,
    'Benchmark inquiry ' || i, 'Seeded by benchmarks/sweep.py', 'ACME ' || (i % 997), '',
    'UCUST', 'U0BENCH' || printf('%03d', (i / 50 + i) % 50),
    'command',
    c, c, c, NULL, d, NULL, NULL, NULL, NULL, ''
FROM (
    SELECT i,
        datetime(:now, '-' || ((i % 10080) + 60) || ' minutes') || '.000000' AS c,
        datetime(:now, '+' || (((i * 7) % 20160) + 60) || ' minutes') || '.000000' AS d
    FROM s
)
"""

SQLITE_REFS = f"""
WITH RECURSIVE s(i) AS (SELECT :lo UNION ALL SELECT i + 1 FROM s WHERE i < :hi)
{INSERT_REFS}
SELECT 'inquiry', i, 'card', 'slack', 'C0TRIAGE', (1700000000 + i) || '.000100', NULL,
    datetime(:now) || '.000000'
FROM s
"""

SQLITE_REMINDERS = f"""
WITH RECURSIVE s(i) AS (SELECT :lo UNION ALL SELECT i + 1 FROM s WHERE i < :hi)
{INSERT_REMINDERS}
SELECT 'r:' || i || ':first_response:' || strftime('%Y%m%dT%H%M%S', d) || ':' || k.kind,
    i, 'first_response', k.kind, k.audience,
    datetime(d, '-' || k.before || ' minutes') || '.000000', d || '.000000',
    'pending', 0, datetime(:now, '-1 day') || '.000000', NULL
FROM (SELECT i, datetime(:now, '+' || (((i * 7) % 20160) + 60) || ' minutes') AS d FROM s)
CROSS JOIN (
    SELECT 0 AS o, 'approaching' AS kind, 'assignee' AS audience, 30 AS before
    UNION ALL SELECT 1, 'deadline', 'assignee', 0
    UNION ALL SELECT 2, 'escalation', 'manager', 0
) AS k
ORDER BY i, k.o
"""

PG_INQUIRIES = f"""
{INSERT_INQUIRIES}
SELECT i, i,
    (ARRAY['voc', 'support', 'request', 'regulatory'])[i % 4 + 1],
    (ARRAY['new', 'acknowledged', 'in_progress'])[i % 3 + 1],
    'Benchmark inquiry ' || i, 'Seeded by benchmarks/sweep.py', 'ACME ' || (i % 997), '',
    'UCUST', 'U0BENCH' || lpad(((i / 50 + i) % 50)::text, 3, '0'),
    'command',
    c, c, c, NULL, d, NULL, NULL, NULL, NULL, ''
FROM (
    SELECT i,
        $3::timestamptz - make_interval(mins => (i % 10080) + 60) AS c,
        $3::timestamptz + make_interval(mins => ((i * 7) % 20160) + 60) AS d
    FROM generate_series($1::int, $2::int) AS i
) AS g
"""

PG_REFS = f"""
{INSERT_REFS}
SELECT 'inquiry', i, 'card', 'slack', 'C0TRIAGE', (1700000000 + i) || '.000100', NULL,
    $3::timestamptz
FROM generate_series($1::int, $2::int) AS i
"""

PG_REMINDERS = f"""
{INSERT_REMINDERS}
SELECT 'r:' || i || ':first_response:'
        || to_char(d AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS') || ':' || k.kind,
    i, 'first_response', k.kind, k.audience, d - make_interval(mins => k.before), d,
    'pending', 0, $3::timestamptz - interval '1 day', NULL
FROM (
    SELECT i, $3::timestamptz + make_interval(mins => ((i * 7) % 20160) + 60) AS d
    FROM generate_series($1::int, $2::int) AS i
) AS g
CROSS JOIN (VALUES (0, 'approaching', 'assignee', 30), (1, 'deadline', 'assignee', 0),
                   (2, 'escalation', 'manager', 0)) AS k(o, kind, audience, before)
ORDER BY i, k.o
"""

# The claim query of storage.repos.reminders.claim_due_reminders (the "pick" part), for EXPLAIN.
PG_PICK = """
SELECT reminders.id FROM reminders
WHERE reminders.state = 'pending' AND reminders.due_at <= $1
ORDER BY reminders.due_at, reminders.id
LIMIT 1000 FOR UPDATE SKIP LOCKED
"""
SQLITE_PICK = """
SELECT reminders.id FROM reminders
WHERE reminders.state = 'pending' AND reminders.due_at <= ?
ORDER BY reminders.due_at, reminders.id
LIMIT 1000
"""


def due_inquiry_ids(smallest: int) -> list[int]:
    """200 inquiries spread evenly over the smallest table (assignees cover all 50 users)."""
    step = max(1, smallest // DUE_INQUIRIES)
    return [1 + k * step for k in range(DUE_INQUIRIES)]


def due_reminder_rows(inquiry_ids: list[int]) -> list[dict[str, Any]]:
    """The 1,000 due reminders (5 per inquiry), due over the last ~10 minutes."""
    rows: list[dict[str, Any]] = []
    for n, iid in enumerate(inquiry_ids):
        for m, (ob, kind, audience) in enumerate(
            [
                ("review", "approaching", "assignee"),
                ("review", "deadline", "assignee"),
                ("review", "escalation", "manager"),
                ("eta_required", "approaching", "assignee"),
                ("eta_required", "deadline", "assignee"),
            ]
        ):
            due = NOW - timedelta(seconds=n * 3 + m + 1)
            deadline = NOW + timedelta(hours=2) if kind == "approaching" else due
            rows.append(
                {
                    "key": f"r:{iid}:{ob}:{deadline.strftime('%Y%m%dT%H%M%S')}:{kind}",
                    "inquiry_id": iid,
                    "obligation": ob,
                    "kind": kind,
                    "audience": audience,
                    "due_at": due,
                    "deadline_at": deadline,
                    "state": "pending",
                    "repeat": 0,
                    "created_at": NOW - timedelta(days=1),
                    "sent_at": None,
                }
            )
    return rows


# --------------------------------------------------------------------------- database targets


class Target:
    """One database under test: seeding, analyze, reset, explain."""

    name = ""
    url = ""

    async def grow(self, lo: int, hi: int) -> None:  # inquiries lo..hi and their reminders
        raise NotImplementedError

    async def analyze(self) -> None:
        raise NotImplementedError

    async def explain(self) -> str:
        raise NotImplementedError

    async def close(self) -> None:
        pass


class SqliteTarget(Target):
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite+aiosqlite:///{path}"

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def _grow(self, lo: int, hi: int) -> None:
        conn = self._connect()
        try:
            # Bulk load without the WAL (the bot's engine turns it on again at connect).
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-1000000")  # 1 GB: the indexes stay in memory
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("BEGIN")
            params = {"lo": lo, "hi": hi, "now": NOW_SQLITE}
            conn.execute(SQLITE_INQUIRIES, params)
            conn.execute(SQLITE_REFS, params)
            conn.execute(SQLITE_REMINDERS, params)
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()

    async def grow(self, lo: int, hi: int) -> None:
        await asyncio.to_thread(self._grow, lo, hi)

    def _analyze(self) -> None:
        conn = self._connect()
        try:
            conn.execute("ANALYZE")
        finally:
            conn.close()

    async def analyze(self) -> None:
        await asyncio.to_thread(self._analyze)

    async def explain(self) -> str:
        def run() -> str:
            conn = self._connect()
            try:
                now = NOW.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
                plan = conn.execute("EXPLAIN QUERY PLAN " + SQLITE_PICK, (now,)).fetchall()
                t0 = time.perf_counter()
                ids = [r[0] for r in conn.execute(SQLITE_PICK, (now,)).fetchall()]
                ms = (time.perf_counter() - t0) * 1000
                return "\n".join(
                    [f"  {row[-1]}" for row in plan]
                    + [f"  (pick query alone: {len(ids)} ids in {ms:.1f} ms)"]
                )
            finally:
                conn.close()

        return await asyncio.to_thread(run)


class PostgresTarget(Target):
    name = "postgresql"

    def __init__(self) -> None:
        from support.pg import create_database, start_cluster

        self.cluster = start_cluster()
        self.url = create_database(self.cluster, "charterbot_bench")
        self.dsn = self.cluster.dsn_for("charterbot_bench")

    async def _conn(self) -> Any:
        import asyncpg

        return await asyncpg.connect(self.dsn)

    async def grow(self, lo: int, hi: int) -> None:
        conn = await self._conn()
        try:
            async with conn.transaction():
                # Rows are consistent by construction: skip the per-row FK triggers.
                await conn.execute("SET LOCAL session_replication_role = replica")
                await conn.execute("SET LOCAL synchronous_commit = off")
                await conn.execute("SET LOCAL work_mem = '256MB'")
                await conn.execute(PG_INQUIRIES, lo, hi, NOW)
                await conn.execute(PG_REFS, lo, hi, NOW)
                await conn.execute(PG_REMINDERS, lo, hi, NOW)
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence('inquiries', 'id'), "
                "(SELECT max(id) FROM inquiries))"
            )
        finally:
            await conn.close()

    async def analyze(self) -> None:
        conn = await self._conn()
        try:
            await conn.execute("ANALYZE")
        finally:
            await conn.close()

    async def explain(self) -> str:
        conn = await self._conn()
        try:
            tr = conn.transaction()
            await tr.start()
            try:
                rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + PG_PICK, NOW)
            finally:
                await tr.rollback()
            sizes = await conn.fetch(
                "SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables "
                "WHERE relname IN ('reminders', 'inquiries', 'outbox') ORDER BY relname"
            )
            lines = [f"  {r[0]}" for r in rows]
            lines.append(
                "  table stats: "
                + ", ".join(
                    f"{r['relname']} live={r['n_live_tup']} dead={r['n_dead_tup']}" for r in sizes
                )
            )
            return "\n".join(lines)
        finally:
            await conn.close()

    async def close(self) -> None:
        self.cluster.stop()


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    total_ms: float
    claim_ms: float
    repeats_ms: float
    outbox_ms: float
    sql_ms: float
    statements: int
    fired: int
    nudges: int


@dataclass
class Result:
    db: str
    size: int
    runs: list[Run] = field(default_factory=list)
    seed_s: float = 0.0
    analyze_s: float = 0.0

    def median(self, attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in self.runs))


class StatementTimer:
    """Counts statements and the time spent in the driver (DB round trips) on an engine."""

    def __init__(self, deps: Deps) -> None:
        self.count = 0
        self.seconds = 0.0
        self.active = False
        self._starts: list[float] = []
        sync_engine = deps.engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)

    def _before(self, *_a: Any) -> None:
        if self.active:
            self._starts.append(time.perf_counter())

    def _after(self, *_a: Any) -> None:
        if self.active and self._starts:
            self.seconds += time.perf_counter() - self._starts.pop()
            self.count += 1

    @contextlib.contextmanager
    def measuring(self) -> Iterator[None]:
        self.count, self.seconds, self._starts, self.active = 0, 0.0, [], True
        try:
            yield
        finally:
            self.active = False


# The names send_due_nudges calls, timed separately (patched in bot.services.reminders only).
PHASES = {"claim": "claim_due_reminders", "repeats": "add_reminders", "outbox": "enqueue_nudge"}


@contextlib.contextmanager
def timed_phases(sink: dict[str, float]) -> Iterator[None]:
    """Add the time spent in each of PHASES' functions (as called by send_due_nudges) to sink."""
    originals: dict[str, Any] = {}

    def wrap(phase: str, func: Callable[..., Any]) -> Callable[..., Any]:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                sink[phase] = sink.get(phase, 0.0) + time.perf_counter() - t0

        return wrapper

    for phase, name in PHASES.items():
        func = getattr(reminders_svc, name, None)
        if func is not None:
            originals[name] = func
            setattr(reminders_svc, name, wrap(phase, func))
    try:
        yield
    finally:
        for name, func in originals.items():
            setattr(reminders_svc, name, func)


async def dispose(deps: Deps) -> None:
    """Close the deps' engines (bot.app.dispose where it exists: it also has a read engine)."""
    import bot.app

    closer = getattr(bot.app, "dispose", None)
    if closer is not None:
        await closer(deps)
    else:
        await deps.engine.dispose()


def make_deps(url: str) -> Deps:
    env = bot_env("http://127.0.0.1:9/api/", url)
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token=TOKEN, base_url="http://127.0.0.1:9/api/")
    return build_deps(
        env, parse_config(TEST_CONFIG), client=client, clock=SettableClock(START, frozen=True)
    )


async def reset(deps: Deps, due_ids: list[int], seed_max_id: int) -> None:
    """Put the 1,000 due reminders back to pending; drop the repeats and the outbox rows."""
    async with deps.engine.begin() as conn:
        await conn.execute(text("DELETE FROM outbox"))
        await conn.execute(text("DELETE FROM reminders WHERE id > :m"), {"m": seed_max_id})
        await conn.execute(
            sa.update(Reminder)
            .where(col(Reminder.id).in_(due_ids))
            .values(state="pending", sent_at=None)
        )


async def one_sweep(deps: Deps, timer: StatementTimer) -> Run:
    phases: dict[str, float] = {}
    with timed_phases(phases), timer.measuring():
        t0 = time.perf_counter()
        async with deps.sessions.begin() as session:
            fired = await reminders_svc.send_due_nudges(session, deps)
        total = time.perf_counter() - t0
        sql_s, stmts = timer.seconds, timer.count
    async with deps.engine.connect() as conn:
        nudges = int((await conn.execute(text("SELECT count(*) FROM outbox"))).scalar_one())
    return Run(
        total * 1000,
        phases.get("claim", 0.0) * 1000,
        phases.get("repeats", 0.0) * 1000,
        phases.get("outbox", 0.0) * 1000,
        sql_s * 1000,
        stmts,
        fired,
        nudges,
    )


async def bench_db(
    target: Target, sizes: list[int], runs: int, warmup: int, explain: bool
) -> list[Result]:
    await upgrade_async(target.url)
    deps = make_deps(target.url)
    timer = StatementTimer(deps)
    results: list[Result] = []
    due_ids: list[int] = []
    have = 0
    try:
        for size in sizes:
            res = Result(target.name, size)
            await dispose(deps)  # SQLite seeding switches journal modes: no open connections
            t0 = time.perf_counter()
            await target.grow(have + 1, size)
            if not due_ids:
                rows = due_reminder_rows(due_inquiry_ids(sizes[0]))
                async with deps.engine.begin() as conn:
                    await conn.execute(sa.insert(Reminder), rows)
                async with deps.engine.connect() as conn:
                    picked = await conn.execute(
                        sa.select(col(Reminder.id)).where(col(Reminder.due_at) <= NOW)
                    )
                    due_ids = [int(i) for i in picked.scalars() if i is not None]
                assert len(due_ids) == DUE_TOTAL, len(due_ids)
            have = size
            res.seed_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            await target.analyze()
            res.analyze_s = time.perf_counter() - t0
            async with deps.engine.connect() as conn:
                seed_max_id = int(
                    (await conn.execute(text("SELECT max(id) FROM reminders"))).scalar_one()
                )
                counts = (
                    await conn.execute(
                        text(
                            "SELECT (SELECT count(*) FROM inquiries), (SELECT count(*) FROM reminders)"
                        )
                    )
                ).one()
            say(
                f"[{target.name}] {counts[0]:,} inquiries, {counts[1]:,} reminders: "
                f"seeded in {res.seed_s:.1f} s, ANALYZE {res.analyze_s:.1f} s"
            )
            for i in range(warmup + runs):
                await reset(deps, due_ids, seed_max_id)
                run = await one_sweep(deps, timer)
                if run.fired != DUE_TOTAL:
                    raise RuntimeError(f"sweep fired {run.fired}, expected {DUE_TOTAL}")
                tag = "warm-up" if i < warmup else f"run {i - warmup + 1}"
                say(
                    f"    {tag:8} {run.total_ms:8.1f} ms  (claim {run.claim_ms:.1f}, "
                    f"repeats {run.repeats_ms:.1f}, outbox {run.outbox_ms:.1f} ms; "
                    f"SQL {run.sql_ms:.1f} ms in {run.statements} statements; "
                    f"fired {run.fired}, {run.nudges} nudges queued)"
                )
                if i >= warmup:
                    res.runs.append(run)
            results.append(res)
            if explain and size == sizes[-1]:
                await reset(deps, due_ids, seed_max_id)
                say(f"  claim query plan on {target.name} at {size:,}:")
                say(await target.explain())
    finally:
        await dispose(deps)
    return results


def print_table(results: list[Result]) -> list[str]:
    """Print the sweep table; return the missed targets."""
    missed: list[str] = []
    say()
    say("Sweep claim-and-build: send_due_nudges(session, deps) in one transaction, 1,000 due")
    say("reminders over 200 inquiries / 50 assignees (51 grouped nudges), median of runs")
    say()
    header = (
        f"{'db':<11}{'N':>11}{'sweep ms':>10}{'min':>8}{'max':>8}{'claim':>7}"
        f"{'repeats':>8}{'outbox':>8}{'SQL ms':>8}{'stmts':>7}{'ratio':>7}  target"
    )
    say(header)
    say("-" * len(header))
    base: dict[str, float] = {}
    for r in results:
        med = r.median("total_ms")
        if r.db not in base:
            base[r.db] = med
        ratio = med / base[r.db]
        notes = []
        if r.size >= 1_000_000 or r is [x for x in results if x.db == r.db][-1]:
            ok = ratio <= TARGET_RATIO
            notes.append(f"ratio<={TARGET_RATIO}: {'PASS' if ok else 'FAIL'}")
            if not ok:
                missed.append(f"{r.db} {r.size:,}: ratio {ratio:.2f} > {TARGET_RATIO}")
            if r.db == "postgresql":
                ok_ms = med < TARGET_PG_MS
                notes.append(f"<{TARGET_PG_MS:.0f} ms: {'PASS' if ok_ms else 'FAIL'}")
                if not ok_ms:
                    missed.append(f"{r.db} {r.size:,}: {med:.1f} ms >= {TARGET_PG_MS:.0f} ms")
        say(
            f"{r.db:<11}{r.size:>11,}{med:>10.1f}"
            f"{min(x.total_ms for x in r.runs):>8.1f}{max(x.total_ms for x in r.runs):>8.1f}"
            f"{r.median('claim_ms'):>7.1f}{r.median('repeats_ms'):>8.1f}"
            f"{r.median('outbox_ms'):>8.1f}{r.median('sql_ms'):>8.1f}"
            f"{int(r.median('statements')):>7}{ratio:>7.2f}  {'; '.join(notes)}"
        )
    return missed


# --------------------------------------------------------------------------- sender


async def bench_sender(tmp: Path, channels: int, per_channel: int, timeout: float) -> bool:
    from bot.sandbox.fake_slack import FakeSlack
    from storage.repos.outbox import count_outbox

    fake = FakeSlack(token=TOKEN)
    fake.rate_limit_per_channel = 1.0
    names = [f"C0BENCH{c:02d}" for c in range(channels)]
    for cid in names:
        fake.add_channel(cid, cid.lower())
    api = await fake.start()
    db_url = f"sqlite+aiosqlite:///{tmp / 'sender.db'}"
    await upgrade_async(db_url)
    runtime = build_runtime(
        bot_env(api, db_url), parse_config(TEST_CONFIG), clock=SettableClock(START)
    )
    deps = runtime.deps
    total = channels * per_channel
    async with deps.sessions.begin() as s:
        now = deps.clock.now()
        for j in range(per_channel):
            for cid in names:  # interleaved, as a busy bot would queue them
                await enqueue_message(
                    s,
                    key=f"bench:{cid}:{j}",
                    recipient=ToConversation(cid),
                    platform="slack",
                    text_key="inquiry.notify.assigned_to_you",
                    params={
                        "actor": "UBENCH",
                        "number": j + 1,
                        "title": f"bench {cid} #{j}",
                        "deadline": "2026-12-02 18:00",
                    },
                    now=now,
                )

    async def unsent() -> int:
        async with deps.sessions() as s:
            return await count_outbox(s, state="pending") + await count_outbox(s, state="sending")

    say()
    say(
        f"Sender: {channels} channels x {per_channel} messages = {total}, fake Slack allows "
        f"1 msg/s/channel ({channels} msg/s in all); sender = {type(runtime.sender).__module__}."
        f"{type(runtime.sender).__name__}.run_forever()"
    )
    t0 = time.monotonic()
    task = asyncio.create_task(runtime.sender.run_forever(), name="bench-sender")
    deps.outbox.kick()
    timed_out = False
    try:
        while await unsent():
            if task.done():
                break
            if time.monotonic() - t0 > timeout:
                timed_out = True
                break
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - t0
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    if task.done() and not task.cancelled() and task.exception() is not None:
        say(f"  sender task died: {task.exception()!r}")

    posts = [c for c in fake.calls if c.method == "chat.postMessage"]

    def answer(c: Any) -> dict[str, Any]:
        return getattr(c, "response", None) or getattr(c, "body", None) or {}

    ok_posts = [c for c in posts if c.status == 200 and answer(c).get("ok")]
    other_errors = Counter(
        str(answer(c).get("error")) for c in posts if c.status != 429 and not answer(c).get("ok")
    )
    history = [
        c for c in fake.calls if c.method in ("conversations.history", "conversations.replies")
    ]

    def key_of(msg: dict[str, Any]) -> str | None:
        meta = msg.get("metadata") or {}
        return (meta.get("event_payload") or {}).get("key")

    stored = [m for cid in names for m in fake.messages(cid)]
    per_key = Counter(key_of(m) for m in stored)
    duplicates = sum(n - 1 for k, n in per_key.items() if k is not None and n > 1)
    calls_per_key = Counter(
        ((c.args.get("metadata") or {}).get("event_payload") or {}).get("key") for c in posts
    )
    async with deps.sessions() as s:
        sent = await count_outbox(s, state="sent")
        failed = await count_outbox(s, state="failed")
        left = await count_outbox(s, state="pending") + await count_outbox(s, state="sending")
    await dispose(deps)
    await fake.stop()

    # Sustained rate: after the first post of each channel (the bucket starts full), the fake
    # allows exactly 1/s per channel, so (posts - channels) / (last post - first post) is the
    # figure comparable to the allowed rate.
    if len(ok_posts) > channels:
        span = ok_posts[-1].at - ok_posts[0].at
        sustained = (len(ok_posts) - channels) / span if span > 0 else float("inf")
    else:
        span, sustained = 0.0, 0.0
    allowed = float(channels)
    overall = len(stored) / elapsed if elapsed > 0 else 0.0
    ideal = (per_channel - 1) / 1.0
    ok_rate = sustained >= 0.9 * allowed
    ok_clean = failed == 0 and left == 0 and duplicates == 0 and len(stored) == total
    say(
        f"  messages delivered        {len(stored)} / {total}  (outbox: sent {sent}, failed {failed}, "
        f"unsent {left}{', TIMED OUT' if timed_out else ''})"
    )
    say(
        f"  seconds                   {elapsed:.2f}  (drain time from sender start; ideal "
        f"{ideal:.0f} s at exactly 1 msg/s/channel)"
    )
    say(
        f"  sustained rate            {sustained:.2f} msg/s = {sustained / allowed:.1%} of allowed "
        f"{allowed:.0f} msg/s  ((ok posts - {channels}) / {span:.2f} s first-to-last post)  "
        f"target >=90%: {'PASS' if ok_rate else 'FAIL'}"
    )
    say(f"  overall rate              {overall:.2f} msg/s  (messages / seconds)")
    say(
        f"  chat.postMessage calls    {len(posts)}  (ok {len(ok_posts)}, 429 {sum(c.status == 429 for c in posts)}"
        f"{', other errors ' + dict(other_errors).__repr__() if other_errors else ''})"
    )
    say(f"  fake.ratelimited_count    {fake.ratelimited_count}  (429s returned)")
    say(f"  history reads             {len(history)}")
    say(f"  outbox rows failed        {failed}  (must be 0)")
    say(
        f"  duplicates                {duplicates}  (messages posted more than once per "
        f"idempotency key; must be 0; max calls for one key {max(calls_per_key.values(), default=0)})"
    )
    say(
        f"  429s left unhandled       {failed + left}  (rows not sent after the run)  "
        f"{'PASS' if ok_clean else 'FAIL'}"
    )
    return ok_rate and ok_clean


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        default=",".join(str(s) for s in SIZES),
        help="comma-separated open-inquiry counts, ascending (default %(default)s)",
    )
    p.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument("--runs", type=int, default=3, help="timed runs per size (median reported)")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs before them")
    p.add_argument(
        "--explain",
        action="store_true",
        help="print the claim query's plan (EXPLAIN ANALYZE on PostgreSQL) at the largest size",
    )
    p.add_argument("--no-sender", action="store_true", help="skip the sender rate part")
    p.add_argument("--no-sweep", action="store_true", help="skip the sweep part")
    p.add_argument("--channels", type=int, default=20)
    p.add_argument("--per-channel", type=int, default=15)
    p.add_argument("--sender-timeout", type=float, default=180.0)
    p.add_argument("--keep", action="store_true", help="keep the temp dir (SQLite files)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the bot's log")
    args = p.parse_args(argv)
    args.sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    if not args.sizes or args.sizes[0] < DUE_INQUIRIES:
        p.error(f"sizes must be at least {DUE_INQUIRIES}")
    return args


async def amain(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="charterbot-sweep-"))
    started = time.monotonic()
    ok = True
    try:
        if not args.no_sweep:
            results: list[Result] = []
            dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
            for db in dbs:
                target: Target
                if db == "sqlite":
                    target = SqliteTarget(tmp / "sweep.db")
                else:
                    say("[postgresql] starting a throw-away cluster (tests/support/pg.py)")
                    target = PostgresTarget()
                try:
                    results += await bench_db(
                        target, args.sizes, args.runs, args.warmup, args.explain
                    )
                finally:
                    await target.close()
                    if db == "sqlite" and not args.keep:
                        for suffix in ("", "-wal", "-shm"):
                            with contextlib.suppress(FileNotFoundError):
                                os.unlink(str(tmp / "sweep.db") + suffix)
            missed = print_table(results)
            if missed:
                ok = False
                say("targets missed: " + "; ".join(missed))
        if not args.no_sender:
            ok = (
                await bench_sender(tmp, args.channels, args.per_channel, args.sender_timeout) and ok
            )
    finally:
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    say(f"\ntotal wall time {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.CRITICAL,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    return asyncio.run(amain(args))


if __name__ == "__main__":
    raise SystemExit(main())
