"""Dashboards re-published after a change that affects the viewer (issue 16), through the real
server and fake Slack on SQLite and PostgreSQL: one views.publish per affected person who has
opened their Home, after the debounce, and one for a burst; nobody else's."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from e2e.harness import Bot
from support.polling import eventually

from bot.services import home_refresh
from storage.models import HomeView

# The harness's clock runs with real time: a long debounce keeps a slow machine's burst in one.
DELAY = timedelta(minutes=5)


@pytest.fixture(autouse=True)
def _long_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home_refresh, "REFRESH_DELAY", DELAY)


OPENED = ("USTAFF1", "USTAFF2", "UMANAGER")  # UADMIN and URECEPTION never open their Home


def _published(bot: Bot) -> Counter[str]:
    return Counter(str(c.args["user_id"]) for c in bot.fake.calls_to("views.publish"))


async def _open_homes(bot: Bot, users: tuple[str, ...]) -> None:
    for user in users:
        before = _published(bot)[user]
        await bot.event({"type": "app_home_opened", "user": user, "tab": "home"})
        await eventually(lambda u=user, b=before: _published(bot)[u] > b)  # type: ignore[misc]


async def _after_debounce(bot: Bot) -> Counter[str]:
    """What gets published once the clock passes the debounce (and the outbox drained)."""
    before = _published(bot)
    await bot.settle()
    await asyncio.sleep(0.2)
    assert _published(bot) == before, "published before the debounce"
    bot.clock.set(bot.clock.now() + DELAY + timedelta(seconds=1))
    await bot.settle()
    return _published(bot) - before


async def test_a_change_republishes_the_affected_homes_once(bot: Bot) -> None:
    await _open_homes(bot, OPENED)
    async with bot.deps.sessions() as s:
        assert await s.get(HomeView, ("slack", "UMANAGER")) is not None
        assert await s.get(HomeView, ("slack", "UADMIN")) is None
    assert "#1" in await bot.reply_to("USTAFF1", "new support Login fails <@USTAFF1>")
    # the assignee (also the requester) and their manager; not a colleague, not the admin
    assert await _after_debounce(bot) == Counter({"USTAFF1": 1, "UMANAGER": 1})
    # a burst of five changes: one publish each
    for n in range(5):
        assert "#1" in await bot.reply_to("USTAFF1", f"progress 1 step {n}")
    assert await _after_debounce(bot) == Counter({"USTAFF1": 1, "UMANAGER": 1})
    # a reassignment: the new assignee, the one before and the manager
    assert "#1" in await bot.reply_to("USTAFF1", "assign 1 <@USTAFF2>")
    assert await _after_debounce(bot) == Counter({"USTAFF1": 1, "USTAFF2": 1, "UMANAGER": 1})
    # nothing changed: nothing published
    assert await _after_debounce(bot) == Counter()


async def test_the_refresh_shows_the_change_and_survives_a_lost_process(bot: Bot) -> None:
    await _open_homes(bot, ("USTAFF2",))
    assert "#1" in await bot.reply_to("USTAFF1", "new request Screen change <@USTAFF2>")
    assert await _after_debounce(bot) == Counter({"USTAFF2": 1})
    view = [c for c in bot.fake.calls_to("views.publish") if c.args["user_id"] == "USTAFF2"][-1]
    assert "Screen change" in str(view.args["view"])


async def test_admins_homes_follow_delivery_failures(bot: Bot) -> None:
    await _open_homes(bot, ("UADMIN", "USTAFF1"))
    bot.fake.fail("chat.postMessage", error="channel_not_found", times=10)
    assert "#1" in await bot.reply_to("USTAFF1", "new support Login fails <@USTAFF1>")
    published = await _after_debounce(bot)
    assert published["UADMIN"] == 1 and published["USTAFF1"] == 1
    view = [c for c in bot.fake.calls_to("views.publish") if c.args["user_id"] == "UADMIN"][-1]
    assert "channel_not_found" in str(view.args["view"])


async def test_a_visit_republishes_host_manager_and_reception(bot: Bot) -> None:
    await _open_homes(bot, ("USTAFF1", "USTAFF2", "UMANAGER", "URECEPTION"))
    answer = await bot.reply_to(
        "USTAFF2",
        "register 홍길동 company:Mirae host:<@USTAFF1> at:2026-12-01 15:00",
        command="/visitor",
        channel="C0RECEPTION",
    )
    assert "V1" in answer
    published = await _after_debounce(bot)
    assert published == Counter({"USTAFF1": 1, "UMANAGER": 1, "URECEPTION": 1})
