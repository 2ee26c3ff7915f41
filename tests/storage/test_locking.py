"""Row locks on PostgreSQL: changing an inquiry does not block rows that refer to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from support.rows import inquiry_row, reminder_row

from storage.db import make_engine, make_sessions
from storage.repos.inquiries import add_inquiry, get_inquiry
from storage.repos.reminders import add_reminders

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
BOUND = 10.0  # seconds; a blocked insert waits for the other transaction, i.e. for ever here

# SQLite serialises all writers (BEGIN IMMEDIATE), so the question only exists on PostgreSQL.
pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(migrated_url)
    yield eng
    await eng.dispose()


async def test_a_locked_inquiry_still_takes_new_reminders(engine: AsyncEngine) -> None:
    """The nudge sweep inserts reminders (a repeat) for an inquiry another transaction is
    changing; with FOR UPDATE on the inquiry that insert waited, and deadlocked when the
    change then waited for a reminder the sweep had claimed."""
    sessions = make_sessions(engine)
    async with sessions.begin() as session:
        inquiry = await add_inquiry(session, inquiry_row(1, NOW, title="t", requester_id="U0REQ"))
        inquiry_id = inquiry.id
    assert inquiry_id is not None
    async with sessions.begin() as change:
        assert await get_inquiry(change, number=1, for_update=True) is not None
        async with sessions.begin() as sweep:
            reminder = reminder_row(
                "1:first_response:deadline~rep1",
                inquiry_id,
                NOW + timedelta(hours=1),
                deadline_at=NOW,
                created_at=NOW,
            )
            insert = asyncio.create_task(add_reminders(sweep, [reminder]))
            done, _ = await asyncio.wait({insert}, timeout=BOUND)
            if not done:
                insert.cancel()  # let both transactions end before failing
                await asyncio.gather(insert, return_exceptions=True)
            assert done, "the insert waited for the transaction that locked the inquiry"
            insert.result()
