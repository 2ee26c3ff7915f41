"""home_views: who opened their dashboard, and the debounce of its re-publishing, on SQLite and
PostgreSQL (two transactions arming one person at once: one wins)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import make_engine, make_sessions
from storage.repos.home import add_home_view, arm_home_refresh, get_home_view

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
LATER = timedelta(seconds=3)


@pytest.fixture
async def sessions(migrated_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine: AsyncEngine = make_engine(migrated_url)
    yield make_sessions(engine)
    await engine.dispose()


async def _arm(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[str]:
    async with sessions.begin() as s:
        return await arm_home_refresh(
            s, platform="slack", user_ids=["U1", "U2", "U3"], now=now, due_at=now + LATER
        )


async def test_armed_once_until_due_and_only_for_openers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as s:
        await add_home_view(s, platform="slack", user_id="U1", now=T0)
        await add_home_view(s, platform="slack", user_id="U2", now=T0)
        await add_home_view(s, platform="teams", user_id="U3", now=T0)  # another platform
    assert await _arm(sessions, T0) == ["U1", "U2"]
    assert await _arm(sessions, T0 + timedelta(seconds=1)) == []  # armed: rides on it
    assert await _arm(sessions, T0 + LATER) == ["U1", "U2"]  # due: a new burst
    # opening again keeps a Teams card's message unless a new one is given
    async with sessions.begin() as s:
        await add_home_view(
            s, platform="teams", user_id="29:x", now=T0, conversation_id="a:1", message_id="m1"
        )
        await add_home_view(s, platform="teams", user_id="29:x", now=T0 + LATER)
    async with sessions() as s:
        view = await get_home_view(s, platform="teams", user_id="29:x")
    assert view is not None and (view.conversation_id, view.message_id) == ("a:1", "m1")


async def test_two_writers_arm_one(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as s:
        await add_home_view(s, platform="slack", user_id="U1", now=T0)
    results = await asyncio.gather(*(_arm(sessions, T0) for _ in range(4)))
    assert sorted(r for result in results for r in result) == ["U1"]
