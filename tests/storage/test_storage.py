"""Storage layer on a migrated database: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.models  # noqa: F401 - registers every table on SQLModel.metadata
from storage.db import Duplicate, make_engine, make_sessions, ping, undone_if_duplicate
from storage.models import Counter, Inquiry, OutboxMessage, ProcessedEvent
from storage.repos.inquiries import INQUIRY_COUNTER, list_inquiries, next_number
from storage.repos.outbox import add_outbox_message, claim_outbox_message, count_outbox
from storage.repos.slack_events import add_processed_event

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
REPO_ROOT = Path(__file__).resolve().parents[2]


def make_inquiry(number: int, **overrides: Any) -> Inquiry:
    values: dict[str, Any] = {
        "number": number,
        "kind": "support",
        "status": "new",
        "title": f"inquiry {number}",
        "requester_id": "U0REQ",
        "source": "command",
        "created_at": NOW,
        "updated_at": NOW,
        "sla_start_at": NOW,
    }
    values.update(overrides)
    return Inquiry(**values)


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(migrated_url, pool_size=25, max_overflow=5)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessions(engine)


async def _numbers(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    async with sessions() as session:
        rows = (await session.exec(select(Inquiry.number).order_by(col(Inquiry.number)))).all()
    return list(rows)


async def _counter(sessions: async_sessionmaker[AsyncSession]) -> int | None:
    async with sessions() as session:
        row = await session.get(Counter, INQUIRY_COUNTER)
    return None if row is None else row.value


# -- datetimes ---------------------------------------------------------------------------------


async def test_datetimes_round_trip_as_aware_utc(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    created = datetime(2026, 3, 10, 9, 15, 30, 123456, tzinfo=SEOUL)  # 00:15:30 UTC
    deadline = datetime(2026, 3, 11, 18, 0, tzinfo=SEOUL)
    async with sessions.begin() as session:
        session.add(
            make_inquiry(
                1,
                created_at=created,
                updated_at=created,
                sla_start_at=created,
                deadline_at=deadline,
            )
        )

    async with sessions() as session:
        row = (await session.exec(select(Inquiry).where(Inquiry.number == 1))).one()
    for value, expected in (
        (row.created_at, created),
        (row.updated_at, created),
        (row.sla_start_at, created),
        (row.deadline_at, deadline),
    ):
        assert value is not None
        assert value == expected  # the same instant
        assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
        assert value.tzinfo == UTC
    assert row.created_at.hour == 0 and row.created_at.minute == 15
    assert row.created_at.microsecond == 123456
    assert row.eta_at is None and row.resolved_at is None


async def test_naive_datetime_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(sa.exc.StatementError) as info:
        async with sessions.begin() as session:
            session.add(make_inquiry(1, created_at=datetime(2026, 3, 10, 9, 0)))
    assert isinstance(info.value.orig, ValueError)
    assert await _numbers(sessions) == []


# -- next_number -------------------------------------------------------------------------------


async def test_next_number_is_sequential(sessions: async_sessionmaker[AsyncSession]) -> None:
    taken = []
    for _ in range(5):
        async with sessions.begin() as session:
            n = await next_number(session)
            session.add(make_inquiry(n))
            taken.append(n)
    assert taken == [1, 2, 3, 4, 5]
    # Two numbers in one transaction are also consecutive; other counters are independent.
    async with sessions.begin() as session:
        assert await next_number(session) == 6
        assert await next_number(session) == 7
        assert await next_number(session, "other") == 1
    assert await _counter(sessions) == 7


async def test_next_number_concurrent_tasks(sessions: async_sessionmaker[AsyncSession]) -> None:
    async def take() -> int:
        async with sessions.begin() as session:
            n = await next_number(session)
            await asyncio.sleep(0)  # let the other tasks pile up on the lock
            session.add(make_inquiry(n))
            return n

    # First round races on creating the counter row, the second on incrementing it.
    first = await asyncio.gather(*(take() for _ in range(20)))
    assert sorted(first) == list(range(1, 21))
    second = await asyncio.gather(*(take() for _ in range(20)))
    assert sorted(second) == list(range(21, 41))
    assert await _numbers(sessions) == list(range(1, 41))
    assert await _counter(sessions) == 40


_WORKER = """
import asyncio, sys
from datetime import UTC, datetime
from storage.db import make_engine, make_sessions
from storage.models import Inquiry
from storage.repos.inquiries import next_number

async def main(url, tag, count):
    engine = make_engine(url)
    sessions = make_sessions(engine)
    for i in range(count):
        async with sessions.begin() as session:
            n = await next_number(session)
            now = datetime.now(UTC)
            session.add(Inquiry(
                number=n, kind="support", status="new", title=f"{tag}-{i}",
                requester_id=tag, source="command",
                created_at=now, updated_at=now, sla_start_at=now,
            ))
    await engine.dispose()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


