"""Issue 17: nudges posted to a Teams channel are bilingual when `bilingual_channels = true`
(Korean first, as on the cards), and follow the default language alone when it is false
(the real server, the fake Bot Connector; SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from e2e.world import KST

from bot.clock import SettableClock
from teams.inbound_world import CUSTOMER, TEAMS_CONFIG, TRIAGE, ask
from teams.support import BOT_ID, TENANT, TeamsBot, message, start_teams_bot


def team_installed(bot: TeamsBot) -> dict[str, Any]:
    """The conversationUpdate Teams sends when the app is added to the triage team."""
    body = message("", service_url=bot.service_url, user="29:user-admin", conversation=TRIAGE)
    body["conversation"]["conversationType"] = "channel"
    body.pop("text")
    body.update(
        type="conversationUpdate",
        membersAdded=[{"id": BOT_ID}],
        channelData={
            "tenant": {"id": TENANT},
            "team": {"id": TRIAGE, "name": "Support"},
            "eventType": "teamMemberAdded",
        },
    )
    return body


async def _nudge_texts(bot: TeamsBot) -> list[str]:
    clock = bot.runtime.deps.clock
    assert isinstance(clock, SettableClock)
    # the support inquiry's first response (15bm) approaches at 75%: 10:11:15
    clock.set(datetime(2026, 12, 1, 10, 11, 30, tzinfo=KST))
    await bot.runtime.run_due_work()

    def nudges() -> list[dict[str, Any]]:
        return [m for m in bot.connector.messages(TRIAGE) if "nudge" in json.dumps(m)]

    # the channel is paced (one post a second, on the real clock) after the card's post
    for _ in range(50):
        if nudges() or await bot.runtime.sender.deliver_due():
            continue
        await asyncio.sleep(0.1)
    cards = [
        json.dumps(m, ensure_ascii=False)
        for m in bot.connector.messages(TRIAGE)
        if "기한 알림" in json.dumps(m, ensure_ascii=False)
        or "Deadline reminders" in json.dumps(m, ensure_ascii=False)
    ]
    return cards


@pytest.fixture(params=[True, False], ids=["bilingual", "korean-only"])
async def bot(request: pytest.FixtureRequest, db_url: str) -> AsyncIterator[TeamsBot]:
    # Teams channels only: a Slack triage post (no Slack here) would hold the channel's order
    channels = {"teams": TEAMS_CONFIG["channels"]["teams"]}
    config = {**TEAMS_CONFIG, "channels": channels, "bilingual_channels": request.param}
    bot, stop = await start_teams_bot(db_url, anonymous=True, config=config)
    yield bot
    await stop()


async def test_channel_nudges_follow_bilingual_channels(bot: TeamsBot) -> None:
    bilingual = bot.runtime.deps.config.bilingual_channels
    status, _ = await bot.post(team_installed(bot))
    assert status in (200, 202)
    await ask(bot, "inquiry new support 로그인 안됨", user=CUSTOMER, locale="ko-KR")
    for _ in range(10):
        if not await bot.runtime.sender.deliver_due():
            break
    [card] = await _nudge_texts(bot)
    card = card.replace("\\", "")  # as read: markdown escapes off
    assert "⏰ 문의 1건 기한 알림" in card
    assert "12월 1일(화) 10:15" in card
    if bilingual:
        assert card.index("문의 1건 기한 알림") < card.index("Deadline reminders · inquiries: 1")
    else:
        assert "Deadline reminders" not in card
