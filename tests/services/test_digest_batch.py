"""The digest job in batches (SQLite and PostgreSQL): a batch's one query per loader gives every
manager exactly the digest their own queries give (teams sharing a member, managers in other
time zones, so other windows), claims are taken once in one statement, batches of one still
queue each digest once with two workers, migration 0017's partial index goes up and down and
PostgreSQL uses it for the literal open predicate."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from e2e.world import KST, TEST_CONFIG
from sqlalchemy import event
from sqlmodel import select
from support.deps import service_deps

from bot.clock import SettableClock
from bot.deps import Deps
from bot.domain.digest import digest_due, digest_time
from bot.domain.inquiry import OPEN_STATUSES
from bot.ports import UserInfo
from bot.services.digest import run as digest_run
from bot.services.digest.run import scope_of, send_due_digests, zone_of
from bot.services.digest.sections import (
    SECTIONS,
    Scope,
    SectionSource,
    build_digests,
    build_sections,
)
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade_async
from storage.models import OPEN_INQUIRY_SQL, Inquiry, OutboxMessage
from storage.repos.digest import claim_digest_runs, list_team_window, list_unassigned

NOW = datetime(2026, 12, 2, 8, 30, tzinfo=KST)  # Wednesday, the digest time in Seoul
ZONES = {"UMANAGER": "Asia/Seoul", "UMANAGER2": "America/New_York", "UMANAGER3": "Asia/Seoul"}
CONFIG: dict[str, Any] = {
    **TEST_CONFIG,
    "teams": [
        *TEST_CONFIG["teams"],  # UMANAGER: USTAFF1, USTAFF2
        {"name": "Web support", "manager": "UMANAGER2", "members": ["USTAFF3", "USTAFF2"]},
        {"name": "Field", "manager": "UMANAGER3", "members": ["USTAFF4"]},
    ],
}
ASSIGNEES = ["USTAFF1", "USTAFF2", "USTAFF3", "USTAFF4", None]
STATUSES = ["new", "acknowledged", "in_progress", "on_hold", "resolved", "closed", "resolved"]
KINDS = ["voc", "support", "request", "regulatory"]


class ZonedDirectory:
    async def user_info(self, user_id: str) -> UserInfo | None:
        return UserInfo(user_id, "ko-KR", user_id, False, tz=ZONES.get(user_id, "Asia/Seoul"))


def _deps(url: str, clock: SettableClock) -> Deps:
    return service_deps(url, CONFIG, clock, ZonedDirectory())


@pytest.fixture
async def workers(migrated_url: str) -> AsyncIterator[tuple[Deps, Deps, SettableClock]]:
    clock = SettableClock(NOW, frozen=True)
    one, two = _deps(migrated_url, clock), _deps(migrated_url, clock)
    yield one, two, clock
    await one.engine.dispose()
    await two.engine.dispose()


def _inquiries(count: int) -> list[Inquiry]:
    """A spread of every kind of row a digest reads: open with deadlines from two days ago to
    a week ahead (some none, some on hold), resolved and closed over the last four days (some
    late, some on time, some answered first), created in and out of each manager's window."""
    rows = []
    for n in range(1, count + 1):
        status = STATUSES[n % len(STATUSES)]
        created = NOW - timedelta(minutes=(n * 97) % (4 * 24 * 60) + 5)
        start = created + timedelta(minutes=(n % 3) * 30) if n % 5 == 0 else created
        done = status in ("resolved", "closed")
        deadline = NOW + timedelta(minutes=(n * 131) % (9 * 24 * 60) - 2 * 24 * 60)
        if n % 17 == 0:  # started long ago, due tomorrow: most of its window used (at risk)
            start, deadline = NOW - timedelta(days=8), NOW + timedelta(hours=25)
        rows.append(
            Inquiry(
                number=n,
                kind=KINDS[n % len(KINDS)],
                status=status,
                title=f"inquiry {n}",
                requester_id="UCUST",
                assignee_id=ASSIGNEES[n % len(ASSIGNEES)] if n % 11 else None,
                source="command",
                created_at=created,
                updated_at=created,
                sla_start_at=start,
                due_date=created + timedelta(days=2) if n % 4 == 3 else None,
                deadline_at=None if done or n % 13 == 0 else deadline,
                eta_at=created + timedelta(hours=6) if n % 6 == 1 else None,
                first_response_at=created + timedelta(minutes=(n * 17) % 600)
                if done and n % 2
                else None,
                resolved_at=created + timedelta(minutes=(n * 29) % 3000 + 1) if done else None,
                hold_started_at=created + timedelta(hours=1) if status == "on_hold" else None,
            )
        )
    return rows


