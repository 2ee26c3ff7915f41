"""`notice …` / `공지 …` and `outage …` / `장애 …` typed to the bot in Teams: every
subcommand reaches the notice command service and is answered in the conversation (the real
server in anonymous mode, the fake Bot Connector; on SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select

from storage.models import Notice, Outage
from teams.inbound_world import (
    ALEX,
    CUSTOMER,
    STAFF,
    TEAMS_CONFIG,
    act,
    ask,
    card_in,
    invoke,
    text_of,
)
from teams.support import TeamsBot, start_teams_bot

CONFIG: dict[str, Any] = copy.deepcopy(TEAMS_CONFIG)
CONFIG["roles"]["operators"] = ["Minji"]
PLAN = (
    '공지 계획 "HTS 정기 점검" 시작: 12월 5일 오후 10시 종료: 12월 6일 오전 2시 '
    '서비스: "HTS, MTS" 영향: "접속 불가" 사유: 점검'
)


@pytest.fixture
async def tbot(db_url: str) -> AsyncIterator[TeamsBot]:
    bot, stop = await start_teams_bot(db_url, anonymous=True, config=CONFIG)
    yield bot
    await stop()


async def rows(bot: TeamsBot) -> tuple[list[Notice], list[Outage]]:
    async with bot.runtime.deps.sessions() as s:
        notices = list((await s.exec(select(Notice))).all())
        outages = list((await s.exec(select(Outage))).all())
    return notices, outages


async def test_every_notice_subcommand_in_korean(tbot: TeamsBot) -> None:
    answer = text_of(await ask(tbot, PLAN, locale="ko-KR"))
    assert "N1" in answer and "등록했습니다" in answer
    (notice,), _ = await rows(tbot)
    assert notice.start_at.astimezone(tbot.runtime.deps.tz).strftime("%m-%d %H:%M") == "12-05 22:00"
    assert "N1" in text_of(await ask(tbot, "공지 목록", user=ALEX, locale="ko-KR"))
    assert "HTS, MTS" in text_of(await ask(tbot, "공지 보기 N1", user=ALEX))
    assert "N1" in text_of(await ask(tbot, "공지 변경 N1 영향: 지연", locale="ko-KR"))
    assert "N1" in text_of(await ask(tbot, "notice extend n1 until: 2026-12-06 03:00"))
    assert "N1" in text_of(await ask(tbot, "공지 취소 1번 일정 변경", locale="ko-KR"))
    (notice,), _ = await rows(tbot)
    assert (notice.status, notice.impact, notice.cancel_reason) == (
        "cancelled",
        "지연",
        "일정 변경",
    )
    assert "/notice" in text_of(await ask(tbot, "notice help"))


async def test_every_outage_subcommand(tbot: TeamsBot) -> None:
    assert "O1" in text_of(await ask(tbot, 'outage start "Order delay" services: HTS'))
    assert "O1" in text_of(await ask(tbot, "장애 진행 O1 원인 파악 중", locale="ko-KR"))
    assert "O1" in text_of(await ask(tbot, '장애 해결 O1 원인: "DB 잠금"', locale="ko-KR"))
    status = text_of(await ask(tbot, "outage status", user=ALEX))
    assert "0 days without an outage" in status and "HTS" in status
    _, (outage,) = await rows(tbot)
    assert (outage.status, outage.cause, outage.planned) == ("resolved", "DB 잠금", False)


async def test_refusals(tbot: TeamsBot) -> None:
    assert "operators" in text_of(
        await ask(tbot, PLAN.replace("공지 계획", "notice plan"), user=ALEX)
    )
    assert "staff" in text_of(await ask(tbot, "notice list", user=CUSTOMER))
    assert "Usage" in text_of(await ask(tbot, "notice plan x", user=STAFF))
    assert await rows(tbot) == ([], [])


async def test_help_lists_the_commands_for_staff(tbot: TeamsBot) -> None:
    assert "notice plan" in text_of(await ask(tbot, "help"))


async def test_the_notice_form_card(tbot: TeamsBot) -> None:
    card = card_in(await ask(tbot, "공지", locale="ko-KR"))
    ids = [e.get("id") for e in card["body"] if e.get("id")]
    assert ids[:4] == ["title", "title_en", "start", "end"]
    (submit,) = card["actions"]
    data = {
        "form": "notice",
        "title": "MTS 점검",
        "start": "12월 5일 22:00",
        "end": "x",
        "services": "",
    }
    answer = await act(tbot, invoke(tbot, submit["verb"], data))
    again = answer["value"]
    errors = " ".join(str(e.get("text")) for e in again["body"] if e.get("color") == "Attention")
    assert "end:" in errors and "services:" in errors
    assert [e.get("value") for e in again["body"] if e.get("id") == "title"] == ["MTS 점검"]
    data.update(end="12월 6일 01:00", services="MTS, HTS")
    answer = await act(tbot, invoke(tbot, submit["verb"], data))
    assert "N1" in str(answer["value"])
    (notice,), _ = await rows(tbot)
    assert notice.services == "MTS, HTS"
