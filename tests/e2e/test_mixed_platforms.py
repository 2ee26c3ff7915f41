"""Slack and Teams at once: one database, one process serving /slack/events (signed Slack
requests, the fake Slack Web API) and /api/messages (anonymous mode, the fake Bot Connector),
one outbox sender delivering both. Triage is configured on both platforms.

An inquiry opened in Slack gets its card in both triage channels; every change, whichever
side makes it, re-syncs both (chat.update on Slack, PUT of the same activity on Teams); the
requester is answered on the platform they wrote from; a Teams person the bot cannot reach
is a failed notification an admin sees in `inquiry help`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from teams.support import BOT_ID, TENANT, TeamsBot, installed, message

from bot.app import build_runtime, build_web_app
from bot.clock import SettableClock
from bot.config import parse_config
from bot.domain.inquiry import Actor
from bot.ports import MessageRef
from bot.sandbox.fake_teams import FakeConnector
from bot.services import inquiries as svc
from bot.services.refs import find_message
from e2e.harness import HARNESS_DELIVERY, Bot, eventually, serve_local, start_world_fake
from e2e.world import START, TEST_CONFIG, bot_env
from storage.migrate import upgrade_async

TEAMS_TRIAGE = "19:triage@thread.tacv2"
MINJI = "29:user-minji"  # a Teams user who installed the app
STRANGER = "29:user-stranger"  # a Teams user the tenant does not let the bot message
CONFIG: dict[str, Any] = {
    **TEST_CONFIG,
    "channels": {**TEST_CONFIG["channels"], "teams": {"triage": TEAMS_TRIAGE}},
    "teams": [
        {
            "name": "HTS support",
            "manager": "UMANAGER",
            "members": ["USTAFF1", "USTAFF2", MINJI, STRANGER],
        }
    ],
}


@dataclass
class World:
    slack: Bot
    teams: TeamsBot

    @property
    def connector(self) -> FakeConnector:
        return self.teams.connector

    async def card(self, number: int, platform: str) -> MessageRef:
        deps = self.slack.deps
        async with deps.sessions() as session:
            inquiry = await svc.find_inquiry(session, number)
            assert inquiry.id is not None
            ref = await find_message(session, "inquiry", inquiry.id, "card", platform)  # type: ignore[arg-type]
        assert ref is not None, f"no {platform} card for #{number}"
        return ref

    def teams_card(self) -> dict[str, Any]:
        (activity,) = self.connector.messages(TEAMS_TRIAGE)
        content: dict[str, Any] = activity["attachments"][0]["content"]
        return content

    def slack_updates(self, ts: str) -> list[dict[str, Any]]:
        return [c.args for c in self.slack.fake.calls_to("chat.update") if c.args.get("ts") == ts]


def team_installed(service_url: str) -> dict[str, Any]:
    """The conversationUpdate Teams sends when the app is added to the triage channel's team."""
    body = message("", service_url=service_url, user="29:user-admin", conversation=TEAMS_TRIAGE)
    body["conversation"]["conversationType"] = "channel"
    body.pop("text")
    body.update(
        type="conversationUpdate",
        membersAdded=[{"id": BOT_ID}],
        channelData={"tenant": {"id": TENANT}, "team": {"id": TEAMS_TRIAGE, "name": "Support"}},
    )
    return body


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    fake, api = await start_world_fake()
    connector = FakeConnector(allow_create=False)
    await connector.start()
    await upgrade_async(db_url)
    env = bot_env(api, db_url).model_copy(update={"TEAMS_ALLOW_ANONYMOUS": True})
    runtime = build_runtime(
        env, parse_config(CONFIG), clock=SettableClock(START), delivery=HARNESS_DELIVERY
    )
    runner, port = await serve_local(build_web_app(runtime))  # the sender runs in the server
    http = aiohttp.ClientSession()
    url = f"http://127.0.0.1:{port}"
    slack = Bot(fake, runtime, url, http)
    teams = TeamsBot(runtime, connector, url, http)
    for activity in (
        installed(connector.url, user=MINJI, name="Minji"),
        team_installed(connector.url),
    ):
        status, _ = await teams.post(activity)
        assert status in (200, 202)
    yield World(slack, teams)
    await http.close()
    await runner.cleanup()
    await fake.stop()
    await connector.stop()


