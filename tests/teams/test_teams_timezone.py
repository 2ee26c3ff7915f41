"""A Teams person's time zone comes from their activities (the `clientInfo` entity, else
`localTimezone`): two Teams managers, in Tokyo and in Berlin, each get the digest at their
own 08:30; a zone no one knows is ignored (issue 16; SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from e2e.world import TEST_CONFIG

from bot.adapters.teams.activity import parse_activity
from bot.scheduler import run_digest_job
from storage.repos.digest import list_digest_runs
from storage.repos.people import get_profile
from teams.support import TeamsBot, message, start_teams_bot

TOKYO, BERLIN = "29:tokyo-boss", "29:berlin-boss"
CONFIG: dict[str, Any] = {
    **TEST_CONFIG,
    "teams": [
        {"name": "Tokyo desk", "manager": TOKYO, "members": ["29:tokyo-staff"]},
        {"name": "Berlin desk", "manager": BERLIN, "members": ["29:berlin-staff"]},
    ],
}


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[TeamsBot]:
    bot, stop = await start_teams_bot(db_url, anonymous=True, config=CONFIG)
    yield bot
    await stop()


async def _say(bot: TeamsBot, user: str, text: str, **extra: Any) -> None:
    body = message(
        text,
        service_url=bot.service_url,
        user=user,
        name=user[3:],
        aad=f"aad-{user[3:]}",
        conversation=f"a:personal-{user}",
        locale="en-US",
        **extra,
    )
    status, _ = await bot.post(body)
    assert status in (200, 202)


def _client(zone: str) -> list[dict[str, Any]]:
    return [{"type": "clientInfo", "locale": "en-US", "country": "XX", "timezone": zone}]


async def _zone(bot: TeamsBot, user: str) -> str:
    async with bot.runtime.deps.sessions() as s:
        profile = await get_profile(s, user_id=user)
    return profile.tz if profile else ""


async def _days(bot: TeamsBot, user: str) -> list[str]:
    async with bot.runtime.deps.sessions() as s:
        return [r.day for r in await list_digest_runs(s, manager_id=user)]


def test_the_zone_read_from_an_activity() -> None:
    body = message("hi", service_url="http://127.0.0.1:9/", entities=_client("Asia/Tokyo"))
    assert (parsed := parse_activity(body)) is not None and parsed.timezone == "Asia/Tokyo"
    body = message("hi", service_url="http://127.0.0.1:9/", localTimezone="Europe/Berlin")
    assert (parsed := parse_activity(body)) is not None and parsed.timezone == "Europe/Berlin"
    for entities in ([{"type": "clientInfo", "timezone": 3}], "junk", [None]):
        body = message("hi", service_url="http://127.0.0.1:9/", entities=entities)
        assert (parsed := parse_activity(body)) is not None and parsed.timezone == ""


async def test_each_teams_manager_gets_the_digest_at_their_own_0830(world: TeamsBot) -> None:
    await _say(world, TOKYO, "help", entities=_client("Asia/Tokyo"))
    await _say(world, BERLIN, "help", localTimezone="Europe/Berlin")
    assert await _zone(world, TOKYO) == "Asia/Tokyo"
    assert await _zone(world, BERLIN) == "Europe/Berlin"
    # unknown or hostile zones are ignored: the one known stays, the request is answered
    for bad in ("Mars/Olympus", "../../etc/passwd", "A" * 300, " Asia/Tokyo"):
        await _say(world, BERLIN, "help", entities=_client(bad))
    assert await _zone(world, BERLIN) == "Europe/Berlin"
    deps = world.runtime.deps
    clock = deps.clock
    # Wednesday 2026-12-02 08:29 in Tokyo (00:29 in Berlin): nobody yet
    clock.set(datetime(2026, 12, 1, 23, 29, tzinfo=UTC))  # type: ignore[attr-defined]
    await run_digest_job(deps)
    assert await _days(world, TOKYO) == [] and await _days(world, BERLIN) == []
    # 08:30 in Tokyo (08:30 in Seoul too, the config's zone): Tokyo only
    clock.set(datetime(2026, 12, 1, 23, 30, tzinfo=UTC))  # type: ignore[attr-defined]
    await run_digest_job(deps)
    assert await _days(world, TOKYO) == ["2026-12-02"] and await _days(world, BERLIN) == []
    # 08:29 in Berlin: not yet; 08:30: Berlin's
    clock.set(datetime(2026, 12, 2, 7, 29, tzinfo=UTC))  # type: ignore[attr-defined]
    await run_digest_job(deps)
    assert await _days(world, BERLIN) == []
    clock.set(datetime(2026, 12, 2, 7, 30, tzinfo=UTC))  # type: ignore[attr-defined]
    await run_digest_job(deps)
    assert await _days(world, BERLIN) == ["2026-12-02"]
    assert await _days(world, TOKYO) == ["2026-12-02"]
