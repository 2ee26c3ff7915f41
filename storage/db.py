"""Async engine and session factory for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession


def make_engine(url: str, *, readonly: bool = False, **kwargs: Any) -> AsyncEngine:
    """Create the async engine; SQLite gets WAL mode, a busy timeout and foreign keys.

    Under a burst, work waits for a pooled connection instead of failing after the default
    30 s (the queue drains at the database's pace). On SQLite every write transaction takes
    the write lock at BEGIN; `readonly=True` builds a second engine for read-only sessions that
    begin deferred, so lists and lookups read a WAL snapshot without queueing behind writers.
    """
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_timeout", 300)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if readonly:
                cur.execute("PRAGMA query_only=ON")
            cur.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Writers take the write lock at BEGIN so two never deadlock on lock upgrade.
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        # pysqlite's own transaction handling must be off for the BEGIN above to count.
        @event.listens_for(engine.sync_engine, "connect", insert=True)
        def _sqlite_autocommit(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def database_url_problem(url: str) -> str | None:
    """Why DATABASE_URL `url` cannot work, found without connecting; None when it may.

    SQLite creates a missing database file but not a missing folder, and its own error
    ("unable to open database file") names neither.
    """
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return f"DATABASE_URL is not a database URL: {url!r}"
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    folder = Path(database).absolute().parent
    if not folder.is_dir():
        shown = parsed.render_as_string(hide_password=True)
        return f"the folder {folder} of DATABASE_URL {shown} does not exist; create it first"
    return None


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(invalid URL)"


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return the session factory; callers use `async with sessions.begin() as session`."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> bool:
    """Return True when the database answers SELECT 1."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


def insert_ignoring_duplicates(session: AsyncSession, table: Any, key: str) -> sa.Insert:
    """An INSERT that skips rows whose `key` column already exists, on PostgreSQL or SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=[key])
    return sa.insert(table).prefix_with("OR IGNORE")


class Duplicate(Exception):
    """A unique constraint refused a write of an `undone_if_duplicate` block (its writes are
    undone; the transaction goes on)."""


def _is_unique_violation(exc: sa.exc.IntegrityError) -> bool:
    # PostgreSQL (asyncpg): SQLSTATE 23505; SQLite: "UNIQUE constraint failed: ..."
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code == "23505" or "UNIQUE constraint failed" in str(orig)


@asynccontextmanager
async def undone_if_duplicate(session: AsyncSession) -> AsyncIterator[None]:
    """Run a block of writes in a SAVEPOINT: when a unique constraint refuses one of them (a
    concurrent writer committed the same row first), only the block's writes are rolled back
    and Duplicate is raised, so the caller can read the winner's row in the same transaction
    (on PostgreSQL a failed statement outside a savepoint aborts the whole transaction).
    Other integrity errors propagate unchanged.
    """
    try:
        async with session.begin_nested():
            yield
    except sa.exc.IntegrityError as exc:
        if not _is_unique_violation(exc):
            raise
        raise Duplicate(str(exc.orig).splitlines()[0] if exc.orig else "") from exc
