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
from support.deps import service_deps

from bot.clock import SettableClock
from bot.deps import Deps
from bot.ports import UserInfo


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
    deps = service_deps(
        migrated_url, TEST_CONFIG, SettableClock(START, frozen=True), PeopleDirectory()
    )
    yield deps
    await deps.engine.dispose()
