"""The Teams dashboard card (`home`) updated in place after a change that affects its reader,
debounced, and nobody else's (issue 16); the real server, the fake Bot Connector, SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.services import home_refresh
from storage.models import HomeView
from teams.inbound_world import ALEX, STAFF, ask, teams, text_of
from teams.support import TeamsBot

__all__ = ["teams"]
DELAY = timedelta(minutes=5)  # the clock runs with real time: a slow machine's burst fits


@pytest.fixture(autouse=True)
def _long_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home_refresh, "REFRESH_DELAY", DELAY)


async def _drain(bot: TeamsBot) -> None:
    for _ in range(20):
        if not await bot.runtime.sender.deliver_due():
            return


async def test_home_card_updated_in_place_once_per_burst(teams: TeamsBot) -> None:
    card = await ask(teams, "home")
    assert "dashboard" in text_of(card) and "Requested by me** (0)" in text_of(card)
    await ask(teams, "home", user=ALEX)
    async with teams.runtime.deps.sessions() as s:
        views = {v.user_id: v for v in (await s.exec(select(HomeView))).all()}
    assert set(views) == {STAFF, ALEX} and all(v.platform == "teams" for v in views.values())
    mine = views[STAFF]
    assert mine.conversation_id == f"a:personal-{STAFF}" and mine.message_id
    clock = teams.runtime.deps.clock
    for n in range(3):  # a burst: Minji's own requests (unassigned)
        await ask(teams, f"inquiry new support Login fails {n}")
    await _drain(teams)
    assert teams.connector.calls_of("update") == []  # not before the debounce
    clock.advance(DELAY + timedelta(seconds=1))  # type: ignore[attr-defined]
    await _drain(teams)
    updates = teams.connector.calls_of("update")
    assert [(u.conversation_id, u.activity_id) for u in updates] == [
        (mine.conversation_id, mine.message_id)
    ]
    assert "Requested by me** (3)" in text_of(updates[0].body)
    clock.advance(DELAY + timedelta(seconds=1))  # type: ignore[attr-defined]
    await _drain(teams)
    assert len(teams.connector.calls_of("update")) == 1  # nothing changed since
