"""Shared fixtures: databases (SQLite and a throw-away PostgreSQL), fake Slack, the bot server."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator

import pytest
from support.pg import PgCluster, PgUnavailable, create_database, start_cluster

_db_names = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL cluster for the whole session (fails in CI when it cannot start)."""
    try:
        cluster = start_cluster()
    except PgUnavailable as exc:
        if os.environ.get("CHARTERBOT_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL is required here but could not start: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh, empty database URL: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db')}/test.db"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return create_database(cluster, f"t{os.getpid()}_{next(_db_names)}")


@pytest.fixture
async def migrated_url(db_url: str) -> AsyncIterator[str]:
    """A database URL with every migration applied."""
    from storage.migrate import upgrade_async

    await upgrade_async(db_url)
    yield db_url


@pytest.fixture
async def bot(db_url: str) -> AsyncIterator[object]:
    """The real bot server on a fresh database, wired to a fresh fake Slack."""
    from e2e.harness import start_bot

    driver, stop = await start_bot(db_url)
    yield driver
    await stop()