async def _scopes(deps: Deps, shared: dict[str, Any]) -> list[Scope]:
    at = digest_time(deps.config.scheduler.digest_time)
    now = deps.clock.now()
    scopes = []
    for manager in ("UMANAGER", "UMANAGER2", "UMANAGER3"):
        zone = await zone_of(deps, manager)
        moment = digest_due(now, at, zone, deps.calendar)
        assert moment is not None
        scopes.append(scope_of(deps, manager, moment, now, zone, shared))
    return scopes


def _json(sections: Any) -> str:
    return json.dumps([s.as_payload() for s in sections], default=str, ensure_ascii=False)


async def test_a_batch_gives_each_manager_the_digest_of_its_own_queries(
    workers: tuple[Deps, Deps, SettableClock],
) -> None:
    deps, _two, _clock = workers
    async with deps.sessions.begin() as s:
        s.add_all(_inquiries(400))
    alone = tuple(SectionSource(s.rank, s.provider) for s in SECTIONS)  # no loaders
    async with deps.sessions() as session:
        batch = await build_digests(session, deps, await _scopes(deps, {}))
        one_by_one = [
            await build_sections(session, deps, scope, alone) for scope in await _scopes(deps, {})
        ]
    scopes = await _scopes(deps, {})
    assert scopes[0].since != scopes[1].since  # New York's window is another one
    assert [_json(d) for d in batch] == [_json(d) for d in one_by_one]
    # every section is there for someone: the comparison covers them all
    keys = {s.key for digest in batch for s in digest}
    assert {"overdue", "due_today", "at_risk", "unassigned", "on_hold", "new"} <= keys
    assert keys & {"resolved", "resolved_unjudged"}


async def test_the_batch_query_is_each_teams_query_together(
    workers: tuple[Deps, Deps, SettableClock],
) -> None:
    deps, _two, _clock = workers
    async with deps.sessions.begin() as s:
        s.add_all(_inquiries(200))
    since, until = NOW - timedelta(days=1), NOW
    async with deps.sessions() as session:
        both = await list_team_window(
            session, assignee_ids=["USTAFF1", "USTAFF3"], since=since, until=until
        )
        each = [
            *await list_team_window(session, assignee_ids=["USTAFF1"], since=since, until=until),
            *await list_team_window(session, assignee_ids=["USTAFF3"], since=since, until=until),
        ]
        queue, total = await list_unassigned(session, limit=5)
        everything = (await session.exec(select(Inquiry))).all()
    assert sorted(both) == sorted(each) and both
    open_ = {s.value for s in OPEN_STATUSES}
    unassigned = sorted(i.number for i in everything if i.assignee_id is None and i.status in open_)
    assert [i.number for i in queue] == unassigned[:5]
    assert total == len(unassigned) > 5
    assert all(r.created_at.tzinfo is UTC for r in both)  # aware UTC on either database


async def test_claims_are_taken_once_in_one_statement(
    workers: tuple[Deps, Deps, SettableClock],
) -> None:
    deps, _two, _clock = workers
    async with deps.sessions.begin() as s:
        got = await claim_digest_runs(
            s, runs=[("UB", "2026-12-02"), ("UA", "2026-12-02"), ("UA", "2026-12-01")], now=NOW
        )
    assert got == {("UA", "2026-12-02"), ("UB", "2026-12-02"), ("UA", "2026-12-01")}
    async with deps.sessions.begin() as s:
        got = await claim_digest_runs(s, runs=[("UB", "2026-12-02"), ("UC", "2026-12-02")], now=NOW)
        assert await claim_digest_runs(s, runs=[], now=NOW) == set()
    assert got == {("UC", "2026-12-02")}


