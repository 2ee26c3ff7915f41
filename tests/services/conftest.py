"""Service-level fixtures: the services against a real database, with no platform at all.

`deps` is the bot's dependency bag without Slack: a directory that knows the test people,
a frozen clock at the test start (Tuesday 10:00 in Seoul), the test charter. Tests call
the services in a transaction of their own and read back what was queued in the outbox
(tests/support/queued.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from e2e.world import PEOPLE, START, TEST_CONFIG

# the composition root's pure builders (nothing of Slack is built or called)
from bot.app import build_calendar, build_nudge_policy, build_policy
from bot.clock import SettableClock
from bot.config import EnvSettings, parse_config
from bot.deps import Deps
from bot.ports import UserInfo
from bot.services.people import Languages
from storage.db import make_engine, make_sessions


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
