"""The daily digest with the charter features' sections, end to end: visits, callbacks,
notices, outages and complaints made with the real commands through the real server (signed
Slack requests), then the manager's digest as the scheduler's job posts it to fake Slack;
and App Home per role with the features' panels (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from e2e.harness import Bot, start_bot
from e2e.world import KST, TEST_CONFIG
from support.polling import eventually

from bot.sandbox.fake_slack import validate_view
from bot.scheduler import run_digest_job

CONFIG: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
CONFIG["roles"]["operators"] = ["USTAFF1"]
CONFIG["rooms"] = [{"name": "접견실 1", "capacity": 4, "floor": "3F"}]
NOTICE = (
    '계획 "HTS 정기 점검" 시작: 2026-12-07 22:00 종료: 2026-12-08 02:00 '
    '서비스: "HTS" 영향: "접속 불가" 사유: 점검'
)


@pytest.fixture
async def fbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, CONFIG)
    yield driver
    await stop()


async def _charter_day(bot: Bot) -> None:
    """Tuesday 1 December: a visitor booked for Wednesday, a call nobody returns, a notice
    planned for next Monday, an outage resolved, a complaint about minji."""
    answer = await bot.reply_to(
        "USTAFF2",
        'register 홍길동 company:"미래에셋증권" host:<@USTAFF1> at:2026-12-02 11:00',
        command="/visitor",
        channel="C0RECEPTION",
    )
    assert "V1" in answer, answer
    answer = await bot.reply_to(
        "URECEPTION",
        '<@USTAFF1> 김철수 회사: "삼성증권" 전화: 02-1234-5678 주제: "체결 통보 누락"',
        command="/callback",
    )
    assert "CB1" in answer, answer
    assert "N1" in await bot.reply_to("USTAFF1", NOTICE, command="/notice")
    assert "O1" in await bot.reply_to(
        "USTAFF1", '시작 "HTS 주문 지연" 서비스: HTS', command="/outage"
    )
    assert "O1" in await bot.reply_to("USTAFF1", '해결 O1 원인: "재시작"', command="/outage")
    answer = await bot.reply_to(
        "USTAFF2", "complaint <@USTAFF1> shouted at a customer", command="/feedback"
    )
    assert "K1" in answer, answer
    await bot.settle()


def _digests(bot: Bot, user: str) -> list[dict[str, Any]]:
    channel = bot.fake.dm_channel_for(user)
    return [m for m in bot.fake.messages(channel) if "📋" in (m.get("text") or "")]


async def test_the_managers_digest_holds_the_feature_sections(fbot: Bot) -> None:
    bot = fbot
    await _charter_day(bot)
    bot.clock.set(datetime(2026, 12, 2, 8, 30, tzinfo=KST))  # Wednesday's digest
    assert await run_digest_job(bot.deps) == 1
    await bot.settle()
    [digest] = _digests(bot, "UMANAGER")
    blocks = json.dumps(digest["blocks"], ensure_ascii=False)
    order = [
        "오늘 내방객과 고객 방문",
        "5분 안에 회신하지 못한 전화",
        "진행 중이거나 예정된 작업 공지",
        "무장애 1일째",
        "검토를 기다리는 불친절 신고",
    ]
    places = [blocks.index(heading) for heading in order]
    assert places == sorted(places), "the sections in their rank order"
    assert "V1 홍길동 · 미래에셋증권" in blocks and "<@USTAFF1>" in blocks
    assert "CB1 체결 통보 누락" in blocks and "아직 회신 전화 없음" in blocks
    assert "HTS 정기 점검" in blocks and "N1" in blocks
    assert "K1" in blocks and "shouted" not in blocks  # never the complaint's text
    assert "02-1234-5678" not in blocks
    # the notice's item links to its post in the notices channel (its stored permalink)
    assert "|N1>" in blocks


async def _home(bot: Bot, user: str) -> str:
    before = len(bot.fake.calls_to("views.publish"))
    await bot.event({"type": "app_home_opened", "user": user, "tab": "home"})
    await eventually(lambda: len(bot.fake.calls_to("views.publish")) > before)
    call = [c for c in bot.fake.calls_to("views.publish") if c.args["user_id"] == user][-1]
    view = call.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert validate_view(view, home_only=True) == []
    assert len(view["blocks"]) <= 100
    return json.dumps(view["blocks"], ensure_ascii=False)


async def test_dashboards_per_role_with_the_feature_panels(fbot: Bot) -> None:
    bot = fbot
    await _charter_day(bot)
    bot.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=KST))
    answer = await bot.reply_to(
        "URECEPTION", "도착 V1 출입증:17 신분증:여권 보관함:4", command="/visitor"
    )
    assert "V1" in answer, answer
    answer = await bot.reply_to(
        "USTAFF2",
        "register 이영희 host:<@USTAFF2> at:2026-12-02 15:00",
        command="/visitor",
        channel="C0RECEPTION",
    )
    assert "V2" in answer, answer
    await bot.settle()
    staff = await _home(bot, "USTAFF1")
    assert "오늘 내 방문 일정* (1)" in staff and "V1 홍길동" in staff
    assert "내 회신 전화* (1)" in staff and "CB1" in staff
    assert "팀 내방객" not in staff and "불친절" not in staff and "출입증" not in staff
    manager = await _home(bot, "UMANAGER")
    assert "팀 현황" in manager and "오늘 팀 내방객* (2)" in manager
    assert "검토할 불친절 신고* (1)" in manager and "K1" in manager
    assert "shouted" not in manager
    desk = await _home(bot, "URECEPTION")
    assert "오늘 방문 현황* (2)" in desk and "예정 1 · 도착 1" in desk
    assert "지금 접견실" in desk and "접견실 1" in desk
    assert "반납되지 않은 출입증·신분증* (1)" in desk and "출입증 17" in desk
    assert "불친절" not in desk and "팀 현황" not in desk
    other = await _home(bot, "USTAFF2")
    assert "My visits and field visits today* (1)" in other and "V2" in other
    assert "shouted" not in other and "V1 " not in other
