"""The language cache is bounded (LRU with a TTL) and never looks up what is not a user id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SettableClock
from bot.ports import UserInfo
from bot.services import people
from bot.services.people import Languages
from storage.db import make_engine, make_sessions


class CountingDirectory:
    """A directory that knows everyone as Korean and counts lookups."""

    def __init__(self) -> None:
        self.lookups: list[str] = []

    async def user_info(self, user_id: str) -> UserInfo | None:
        self.lookups.append(user_id)
        return UserInfo(user_id=user_id, locale="ko-KR", name=user_id, is_bot=False)


@pytest.fixture
async def languages(migrated_url: str) -> AsyncIterator[tuple[Languages, CountingDirectory]]:
    engine = make_engine(migrated_url)
    directory = CountingDirectory()
    clock = SettableClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC), frozen=True)
    yield Languages(make_sessions(engine), directory, clock, "en"), directory
    await engine.dispose()


async def test_cache_keeps_at_most_its_size_least_recent_out(
    languages: tuple[Languages, CountingDirectory], monkeypatch: pytest.MonkeyPatch
) -> None:
    langs, _ = languages
    monkeypatch.setattr(people, "CACHE_SIZE", 3)
    for uid in ("U0AAA", "U0BBB", "U0CCC"):
        assert await langs.language_of(uid) == "ko"
    await langs.language_of("U0AAA")  # used again: now the most recent
    for uid in ("U0DDD", "U0EEE"):
        await langs.language_of(uid)
    assert langs.cached_count() == 3
    assert set(langs._memory) == {"U0AAA", "U0DDD", "U0EEE"}


async def test_cache_entries_expire(languages: tuple[Languages, CountingDirectory]) -> None:
    langs, _ = languages
    await langs.language_of("U0AAA")
    _, until = langs._memory["U0AAA"]
    now = langs._clock.now()
    assert until == (now + timedelta(hours=1)).timestamp()


async def test_malformed_ids_are_not_looked_up_or_cached(
    languages: tuple[Languages, CountingDirectory],
) -> None:
    langs, directory = languages
    for bad in ("U" + "A" * 4999, "<!channel>", "", "C0TRIAGE"):
        assert await langs.language_of(bad) == "en"
    assert directory.lookups == [] and langs.cached_count() == 0