async def test_next_number_concurrent_processes(
    migrated_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _WORKER,
            migrated_url,
            f"P{i}",
            "20",
            cwd=REPO_ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for i in range(3)
    ]
    results = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), timeout=120)
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err.decode()
    assert await _numbers(sessions) == list(range(1, 61))
    assert await _counter(sessions) == 60
    async with sessions() as session:
        per_process = (
            await session.exec(
                select(Inquiry.requester_id, sa.func.count()).group_by(col(Inquiry.requester_id))
            )
        ).all()
    assert dict(per_process) == {"P0": 20, "P1": 20, "P2": 20}


async def test_rolled_back_number_leaves_no_gap(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # The very first number is taken and rolled back (the counter row itself is new).
    async with sessions() as session:
        await session.begin()
        assert await next_number(session) == 1
        session.add(make_inquiry(1))
        await session.flush()
        await session.rollback()
    assert await _counter(sessions) is None

    async with sessions.begin() as session:
        n = await next_number(session)
        session.add(make_inquiry(n))
    assert n == 1

    # Once the counter exists: a failed transaction does not burn a number either.
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            assert await next_number(session) == 2
            session.add(make_inquiry(2))
            await session.flush()
            raise RuntimeError("handler failed")
    async with sessions.begin() as session:
        n = await next_number(session)
        session.add(make_inquiry(n))
    assert n == 2
    assert await _numbers(sessions) == [1, 2]
    assert await _counter(sessions) == 2


async def test_a_duplicate_in_a_savepoint_undoes_only_that_block(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        first = await next_number(session)
        session.add(make_inquiry(first))
        await session.flush()
        with pytest.raises(Duplicate):
            async with undone_if_duplicate(session):
                assert await next_number(session) == 2
                session.add(make_inquiry(first))  # the same number: refused as a duplicate
                await session.flush()
        # the transaction goes on, without the block's writes (its number is given back)
        assert await next_number(session) == 2
        session.add(make_inquiry(2))
    assert await _numbers(sessions) == [1, 2]
    # any other integrity error is no duplicate: it propagates as it is
    with pytest.raises(sa.exc.IntegrityError):
        async with sessions.begin() as session, undone_if_duplicate(session):
            session.add(make_inquiry(3, title=None))
            await session.flush()


# -- processed events, outbox ------------------------------------------------------------------


async def test_processed_event_is_recorded_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        assert await add_processed_event(session, event_id="Ev1", at=NOW) is True
    async with sessions.begin() as session:
        assert await add_processed_event(session, event_id="Ev1", at=NOW) is False
        assert await add_processed_event(session, event_id="Ev2", at=NOW) is True
        assert await add_processed_event(session, event_id="Ev2", at=NOW) is False
    async with sessions() as session:
        ids = (await session.exec(select(ProcessedEvent.event_id))).all()
    assert sorted(ids) == ["Ev1", "Ev2"]


def _outbox(key: str, **overrides: Any) -> OutboxMessage:
    values: dict[str, Any] = {
        "idempotency_key": key,
        "kind": "message",
        "recipient": "C0TRIAGE",
        "payload": '{"text": "hi"}',
        "available_at": NOW,
        "created_at": NOW,
    }
    values.update(overrides)
    return OutboxMessage(**values)


async def test_outbox_idempotency_and_claim(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await add_outbox_message(session, _outbox("tell:1"))
    async with sessions.begin() as session:
        await add_outbox_message(session, _outbox("tell:1", payload='{"text": "second"}'))
        await add_outbox_message(session, _outbox("tell:2"))

    async with sessions() as session:
        rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    assert [r.idempotency_key for r in rows] == ["tell:1", "tell:2"]
    first = rows[0]
    assert first.payload == '{"text": "hi"}'  # the row already queued wins
    assert first.state == "pending" and first.attempts == 0
    assert first.sent_at is None and first.available_at == NOW
    assert first.id is not None

    later = NOW + timedelta(seconds=5)
    async with sessions.begin() as session:
        assert await claim_outbox_message(session, message_id=first.id, now=later) is True
    async with sessions.begin() as session:
        assert await claim_outbox_message(session, message_id=first.id, now=later) is False
        assert await claim_outbox_message(session, message_id=10_000, now=later) is False
    async with sessions() as session:
        claimed = await session.get(OutboxMessage, first.id)
        assert claimed is not None
        assert (claimed.state, claimed.attempts, claimed.available_at) == ("sending", 1, later)
        assert await count_outbox(session, state="pending") == 1
        assert await count_outbox(session, state="sending") == 1


# -- list_inquiries ----------------------------------------------------------------------------


async def test_list_inquiries_order_total_and_filters(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    t = NOW
    specs: list[dict[str, Any]] = [
        # number, deadline, status, requester, assignee
        {"number": 1, "deadline_at": None, "status": "new", "requester_id": "UA"},
        {
            "number": 2,
            "deadline_at": t + timedelta(hours=5),
            "status": "in_progress",
            "requester_id": "UA",
            "assignee_id": "UB",
        },
        {
            "number": 3,
            "deadline_at": t + timedelta(hours=1),
            "status": "new",
            "requester_id": "UC",
            "assignee_id": "UA",
        },
        {"number": 4, "deadline_at": None, "status": "resolved", "requester_id": "UC"},
        {
            "number": 5,
            "deadline_at": t + timedelta(hours=1),
            "status": "on_hold",
            "requester_id": "UD",
            "assignee_id": "UB",
        },
        # Deadline in another zone: 2026-03-10 10:00 KST is 01:00 UTC, before number 3's.
        {
            "number": 6,
            "deadline_at": datetime(2026, 3, 10, 10, 0, tzinfo=SEOUL),
            "status": "acknowledged",
            "requester_id": "UD",
        },
    ]
    async with sessions.begin() as session:
        # Insert out of order so the id order does not give the answer away.
        for spec in reversed(specs):
            session.add(make_inquiry(**spec))

    async def numbers(**kwargs: Any) -> tuple[list[int], int]:
        async with sessions() as session:
            rows, total = await list_inquiries(session, **kwargs)
        return [r.number for r in rows], total

    # Deadline ascending, ties by number, no deadline last.
    assert await numbers() == ([6, 3, 5, 2, 1, 4], 6)
    # The limit cuts the page, not the total.
    assert await numbers(limit=2) == ([6, 3], 6)
    assert await numbers(statuses=["new", "acknowledged", "in_progress", "on_hold"]) == (
        [6, 3, 5, 2, 1],
        5,
    )
    assert await numbers(statuses=["resolved"]) == ([4], 1)
    assert await numbers(statuses=[]) == ([], 0)
    assert await numbers(requester_or_assignee="UA") == ([3, 2, 1], 3)
    assert await numbers(requester_id="UC") == ([3, 4], 2)
    assert await numbers(assignee_ids=["UB"]) == ([5, 2], 2)
    # Strictly before; rows without a deadline never match.
    assert await numbers(deadline_before=t + timedelta(hours=1)) == ([6], 1)
    assert await numbers(deadline_before=t + timedelta(hours=1, seconds=1)) == ([6, 3, 5], 3)
    assert await numbers(
        deadline_before=t + timedelta(days=1),
        statuses=["new", "on_hold"],
        requester_or_assignee="UB",
    ) == ([5], 1)


async def test_the_open_list_walks_the_deadline_index_on_sqlite(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """`/inquiry list open` with thousands open: SQLite (no statistics) must not sort every open
    row through the status index to return 20; the page comes off the deadline index."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by its own statistics")
    async with sessions.begin() as session:
        for i in range(1, 41):
            status = ("new", "acknowledged", "in_progress", "on_hold")[i % 4]
            session.add(make_inquiry(i, status=status, deadline_at=NOW + timedelta(hours=i)))
    statements: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        statements.append((statement, parameters))

    sa.event.listen(engine.sync_engine, "before_cursor_execute", grab)
    try:
        async with sessions() as session:
            rows, total = await list_inquiries(
                session, statuses=["new", "acknowledged", "in_progress", "on_hold"]
            )
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", grab)
    assert ([r.number for r in rows], total) == (list(range(1, 21)), 40)
    sql, params = next(s for s in statements if "ORDER BY inquiries.deadline_at" in s[0])
    async with engine.connect() as conn:
        plan = " / ".join(
            r[-1] for r in await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        )
    # the page walks the deadline index (only the total, a covering count, reads the status
    # index), and no sort of every open row
    assert plan.startswith("SEARCH inquiries USING INDEX ix_inquiries_deadline_at"), plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


# -- health ------------------------------------------------------------------------------------


async def test_ping(engine: AsyncEngine, migrated_url: str, tmp_path: Path) -> None:
    assert await ping(engine) is True
    if migrated_url.startswith("postgresql"):
        bad = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/x", pool_pre_ping=False)
    else:
        bad = make_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db")
    try:
        assert await asyncio.wait_for(ping(bad), timeout=30) is False
    finally:
        await bad.dispose()


# -- migrations --------------------------------------------------------------------------------


async def test_migrations_match_models(engine: AsyncEngine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def diff(sync_conn: Any) -> list[Any]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))

    async with engine.connect() as conn:
        diffs = await conn.run_sync(diff)
        tables = set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))
    assert diffs == []
    assert set(SQLModel.metadata.tables) | {"alembic_version"} == tables


async def test_migration_0018_adds_and_drops_the_handoff_card_state(db_url: str) -> None:
    import asyncio

    from alembic import command

    from storage.db import make_engine
    from storage.migrate import alembic_config, upgrade_async

    async def columns() -> set[str]:
        engine = make_engine(db_url)
        try:
            async with engine.connect() as conn:
                found = await conn.run_sync(lambda c: sa.inspect(c).get_columns("handoffs"))
        finally:
            await engine.dispose()
        return {c["name"] for c in found}

    await upgrade_async(db_url, "0018_handoff_card_state")
    assert "card_state" in await columns()
    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "0018_handoff_card_state-1")
    assert "card_state" not in await columns()
    await upgrade_async(db_url)
    assert "card_state" in await columns()
