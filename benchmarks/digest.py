"""Daily digest benchmark (issue 16): the digests of 100 managers over 1,000,000 inquiries on
PostgreSQL, with the query plans.

Usage::

    .venv/bin/python benchmarks/digest.py [--inquiries 1000000] [--managers 100] [--runs 3]

A throw-away PostgreSQL cluster (tests/support/pg.py) gets the migrations, then
``generate_series`` seeds the inquiries: 100 teams of 3 members and a manager; each inquiry
belongs to one member (a hash of ``i``, so every team gets its share of each kind); 98% are
resolved (spread over the past year), 2% open (new, acknowledged, in progress, on hold;
deadlines from two days ago to two weeks ahead: about 200 open per team), and 1 in 5,000
unassigned (200 in the shared queue). ``ANALYZE`` follows.

The timed step is what the scheduler's digest job does at the digest time, for every
manager: ``send_due_digests(deps)`` (per manager: claim the run, read the team's open
inquiries, what it opened and resolved since the last digest, the unassigned queue, judge
the resolved ones, queue the digest in the outbox, commit). Before every run the claimed runs
and the queued digests are deleted. One warm-up run, then ``--runs`` timed runs; the median
is compared with the 2 s target. Then ``EXPLAIN (ANALYZE, BUFFERS)`` of the three queries
per manager (storage/repos/digest.py) for one manager.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT / "tests"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from e2e.world import KST

from bot.app import build_deps
from bot.clock import SettableClock
from bot.config import EnvSettings, parse_config
from bot.ports import UserInfo
from bot.services.digest.run import send_due_digests
from storage.migrate import upgrade_async

NOW = datetime(2026, 12, 2, 8, 30, tzinfo=KST)  # a Wednesday, at the digest time
TARGET = 2.0
MEMBERS = 3

SEED = """
INSERT INTO inquiries (
    id, number, kind, status, title, detail, customer, contact, requester_id, assignee_id,
    source, created_at, updated_at, sla_start_at, due_date, deadline_at, eta_at,
    first_response_at, resolved_at, hold_started_at, resolution)
SELECT i, i,
    (ARRAY['voc', 'support', 'request', 'regulatory'])[i % 4 + 1],
    CASE WHEN i % 50 = 0 THEN (ARRAY['new', 'acknowledged', 'in_progress', 'on_hold'])[i % 200 / 50 + 1]
         ELSE 'resolved' END,
    'Benchmark inquiry ' || i, '', 'ACME ' || (i % 997), '', 'UCUST',
    CASE WHEN i % 5000 = 0 THEN NULL
         ELSE 'U0T' || lpad((m / $5)::text, 3, '0') || 'M' || (m % $5) END,
    'command', c, c, c, NULL,
    CASE WHEN i % 50 = 0 THEN $3::timestamptz + make_interval(mins => (i * 13) % 20160 - 2880)
         ELSE NULL END,
    NULL,
    CASE WHEN i % 50 = 0 THEN NULL ELSE c + make_interval(mins => 10 + (i % 7) * 600) END,
    CASE WHEN i % 50 = 0 THEN NULL ELSE c + make_interval(mins => 30 + (i % 11) * 900) END,
    CASE WHEN i % 200 = 150 THEN c + interval '1 hour' ELSE NULL END,
    ''
