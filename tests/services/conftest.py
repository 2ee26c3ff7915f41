"""Service-level fixtures: the services against a real database, with no platform at all.

`deps` is the bot's dependency bag without Slack: a directory that knows the test people,
a frozen clock at the test start (Tuesday 10:00 in Seoul), the test charter. Tests call
the services in a transaction of their own and read back what was queued in the outbox.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from e2e.world import PEOPLE, START, TEST_CONFIG
from sqlmodel import col, select

from bot.app import build_calendar, build_nudge_policy, build_policy
from bot.clock import SettableClock
from bot.config import EnvSettings, parse_config
from bot.deps import Deps
from bot.ports import UserInfo
from bot.services.people import Languages
from storage.db import make_engine, make_sessions
from storage.models import Inquiry, InquiryEvent, OutboxMessage


class PeopleDirectory:
    """The test workspace's people, by id (no platform behind it)."""

    async def user_info(self, user_id: str) -> UserInfo | None:
        for uid, name, locale in PEOPLE:
            if uid == user_id:
                return UserInfo(user_id=uid, locale=locale, name=name, is_bot=False)
        return None


@pytest.fixture
async def deps(migrated_url: str) -> AsyncIterator[Deps]:
    """Deps on a migrated database (SQLite and PostgreSQL), without any platform."""
    engine = make_engine(migrated_url)
    sessions = make_sessions(engine)
    config = parse_config(TEST_CONFIG)
    clock = SettableClock(START, frozen=True)
    directory = PeopleDirectory()
    yield Deps(
        env=EnvSettings(DATABASE_URL=migrated_url),
        config=config,
        engine=engine,
        sessions=sessions,
        reads=sessions,
        clock=clock,
        calendar=build_calendar(config, clock.now()),
        policy=build_policy(config),
        nudges=build_nudge_policy(config),
        directory=directory,
        languages=Languages(sessions, directory, clock, config.language),
    )
    await engine.dispose()


@dataclass(frozen=True)
class Queued:
    """One outbox row, as a test reads it: what kind, to whom, in which thread, what text."""

    kind: str
    to: str
    thread: str | None
    text_key: str  # "" for cards and nudges (rendered at delivery)
    params: dict[str, Any]


async def queued(deps: Deps) -> list[Queued]:
    """Everything in the outbox, oldest first."""
    async with deps.sessions() as s:
        rows = (await s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    out = []
    for r in rows:
        payload = json.loads(r.payload)
        out.append(
            Queued(
                r.kind,
                r.recipient,
                r.thread_ts,
                payload.get("text_key", ""),
                payload.get("params", {}),
            )
        )
    return out


async def messages(deps: Deps) -> list[tuple[str, str]]:
    """The queued texts as (recipient, catalogue key), cards and nudges left out."""
    return [(q.to, q.text_key) for q in await queued(deps) if q.kind == "message"]


async def inquiry(deps: Deps, number: int) -> Inquiry:
    """Inquiry #number as stored now."""
    async with deps.sessions() as s:
        row = (await s.exec(select(Inquiry).where(Inquiry.number == number))).one()
    return row


async def events(deps: Deps, kind: str | None = None) -> list[InquiryEvent]:
    """Every history entry (of one kind), oldest first."""
    stmt = select(InquiryEvent).order_by(col(InquiryEvent.id))
    if kind is not None:
        stmt = stmt.where(InquiryEvent.kind == kind)
    async with deps.sessions() as s:
        return list((await s.exec(stmt)).all())
