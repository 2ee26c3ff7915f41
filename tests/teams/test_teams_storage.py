"""Teams conversation references on SQLite and PostgreSQL: save, refresh, look up, forget;
Teams-length ids fit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import make_engine, make_sessions
from storage.repos.teams_conversations import (
    add_conversation,
    delete_conversation,
    get_conversation,
    get_personal_conversation,
    list_conversations,
    reference_of,
)

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
LONG_ID = "a:1" + "x" * 180  # personal chat ids run well past 100 characters
SVC = "https://smba.example/kr/"


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(migrated_url)
    yield eng
    await eng.dispose()


async def test_save_refresh_lookup_forget(engine: AsyncEngine) -> None:
    sessions = make_sessions(engine)
    ref = {"conversation": {"id": LONG_ID}, "serviceUrl": SVC}
    async with sessions.begin() as s:
        await add_conversation(
            s,
            conversation_id=LONG_ID,
            reference=ref,
            now=T0,
            kind="personal",
            service_url=SVC,
            tenant_id="t1",
            user_id="29:" + "k" * 120,
            aad_object_id="aad-kim",
            locale="ko-KR",
        )
        await add_conversation(
            s,
            conversation_id="19:triage@thread.tacv2",
            reference={"conversation": {"id": "19:triage@thread.tacv2"}},
            now=T0,
            kind="channel",
            service_url=SVC,
            team_id="19:team@thread.tacv2",
        )
    later = T0 + timedelta(hours=1)
    async with sessions.begin() as s:
        # an update of the same conversation refreshes it; empty fields keep what was stored
        await add_conversation(
            s,
            conversation_id=LONG_ID,
            reference={**ref, "locale": "en-US"},
            now=later,
            kind="personal",
            service_url=SVC + "v2/",
            locale="en-US",
        )
    async with sessions() as s:
        row = await get_conversation(s, conversation_id=LONG_ID)
        assert row is not None
        assert (row.service_url, row.locale, row.tenant_id, row.aad_object_id) == (
            SVC + "v2/",
            "en-US",
            "t1",
            "aad-kim",
        )
        assert row.created_at == T0 and row.updated_at == later
        assert reference_of(row)["locale"] == "en-US"
        by_aad = await get_personal_conversation(s, aad_object_id="aad-kim")
        by_user = await get_personal_conversation(s, user_id="29:" + "k" * 120)
        assert by_aad is not None and by_user is not None and by_aad.id == by_user.id == row.id
        assert await get_personal_conversation(s) is None
        channels = await list_conversations(s, kind="channel")
        assert [c.team_id for c in channels] == ["19:team@thread.tacv2"]
        assert len(await list_conversations(s)) == 2
    async with sessions.begin() as s:
        assert await delete_conversation(s, conversation_id=LONG_ID) is True
        assert await delete_conversation(s, conversation_id=LONG_ID) is False
    async with sessions() as s:
        assert await get_conversation(s, conversation_id=LONG_ID) is None


async def test_concurrent_installs_of_one_conversation(engine: AsyncEngine) -> None:
    sessions = make_sessions(engine)

    async def install(n: int) -> None:
        async with sessions.begin() as s:
            await add_conversation(
                s,
                conversation_id="a:same",
                reference={"n": n},
                now=T0 + timedelta(seconds=n),
                kind="personal",
                service_url=SVC,
            )

    await asyncio.gather(*(install(n) for n in range(5)))
    async with sessions() as s:
        assert len(await list_conversations(s)) == 1


async def test_unknown_fields_are_refused(engine: AsyncEngine) -> None:
    async with make_sessions(engine).begin() as s:
        with pytest.raises(TypeError):
            await add_conversation(s, conversation_id="x", reference={}, now=T0, color="red")
