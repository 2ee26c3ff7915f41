"""Notices on Slack and Teams at once: `[channels] notices` and `[channels.teams] notices`;
the first post on each platform is the notice's anchor and later posts thread under it (a
Slack thread, a Teams reply chain); the English title goes to the English half."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import aiohttp
import pytest
from teams.support import BOT_ID, TENANT, TeamsBot, message

from bot.app import build_runtime, build_web_app
from bot.clock import SettableClock
from bot.config import parse_config
from bot.sandbox.fake_teams import FakeConnector
from e2e.harness import HARNESS_DELIVERY, Bot, serve_local, start_world_fake
from e2e.world import KST, START, TEST_CONFIG, bot_env
from storage.migrate import upgrade_async

TEAMS_NOTICES = "19:notices@thread.tacv2"
CONFIG: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
CONFIG["channels"]["teams"] = {"notices": [TEAMS_NOTICES]}
CONFIG["roles"]["operators"] = ["USTAFF1"]


def channel_installed(service_url: str) -> dict[str, Any]:
    body = message("", service_url=service_url, user="29:user-admin", conversation=TEAMS_NOTICES)
    body["conversation"]["conversationType"] = "channel"
    body.pop("text")
    body.update(
        type="conversationUpdate",
        membersAdded=[{"id": BOT_ID}],
        channelData={"tenant": {"id": TENANT}, "team": {"id": TEAMS_NOTICES, "name": "Ops"}},
    )
    return body


@pytest.fixture
async def both(db_url: str) -> AsyncIterator[tuple[Bot, FakeConnector]]:
    fake, api = await start_world_fake()
    connector = FakeConnector()
    await connector.start()
    await upgrade_async(db_url)
    env = bot_env(api, db_url).model_copy(update={"TEAMS_ALLOW_ANONYMOUS": True})
    runtime = build_runtime(
        env, parse_config(CONFIG), clock=SettableClock(START), delivery=HARNESS_DELIVERY
    )
    runner, port = await serve_local(build_web_app(runtime))
    http = aiohttp.ClientSession()
    url = f"http://127.0.0.1:{port}"
    teams = TeamsBot(runtime, connector, url, http)
    status, _ = await teams.post(channel_installed(connector.url))
    assert status in (200, 202)
    yield Bot(fake, runtime, url, http), connector
    await http.close()
    await runner.cleanup()
    await fake.stop()
    await connector.stop()


async def test_a_notice_posts_and_threads_on_both_platforms(
    both: tuple[Bot, FakeConnector],
) -> None:
    slack, connector = both
    text = (
        'plan "HTS 정기 점검" start:2026-12-05 22:00 end:2026-12-06 02:00 services:HTS '
        'title_en:"HTS maintenance"'
    )
    assert "N1" in await slack.reply_to("USTAFF1", text, command="/notice")
    await slack.settle()
    (first,) = connector.messages(TEAMS_NOTICES)
    assert "HTS 정기 점검" in first["text"] and "HTS maintenance" in first["text"]
    slack.clock.set(datetime(2026, 12, 4, 22, 0, tzinfo=KST))
    await slack.runtime.run_due_work()
    await slack.settle()
    # a reply in the first post's chain (Teams addresses a channel thread as
    # `<channel>;messageid=<first post>`)
    assert [(c.op, c.activity_id) for c in connector.calls] == [
        ("send", ""),
        ("reply", first["id"]),
    ]
    (reply,) = connector.messages(f"{TEAMS_NOTICES};messageid={first['id']}")
    assert reply["replyToId"] == first["id"] and "1일 후" in reply["text"]
    slack_posts = slack.posts("C0NOTICES")
    assert len(slack_posts) == 2 and slack_posts[1]["thread_ts"] == slack_posts[0]["ts"]
