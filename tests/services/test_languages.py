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


# --- one directory per platform, and the language config gives a person ---


class PlatformDirectory:
    """A directory of one platform: knows the people given, counts lookups."""

    def __init__(self, locales: dict[str, str]) -> None:
        self.locales = locales
        self.lookups: list[str] = []

    async def user_info(self, user_id: str) -> UserInfo | None:
        self.lookups.append(user_id)
        if user_id not in self.locales:
            return None
        return UserInfo(user_id, self.locales[user_id], f"name of {user_id}", is_bot=False)


CONFIGURED = {"U0MINJI": "ko", "29:1minji": "ko", "29:1alex": "en"}


Platforms = tuple[Languages, PlatformDirectory, PlatformDirectory]


@pytest.fixture
async def per_platform(migrated_url: str) -> AsyncIterator[Platforms]:
    engine = make_engine(migrated_url)
    slack = PlatformDirectory({"U0MINJI": "", "U0ALEX": "en-US"})
    teams = PlatformDirectory({"29:1minji": "", "29:1alex": "ko-KR"})
    clock = SettableClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC), frozen=True)
    langs = Languages(
        make_sessions(engine),
        {"slack": slack, "teams": teams},
        clock,
        "en",
        configured_lang=CONFIGURED.get,  # type: ignore[arg-type]
    )
    yield langs, slack, teams
    await engine.dispose()


async def test_each_id_is_looked_up_on_its_own_platform(per_platform: Platforms) -> None:
    langs, slack, teams = per_platform
    assert (await langs.reader_of("U0ALEX")).lang == "en"
    assert (await langs.reader_of("29:1alex")).lang == "ko"  # Teams' locale beats config
    assert await langs.name_of("29:1alex") == "name of 29:1alex"
    assert slack.lookups == ["U0ALEX"] and teams.lookups == ["29:1alex"]
    for _ in range(3):  # cached like Slack ids
        await langs.language_of("29:1alex")
    assert teams.lookups == ["29:1alex"]


@pytest.mark.parametrize(
    ("user_id", "lang", "known"),
    [
        ("U0MINJI", "ko", True),  # Slack has no locale for them: config's `lang`
        ("29:1minji", "ko", True),  # the same on Teams
        ("U0NOBODY", "en", False),  # nobody knows: the default, marked unknown
        ("29:1nobody", "en", False),
    ],
)
async def test_configured_lang_when_no_platform_tells(
    per_platform: Platforms, user_id: str, lang: str, known: bool
) -> None:
    langs, _, _ = per_platform
    reader = await langs.reader_of(user_id)
    assert (reader.lang, reader.known) == (lang, known)


async def test_a_platform_without_directory_is_not_asked(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    slack = PlatformDirectory({})
    clock = SettableClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC), frozen=True)
    langs = Languages(
        make_sessions(engine),
        slack,  # one directory alone is Slack's (as before)
        clock,
        "en",
        configured_lang=CONFIGURED.get,  # type: ignore[arg-type]
    )
    assert await langs.language_of("29:1minji") == "ko"
    assert await langs.language_of("29:1other") == "en"
    assert await langs.language_of("U0OTHER") == "en"
    assert slack.lookups == ["U0OTHER"]
    for bad in ("29:<at>x</at>", "19:a@thread.tacv2", "U0" + "A" * 4999):
        assert await langs.language_of(bad) == "en"
    assert slack.lookups == ["U0OTHER"]
    await engine.dispose()