async def test_two_workers_in_batches_of_one_queue_each_digest_once(
    workers: tuple[Deps, Deps, SettableClock], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two, _clock = workers
    monkeypatch.setattr(digest_run, "BATCH", 1)
    counts = []
    for _ in range(3):
        counts += await asyncio.gather(send_due_digests(one), send_due_digests(two))
    assert sum(counts) == 3  # three managers, each once, whoever claimed it
    async with one.sessions() as s:
        keys = sorted(r.idempotency_key for r in (await s.exec(select(OutboxMessage))).all())
    assert keys == [
        "digest:UMANAGER2:2026-12-01",  # New York's Tuesday, 18:30 there
        "digest:UMANAGER3:2026-12-02",
        "digest:UMANAGER:2026-12-02",
    ]


def test_the_open_predicate_names_the_open_statuses() -> None:
    assert OPEN_INQUIRY_SQL.startswith("status IN (")
    named = {v.strip().strip("'") for v in OPEN_INQUIRY_SQL[11:-1].split(",")}
    assert named == {s.value for s in OPEN_STATUSES}


async def _indexes(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.run_sync(lambda c: sa.inspect(c).get_indexes("inquiries"))
    finally:
        await engine.dispose()
    return {i["name"] for i in found if i["name"]}


async def test_migration_0017_adds_and_drops_its_indexes(db_url: str) -> None:
    ours = {"ix_inquiries_open", "ix_inquiries_created"}
    await upgrade_async(db_url, "0017_digest_indexes")
    assert ours <= await _indexes(db_url)
    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "0017_digest_indexes-1")
    assert not ours & await _indexes(db_url)
    await upgrade_async(db_url)
    assert ours <= await _indexes(db_url)


@pytest.mark.pg
async def test_postgresql_walks_the_open_index_even_in_a_generic_plan(
    workers: tuple[Deps, Deps, SettableClock],
) -> None:
    deps, _two, _clock = workers
    if deps.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plans")
    async with deps.sessions.begin() as s:
        s.add_all(_inquiries(300))
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, *_a: Any) -> None:
        seen.append((statement, params))

    event.listen(deps.engine.sync_engine, "before_cursor_execute", capture)
    async with deps.sessions() as session:
        await list_unassigned(session, limit=20)
    event.remove(deps.engine.sync_engine, "before_cursor_execute", capture)
    [(statement, params)] = seen
    async with deps.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("SET enable_seqscan = off")  # a tiny table: make the choice visible
        # A prepared statement ends up with a generic plan, which knows no parameter values:
        # the open predicate must be literal SQL for the partial index to be usable in it.
        await raw.execute("SET plan_cache_mode = force_generic_plan")
        await raw.execute(f"PREPARE digest_queue AS {statement}")
        args = ", ".join(str(int(p)) for p in params)
        plan = "\n".join(r[0] for r in await raw.fetch(f"EXPLAIN EXECUTE digest_queue({args})"))
    assert "ix_inquiries_open" in plan, plan


async def test_a_failing_digest_does_not_hold_back_the_rest_of_its_batch(
    workers: tuple[Deps, Deps, SettableClock],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A batch whose build fails (one manager's data breaks a section) is rolled back whole,
    then sent one digest at a time: the others go out, the failing one is left for the next
    run the same day (and is claimed then, not lost)."""
    deps, _two, _clock = workers
    real = digest_run.build_digests

    async def breaks_on_umanager2(session: Any, deps_: Deps, scopes: list[Scope]) -> Any:
        if any(s.manager_id == "UMANAGER2" for s in scopes):
            raise RuntimeError("a section failed")
        return await real(session, deps_, scopes)

    monkeypatch.setattr(digest_run, "build_digests", breaks_on_umanager2)
    assert await send_due_digests(deps) == 2
    assert "digest of UMANAGER2 failed" in caplog.text
    async with deps.sessions() as s:
        keys = sorted(r.idempotency_key for r in (await s.exec(select(OutboxMessage))).all())
    assert keys == ["digest:UMANAGER3:2026-12-02", "digest:UMANAGER:2026-12-02"]
    monkeypatch.setattr(digest_run, "build_digests", real)  # mended: the next run sends it
    assert await send_due_digests(deps) == 1
    assert await send_due_digests(deps) == 0