async def test_an_inquiry_from_slack_has_a_card_on_both_platforms_kept_in_sync(
    world: World,
) -> None:
    slack, deps = world.slack, world.slack.deps
    source = await slack.user_message("UCUST", "C0INTAKE", "the export is broken")
    await eventually(lambda: world.connector.calls and slack.posts("C0TRIAGE"))
    await slack.settle()

    # a card on each platform
    slack_card = await world.card(1, "slack")
    teams_card = await world.card(1, "teams")
    assert slack_card.conversation_id == "C0TRIAGE"
    assert teams_card.conversation_id == TEAMS_TRIAGE
    posted = [c.args for c in slack.fake.calls_to("chat.postMessage")]
    assert any(a.get("channel") == "C0TRIAGE" and a.get("blocks") for a in posted)
    assert [c.op for c in world.connector.calls] == ["send"]
    assert world.teams_card()["body"][0]["text"] == "#1 the export is broken"
    # the requester is answered where they wrote: the Slack thread, nothing in Teams
    thread = [m for m in slack.posts("C0INTAKE") if m.get("thread_ts") == source["ts"]]
    assert thread and "#1" in thread[0]["text"]

    # Slack acts: both cards change (chat.update on Slack, PUT of the same activity on Teams)
    await slack.reply_to("USTAFF1", "assign 1 <@USTAFF2>")
    await slack.settle()
    assert world.slack_updates(slack_card.message_id)
    updates = world.connector.calls_of("update")
    assert [(c.conversation_id, c.activity_id) for c in updates] == [
        (TEAMS_TRIAGE, teams_card.message_id)
    ]
    # a Slack assignee on the Teams card: their stored name (or id) as text, never a mention
    shown = json.dumps(world.teams_card(), ensure_ascii=False)
    assert ("alex" in shown or "USTAFF2" in shown) and "<at>" not in shown

    # a Teams person acts (through the same service as the Teams inbound side): both again
    async with deps.sessions.begin() as session:
        await svc.assign_inquiry(session, deps, 1, Actor(MINJI, True), MINJI)
    async with deps.sessions.begin() as session:
        await svc.resolve_inquiry(session, deps, 1, Actor(MINJI, True), "fixed the export")
    await slack.settle()
    assert len(world.connector.calls_of("update")) == 3
    assert {c.activity_id for c in world.connector.calls_of("update")} == {teams_card.message_id}
    assert len(world.connector.calls_of("send")) == 1  # still one card in Teams
    shown = json.dumps(world.teams_card(), ensure_ascii=False)
    assert "<at>Minji</at>" in shown and "fixed the export" in shown
    assert [a["verb"] for a in world.teams_card()["actions"]] == ["inquiry.reopen"]
    last_slack = world.slack_updates(slack_card.message_id)[-1]
    assert "fixed the export" in json.dumps(last_slack["blocks"], ensure_ascii=False)
    # the requester heard of the resolution in their Slack thread
    thread = [m for m in slack.posts("C0INTAKE") if m.get("thread_ts") == source["ts"]]
    assert any("fixed the export" in m["text"] for m in thread)
    teams_texts = [m.get("text", "") for ms in world.connector.conversations.values() for m in ms]
    assert not any("fixed the export" in t for t in teams_texts)


async def test_a_teams_person_the_bot_cannot_reach_is_shown_to_admins(world: World) -> None:
    slack, deps = world.slack, world.slack.deps
    await slack.reply_to("USTAFF1", "new support 로그인 안됨")
    await slack.settle()
    async with deps.sessions.begin() as session:
        await svc.assign_inquiry(session, deps, 1, Actor("USTAFF1", True), STRANGER)
    await slack.settle()
    assert [c.op for c in world.connector.calls_of("create_conversation")] == [
        "create_conversation"
    ]
    answer = await slack.reply_to("UADMIN", "help")
    assert "not reachable in Teams" in answer
    assert STRANGER in answer
    # the cards still went out on both platforms
    await world.card(1, "slack")
    await world.card(1, "teams")
