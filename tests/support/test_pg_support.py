"""Smoke test of the throw-away PostgreSQL cluster helper (tests/support/pg.py)."""

from __future__ import annotations

import os

import asyncpg
import pytest

from .pg import PgUnavailable, create_database, find_pg_bin, start_cluster

pytestmark = pytest.mark.pg


def _unavailable(reason: str) -> None:
    if os.environ.get("CHARTERBOT_REQUIRE_PG"):
        pytest.fail(f"PostgreSQL required (CHARTERBOT_REQUIRE_PG set) but unavailable: {reason}")
    pytest.skip(f"PostgreSQL unavailable: {reason}")


async def test_cluster_start_create_connect_stop() -> None:
    try:
        cluster = start_cluster()
    except PgUnavailable as exc:
        _unavailable(str(exc))
        return
    try:
        assert cluster.url.startswith("postgresql+asyncpg://postgres@127.0.0.1:")
        assert cluster.url.endswith("/charterbot_test")
        assert cluster.dsn == f"postgresql://postgres@127.0.0.1:{cluster.port}/charterbot_test"

        # the default database exists
        conn = await asyncpg.connect(cluster.dsn)
        try:
            assert await conn.fetchval("SELECT 1") == 1
        finally:
            await conn.close()

        # a fresh database per test module
        url = create_database(cluster, "charterbot_t_support")
        assert url == f"postgresql+asyncpg://postgres@127.0.0.1:{cluster.port}/charterbot_t_support"
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            assert await conn.fetchval("SELECT 1") == 1
            assert await conn.fetchval("SELECT current_database()") == "charterbot_t_support"
            await conn.execute("CREATE TABLE t (x int)")  # writable
        finally:
            await conn.close()

        with pytest.raises(ValueError):
            create_database(cluster, "bad; name")
    finally:
        cluster.stop()

    assert not cluster.rootdir.exists()
    cluster.stop()  # idempotent


def test_find_pg_bin_has_server_binaries() -> None:
    bindir = find_pg_bin()
    if bindir is None:
        _unavailable("initdb/pg_ctl not found")
        return
    assert (bindir / "initdb").exists()
    assert (bindir / "pg_ctl").exists()