FROM (
    SELECT i, $3::timestamptz - make_interval(mins => (i * 37) % 525600 + 30) AS c,
        abs(hashtext(i::text)) % $4 AS m  -- the member: spread evenly over every team
    FROM generate_series($1::int, $2::int) AS i
) AS g
"""


class Directory:
    """Every manager in Seoul (users.info would say so)."""

    async def user_info(self, user_id: str) -> UserInfo | None:
        return UserInfo(user_id, "ko-KR", user_id, False, tz="Asia/Seoul")


def config(managers: int) -> dict[str, Any]:
    teams = [
        {
            "name": f"Team {t:03d}",
            "manager": f"U0T{t:03d}BOSS",
            "members": [f"U0T{t:03d}M{k}" for k in range(MEMBERS)],
        }
        for t in range(managers)
    ]
    return {"teams": teams, "roles": {"admins": ["U0ADMIN"]}}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inquiries", type=int, default=1_000_000)
    parser.add_argument("--managers", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the last run")
    args = parser.parse_args()

    import asyncpg
    from support.pg import create_database, start_cluster

    cluster = start_cluster()
    try:
        url = create_database(cluster, "charterbot_digest_bench")
        dsn = cluster.dsn_for("charterbot_digest_bench")
        await upgrade_async(url)
        conn = await asyncpg.connect(dsn)
        started = time.monotonic()
        step = 250_000
        for lo in range(1, args.inquiries + 1, step):
            hi = min(args.inquiries, lo + step - 1)
            async with conn.transaction():
                await conn.execute("SET LOCAL synchronous_commit = off")
                await conn.execute(
                    SEED, lo, hi, NOW.astimezone(UTC), args.managers * MEMBERS, MEMBERS
                )
        await conn.execute("ANALYZE")
        counts = await conn.fetch(
            "SELECT status, count(*) FROM inquiries GROUP BY status ORDER BY 1"
        )
        print(
            f"seeded {args.inquiries:,} inquiries in {time.monotonic() - started:.1f} s: "
            + ", ".join(f"{r['status']} {r['count']:,}" for r in counts)
        )

        env = EnvSettings(DATABASE_URL=url)
        deps = build_deps(
            env,
            parse_config(config(args.managers)),
            client=None,  # type: ignore[arg-type]  # nothing is sent
            clock=SettableClock(NOW, frozen=True),
            directory=Directory(),
        )
        times = []
        for run in range(args.runs + 1):
            await conn.execute("DELETE FROM digest_runs; DELETE FROM outbox")
            profiler = None
            if args.profile and run == args.runs:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            t0, c0 = time.perf_counter(), time.process_time()
            sent = await send_due_digests(deps)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            if profiler is not None:
                import pstats

                profiler.disable()
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            assert sent == args.managers, sent
            label = "warm-up" if run == 0 else f"run {run}"
            print(f"{label}: {sent} digests in {elapsed:.3f} s (bot process CPU {cpu:.3f} s)")
            if run:
                times.append(elapsed)
        med = statistics.median(times)
        verdict = "OK" if med < TARGET else "SLOW"
        print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(
            f"median {med:.3f} s for {args.managers} managers "
            f"({1000 * med / args.managers:.1f} ms each); target < {TARGET:.0f} s: {verdict}"
        )

        since = datetime(2026, 12, 1, 8, 30, tzinfo=KST).astimezone(UTC)
        members = [f"U0T000M{k}" for k in range(MEMBERS)] + ["U0T000BOSS"]
        open_ = ["acknowledged", "in_progress", "new", "on_hold"]
        # the queries of one digest (storage/repos/digest.py): the team's rows in one query
        # (open, or opened or resolved since the last digest), and the shared unassigned queue
        team_sql = (
            "SELECT * FROM inquiries WHERE assignee_id = ANY($1) AND (status = ANY($2)"
            " OR (created_at >= $3 AND created_at < $4)"
            " OR (resolved_at >= $3 AND resolved_at < $4))"
        )
        unassigned_sql = (
            "SELECT * FROM inquiries WHERE assignee_id IS NULL AND status = ANY($1)"
            " ORDER BY number LIMIT 20"
        )
        for title, sql, params in (
            ("a team's open, new and resolved inquiries", team_sql, (members, open_, since, NOW)),
            ("the unassigned queue (once a run)", unassigned_sql, (open_,)),
        ):
            rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *params)
            print(f"\nplan: {title}")
            for r in rows:
                print(f"  {r[0]}")
        await conn.close()
        await deps.engine.dispose()
    finally:
        cluster.stop()


if __name__ == "__main__":
    asyncio.run(main())
