"""Notices in several notice channels: `[channels] notices = ["C0NOTICES", "C0NOTICES2"]` and
two Teams channels. Every post of a notice or an outage goes to every channel, threaded under
that channel's own first post (message_refs `post:<channel>`), also when a change is made
before the first post was delivered; a notice's first post in each channel is rewritten in
place to say how it stands; the refusal of a closed notice names its status in the
reader's language. Signed Slack commands and Teams activities in, the fakes' transcripts out
(SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import aiohttp
import pytest
from sqlmodel import col, select
from teams.support import BOT_ID, TENANT, TeamsBot, message

from bot.app import build_runtime, build_web_app
from bot.clock import SettableClock
from bot.config import parse_config
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.fake_teams import FakeConnector
from bot.services.notices import post_ref
from e2e.harness import HARNESS_DELIVERY, Bot, serve_local, start_bot, start_world_fake
from e2e.world import KST, START, TEST_CONFIG, TOKEN, bot_env
from storage.migrate import upgrade_async
from storage.models import MessageRefRecord

SLACK_CHANNELS = ["C0NOTICES", "C0NOTICES2"]
TEAMS_CHANNELS = ["19:notices@thread.tacv2", "19:customer-notices@thread.tacv2"]
CONFIG: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
CONFIG["channels"]["notices"] = SLACK_CHANNELS
CONFIG["roles"]["operators"] = ["USTAFF1"]
PLAN = (
    'plan "HTS 정기 점검" start:2026-12-05 22:00 end:2026-12-06 02:00 services:"HTS, MTS" '
    'title_en:"HTS maintenance"'
)


def _fake() -> FakeSlack:
    fake = FakeSlack(token=TOKEN)
    fake.add_channel("C0NOTICES2", "notices-customers")
    return fake


@pytest.fixture
async def nbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, CONFIG, fake=_fake())
    yield driver
    await stop()


async def notice_cmd(bot: Bot, user: str, text: str) -> str:
    return await bot.reply_to(user, text, command="/notice")


async def at(bot: Bot, moment: datetime) -> None:
    bot.clock.set(moment)
    await bot.runtime.run_due_work()
    await bot.settle()


def assert_threaded(posts: list[dict[str, Any]]) -> None:
    """The first post is top-level; every later one is in its thread."""
    assert posts and not posts[0].get("thread_ts")
    assert all(p.get("thread_ts") == posts[0]["ts"] for p in posts[1:]), posts


async def refs(bot: Bot, kind: str) -> list[tuple[int, str, str, str]]:
    async with bot.deps.sessions() as s:
        rows = (
            await s.exec(
                select(MessageRefRecord)
                .where(col(MessageRefRecord.object_kind) == kind)
                .order_by(col(MessageRefRecord.id))
            )
        ).all()
    return [(r.object_id, r.ref, r.platform, r.conversation_id) for r in rows]


async def test_every_post_goes_to_every_notice_channel_in_its_own_thread(nbot: Bot) -> None:
    assert "N1" in await notice_cmd(nbot, "USTAFF1", PLAN)
    await nbot.settle()
    for channel in SLACK_CHANNELS:
        (first,) = nbot.posts(channel)
        assert "[작업 공지 N1] HTS 정기 점검" in first["text"]
        assert "[Notice N1] HTS maintenance" in first["text"]
    assert await refs(nbot, "notice") == [
        (1, "post:C0NOTICES", "slack", "C0NOTICES"),
        (1, "post:C0NOTICES2", "slack", "C0NOTICES2"),
    ]
    await at(nbot, datetime(2026, 12, 4, 22, 0, tzinfo=KST))  # D-1
    assert "N1" in await notice_cmd(nbot, "USTAFF1", "update N1 impact:지연")
    assert "N1" in await notice_cmd(nbot, "USTAFF1", "extend N1 until:2026-12-06 03:00")
    await nbot.settle()
    await at(nbot, datetime(2026, 12, 5, 21, 0, tzinfo=KST))  # 1 h before
    await at(nbot, datetime(2026, 12, 5, 22, 0, tzinfo=KST))  # started
    await at(nbot, datetime(2026, 12, 6, 3, 0, tzinfo=KST))  # completed
    words = ["1일 후", "변경(영향)", "연장", "1시간 후", "시작했습니다", "끝났습니다"]
    for channel in SLACK_CHANNELS:
        posts = nbot.posts(channel)
        assert len(posts) == 7, [p["text"] for p in posts]
        assert_threaded(posts)
        for post, word in zip(posts[1:], words, strict=True):
            assert word in post["text"]
        # the first post, rewritten in place at each change, says how it stands now
        assert "(완료)" in posts[0]["text"] and "(completed)" in posts[0]["text"]
        assert "03:00" in posts[0]["text"] and "지연" in posts[0]["text"]
        assert posts[0].get("edited")
    # an outage: in every notice channel too, each channel's updates under its own first post
    out = await nbot.reply_to("USTAFF1", 'start "ARS down" services:ARS', command="/outage")
    assert "O1" in out
    await nbot.reply_to("USTAFF1", "update O1 <!channel> 교환기 점검 중", command="/outage")
    await nbot.reply_to("USTAFF1", 'resolve O1 cause:"교환기 재시작"', command="/outage")
    await nbot.settle()
    for channel in SLACK_CHANNELS:
        posts = [p for p in nbot.posts(channel) if "O1" in p["text"]]
        assert len(posts) == 3
        assert_threaded(posts)
        assert "<!channel>" not in posts[1]["text"] and "교환기 점검 중" in posts[1]["text"]
        # the outage's first post, rewritten in place: resolved, how long, why
        assert posts[0].get("edited") and "(복구됨)" in posts[0]["text"]
        assert "(resolved)" in posts[0]["text"] and "교환기 재시작" in posts[0]["text"]
    assert len([p for p in nbot.posts("C0TRIAGE") if "O1" in p["text"]]) == 2
    assert [r[1] for r in await refs(nbot, "outage")] == ["post:C0NOTICES", "post:C0NOTICES2"]


async def test_a_change_made_before_the_first_post_is_delivered_waits_to_thread(
    nbot: Bot,
) -> None:
    # Slack holds the first post back (429 twice: the client's own retry, then the outbox's)
    nbot.fake.fail("chat.postMessage", retry_after=3, times=2)
    assert "N1" in await notice_cmd(nbot, "USTAFF1", PLAN)
    assert "N1" in await notice_cmd(nbot, "USTAFF1", "update N1 impact:지연")
    assert "N1" in await notice_cmd(nbot, "USTAFF1", "cancel N1 협력사 일정 변경")
    assert nbot.posts("C0NOTICES") == []  # the change came before the first post
    await nbot.settle()
    for channel in SLACK_CHANNELS:
        posts = nbot.posts(channel)
        assert len(posts) == 3, [p["text"] for p in posts]
        assert "[작업 공지 N1]" in posts[0]["text"]
        assert "변경(영향)" in posts[1]["text"] and "취소" in posts[2]["text"]
        assert_threaded(posts)
        assert "(취소)" in posts[0]["text"] and "지연" in posts[0]["text"]


async def test_a_channel_whose_first_post_failed_gets_later_posts_top_level(nbot: Bot) -> None:
    nbot.fake.fail("chat.postMessage", error="not_in_channel")  # C0NOTICES: for good
    assert "N1" in await notice_cmd(nbot, "USTAFF1", PLAN)
    await nbot.settle()
    assert nbot.posts("C0NOTICES") == [] and len(nbot.posts("C0NOTICES2")) == 1
    assert "N1" in await notice_cmd(nbot, "USTAFF1", "update N1 impact:지연")
    await nbot.settle()
    (alone,) = nbot.posts("C0NOTICES")  # the change, on its own: nothing to thread under
    assert "변경(영향)" in alone["text"] and not alone.get("thread_ts")
    assert not alone.get("edited")  # the rewrite of a first post never delivered: skipped
    assert_threaded(nbot.posts("C0NOTICES2"))
    assert "지연" in nbot.posts("C0NOTICES2")[0]["text"]
    updated = [c.args["channel"] for c in nbot.fake.calls_to("chat.update")]
    assert updated == ["C0NOTICES2"]


async def test_a_closed_notice_is_refused_with_its_status_in_the_readers_words(
    nbot: Bot,
) -> None:
    await notice_cmd(nbot, "USTAFF1", PLAN)
    await notice_cmd(nbot, "USTAFF1", "cancel N1 취소 <@USTAFF2> & <!here>")
    refused = await notice_cmd(nbot, "USTAFF1", "변경 N1 영향: 지연")
    assert "N1은 이미 취소로 끝나" in refused and "cancelled" not in refused
    await notice_cmd(
        nbot, "USTAFF1", "plan B start:2026-12-07 22:00 end:2026-12-07 23:00 services:A"
    )
    await at(nbot, datetime(2026, 12, 7, 23, 0, tzinfo=KST))
    refused = await notice_cmd(nbot, "USTAFF1", "연장 N2 까지: 2026-12-08 01:00")
    assert "N2는 이미 완료로 끝나" in refused and "completed" not in refused
    # an admin reading English: the English word
    refused = await notice_cmd(nbot, "UADMIN", "cancel N2 again")  # admins operate too
    assert "already completed" in refused and "완료" not in refused
    for channel in SLACK_CHANNELS:  # the hostile reason is escaped in both channels
        cancelled = [p["text"] for p in nbot.posts(channel) if "N1" in p["text"]][-1]
        assert "<@USTAFF2>" not in cancelled and "<!here>" not in cancelled


# ------------------------------------------------------------------ Slack and Teams together

TEAMS_CONFIG: dict[str, Any] = copy.deepcopy(CONFIG)
TEAMS_CONFIG["channels"]["teams"] = {"notices": TEAMS_CHANNELS}


def channel_installed(service_url: str, channel: str) -> dict[str, Any]:
    body = message("", service_url=service_url, user="29:user-admin", conversation=channel)
    body["conversation"]["conversationType"] = "channel"
    body.pop("text")
    body.update(
        type="conversationUpdate",
        membersAdded=[{"id": BOT_ID}],
        channelData={"tenant": {"id": TENANT}, "team": {"id": channel, "name": "Ops"}},
    )
    return body


@pytest.fixture
async def both(db_url: str) -> AsyncIterator[tuple[Bot, FakeConnector]]:
    fake, api = await start_world_fake(_fake())
    connector = FakeConnector()
    await connector.start()
    await upgrade_async(db_url)
    env = bot_env(api, db_url).model_copy(update={"TEAMS_ALLOW_ANONYMOUS": True})
    runtime = build_runtime(
        env, parse_config(TEAMS_CONFIG), clock=SettableClock(START), delivery=HARNESS_DELIVERY
    )
    runner, port = await serve_local(build_web_app(runtime))
    http = aiohttp.ClientSession()
    url = f"http://127.0.0.1:{port}"
    teams = TeamsBot(runtime, connector, url, http)
    for channel in TEAMS_CHANNELS:
        status, _ = await teams.post(channel_installed(connector.url, channel))
        assert status in (200, 202)
    yield Bot(fake, runtime, url, http), connector
    await http.close()
    await runner.cleanup()
    await fake.stop()
    await connector.stop()


async def test_every_teams_notice_channel_gets_the_notice_and_its_replies(
    both: tuple[Bot, FakeConnector],
) -> None:
    slack, connector = both
    assert "N1" in await slack.reply_to("USTAFF1", PLAN, command="/notice")
    await slack.settle()
    firsts = {}
    for channel in TEAMS_CHANNELS:
        (first,) = connector.messages(channel)
        assert "HTS 정기 점검" in first["text"] and "HTS maintenance" in first["text"]
        firsts[channel] = first["id"]
    slack.clock.set(datetime(2026, 12, 4, 22, 0, tzinfo=KST))
    await slack.runtime.run_due_work()
    assert "N1" in await slack.reply_to(
        "USTAFF1", "cancel N1 <at>x</at> 일정 변경", command="/notice"
    )
    await slack.settle()
    for channel in TEAMS_CHANNELS:
        replies = connector.messages(f"{channel};messageid={firsts[channel]}")
        assert len(replies) == 2, replies
        assert all(r["replyToId"] == firsts[channel] for r in replies)
        assert "1일 후" in replies[0]["text"] and "취소" in replies[1]["text"]
        assert "<at>x</at>" not in replies[1]["text"]
        (first,) = connector.messages(channel)  # rewritten in place: how it stands now
        assert "(취소)" in first["text"] and "(cancelled)" in first["text"]
    for channel in SLACK_CHANNELS:
        posts = slack.posts(channel)
        assert len(posts) == 3
        assert_threaded(posts)
    # an outage's first post in each Teams channel is kept current in place too
    await slack.reply_to("USTAFF1", 'start "ARS down" services:ARS', command="/outage")
    await slack.reply_to("USTAFF1", "update O1 <at>x</at> 교환기 점검 중", command="/outage")
    await slack.settle()
    for channel in TEAMS_CHANNELS:
        (first,) = [m for m in connector.messages(channel) if "O1" in m["text"]]
        assert "(진행 중)" in first["text"] and "(ongoing)" in first["text"]
        assert "교환기 점검 중" in first["text"] and "<at>x</at>" not in first["text"]
    teams_refs = [r for r in await refs(slack, "notice") if r[2] == "teams"]
    assert teams_refs == [(1, post_ref(channel), "teams", channel) for channel in TEAMS_CHANNELS]
    # a Teams channel id is too long for the column: a stable digest names it
    assert all(len(post_ref(c)) <= 20 for c in TEAMS_CHANNELS)
    assert post_ref(TEAMS_CHANNELS[0]) != post_ref(TEAMS_CHANNELS[1])
