"""Reaching Teams people: the stored 1:1 chat, a new one when the tenant allows, a clear
reason when it does not; the Teams Directory from stored references (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.adapters.teams.addresses import NotReachable, TeamsDirectory, person_target
from bot.adapters.teams.transport import TeamsTransport
from bot.sandbox.fake_teams import FakeConnector
from storage.db import make_engine, make_sessions
from storage.repos.teams_conversations import add_conversation, get_personal_conversation

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


class NoTokens:
    async def token(self) -> str:
        return ""


@pytest.fixture
async def fake() -> AsyncIterator[FakeConnector]:
    connector = FakeConnector()
    await connector.start()
    yield connector
    await connector.stop()


@pytest.fixture
async def sessions(migrated_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(migrated_url)
    yield make_sessions(engine)
    await engine.dispose()


async def _install(sessions: async_sessionmaker[AsyncSession], service_url: str) -> None:
    async with sessions.begin() as s:
        await add_conversation(
            s,
            conversation_id="a:kim",
            reference={"user": {"id": "29:kim", "name": "Kim Minji"}},
            now=NOW,
            kind="personal",
            service_url=service_url,
            tenant_id="t1",
            bot_id="28:bot",
            user_id="29:kim",
            locale="ko-KR",
        )


async def test_stored_chat_new_chat_and_refusal(
    sessions: async_sessionmaker[AsyncSession], fake: FakeConnector
) -> None:
    transport = TeamsTransport(NoTokens(), timeout=5)
    with pytest.raises(NotReachable, match="not installed anywhere"):
        await person_target(sessions, transport, "29:kim", now=NOW)
    await _install(sessions, fake.url)
    kim = await person_target(sessions, transport, "29:kim", now=NOW)
    assert (kim.conversation_id, kim.service_url) == ("a:kim", fake.url)
    assert fake.calls == []
    lee = await person_target(sessions, transport, "29:lee", now=NOW)
    (create,) = fake.calls_of("create_conversation")
    assert create.body["members"] == [{"id": "29:lee"}]
    assert create.body["tenantId"] == "t1" and create.body["bot"]["id"] == "28:bot"
    async with sessions() as s:
        row = await get_personal_conversation(s, user_id="29:lee")
    assert row is not None and row.conversation_id == lee.conversation_id
    await person_target(sessions, transport, "29:lee", now=NOW)
    assert len(fake.calls_of("create_conversation")) == 1  # found the second time
    fake.allow_create = False
    with pytest.raises(NotReachable, match="does not allow"):
        await person_target(sessions, transport, "29:park", now=NOW)


async def test_directory_answers_from_stored_references(
    sessions: async_sessionmaker[AsyncSession], fake: FakeConnector
) -> None:
    await _install(sessions, fake.url)
    directory = TeamsDirectory(sessions)
    info = await directory.user_info("29:kim")
    assert info is not None and (info.name, info.locale) == ("Kim Minji", "ko-KR")
    assert await directory.user_info("29:nobody") is None


async def test_directory_names_people_who_never_wrote_from_the_bots_teams(
    sessions: async_sessionmaker[AsyncSession], fake: FakeConnector
) -> None:
    """Someone with no chat with the bot is looked up among the members of the team the bot
    is installed in (the Bot Connector's member API): named when found, remembered as
    nameless when in none of its teams, and not remembered when the look-up failed."""
    async with sessions.begin() as s:
        await add_conversation(
            s,
            conversation_id="19:ops@thread.tacv2",
            reference={"conversation": {"id": "19:ops@thread.tacv2"}},
            now=NOW,
            kind="channel",
            service_url=fake.url,
            team_id="19:team@thread.tacv2",
        )
    fake.members["29:park"] = {"id": "29:park", "name": "Park <b>Jisoo</b>"}
    directory = TeamsDirectory(sessions)
    assert await directory.user_info("29:park") is None  # no transport: only what is stored
    assert fake.calls == []
    directory.transport = TeamsTransport(NoTokens(), timeout=5)
    park = await directory.user_info("29:park")
    assert park is not None and (park.name, park.locale) == ("Park <b>Jisoo</b>", "")
    (asked,) = fake.calls_of("member")
    assert asked.conversation_id == "19:team@thread.tacv2"
    nobody = await directory.user_info("29:nobody")
    assert nobody is not None and nobody.name == ""  # asked, not a member
    fake.fail_next(502)
    assert await directory.user_info("29:later") is None  # not answered: asked again later
