"""`/notice` and `/outage` end to end: signed Slack commands in; rows, timers and the fake
Slack's notice-channel posts out (on SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.services.notices import compliance
from e2e.harness import Bot, eventually, start_bot
from e2e.world import KST, TEST_CONFIG
from storage.models import Notice, Outage

CONFIG: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
CONFIG["roles"]["operators"] = ["USTAFF1"]
PLAN = (
    '계획 "HTS 정기 점검" 시작: 2026-12-05 22:00 종료: 2026-12-06 02:00 '
    '서비스: "HTS, MTS" 영향: "접속 불가" 사유: 점검 title_en:"HTS maintenance"'
)


@pytest.fixture
async def nbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, CONFIG)
    yield driver
    await stop()


async def notice_cmd(bot: Bot, user: str, text: str) -> str:
    return await bot.reply_to(user, text, command="/notice")


async def outage_cmd(bot: Bot, user: str, text: str) -> str:
    return await bot.reply_to(user, text, command="/outage")


async def at(bot: Bot, moment: datetime) -> None:
    bot.clock.set(moment)
    await bot.runtime.run_due_work()
    await bot.settle()


def notice_posts(bot: Bot) -> list[dict[str, Any]]:
    return bot.posts("C0NOTICES")


async def notices(bot: Bot) -> list[Notice]:
    async with bot.deps.sessions() as s:
        return list((await s.exec(select(Notice).order_by(Notice.id))).all())  # type: ignore[arg-type]


async def outages(bot: Bot) -> list[Outage]:
    async with bot.deps.sessions() as s:
        return list((await s.exec(select(Outage).order_by(Outage.id))).all())  # type: ignore[arg-type]


async def test_plan_remind_extend_start_complete_threaded(nbot: Bot) -> None:
    answer = await notice_cmd(nbot, "USTAFF1", PLAN)
    assert "N1" in answer and "HTS 정기 점검" in answer
    await nbot.settle()
    posts = notice_posts(nbot)
    assert len(posts) == 1
    first = posts[0]
    assert "[작업 공지 N1] HTS 정기 점검" in first["text"]
    assert "[Notice N1] HTS maintenance" in first["text"]  # the English title in English
    assert "접속 불가" in first["text"] and "정기 점검" in first["text"]
    assert "maintenance" in first["text"]
    (row,) = await notices(nbot)
    assert (row.status, row.lead_ok, row.urgent, row.services) == (
        "planned",
        True,
        False,
        "HTS, MTS",
    )
    # D-1 at Friday 22:00 (wall clock), nothing before
    await at(nbot, datetime(2026, 12, 4, 21, 59, tzinfo=KST))
    assert len(notice_posts(nbot)) == 1
    await at(nbot, datetime(2026, 12, 4, 22, 0, tzinfo=KST))
    posts = notice_posts(nbot)
    assert len(posts) == 2 and "1일 후 시작" in posts[1]["text"]
    assert posts[1]["thread_ts"] == first["ts"]
    # 1 h before
    await at(nbot, datetime(2026, 12, 5, 21, 0, tzinfo=KST))
    assert "1시간 후 시작" in notice_posts(nbot)[2]["text"]
    assert "starts in 1h" in notice_posts(nbot)[2]["text"]
    # extended before it starts; then started at 22:00
    answer = await notice_cmd(nbot, "USTAFF1", "연장 N1 까지: 12월 6일 오전 3시")
    assert "N1" in answer
    await nbot.settle()
    assert "연장" in notice_posts(nbot)[3]["text"]
    await at(nbot, datetime(2026, 12, 5, 22, 0, tzinfo=KST))
    assert "시작했습니다" in notice_posts(nbot)[4]["text"]
    assert (await notices(nbot))[0].status == "running"
    # the old end passes without a post; the new one completes it
    await at(nbot, datetime(2026, 12, 6, 2, 0, tzinfo=KST))
    assert len(notice_posts(nbot)) == 5
    await at(nbot, datetime(2026, 12, 6, 3, 0, tzinfo=KST))
    posts = notice_posts(nbot)
    assert len(posts) == 6 and "끝났습니다" in posts[5]["text"] and "complete" in posts[5]["text"]
    assert all(p["thread_ts"] == first["ts"] for p in posts[1:])
    assert (await notices(nbot))[0].status == "completed"
    # nothing fires twice
    await at(nbot, datetime(2026, 12, 8, 3, 0, tzinfo=KST))
    assert len(notice_posts(nbot)) == 6


async def test_short_lead_needs_urgent_and_is_flagged(nbot: Bot) -> None:
    text = (
        "plan Emergency patch start: 내일 22:00 end: 내일 23:00 services: MTS reason: improvement"
    )
    answer = await notice_cmd(nbot, "USTAFF1", text)
    assert "긴급" in answer or "urgent" in answer
    assert await notices(nbot) == []
    answer = await notice_cmd(nbot, "USTAFF1", text + " urgent")
    assert "N1" in answer
    (row,) = await notices(nbot)
    assert row.urgent and not row.lead_ok and row.reason == "improvement"
    await nbot.settle()
    assert "긴급 작업 공지 N1" in notice_posts(nbot)[0]["text"]
    assert "N2" in await notice_cmd(nbot, "USTAFF1", PLAN)
    async with nbot.deps.reads() as s:
        c6 = await compliance(
            s,
            begin=datetime(2026, 12, 1, tzinfo=KST),
            end=datetime(2027, 1, 1, tzinfo=KST),
        )
    assert (c6.total, c6.on_time, c6.urgent) == (2, 1, [1])
    # planned 2026-12-01 10:00 for 12-02 22:00: D-1 (12-01 22:00) and 1 h before, both ahead
    await at(nbot, datetime(2026, 12, 2, 21, 0, tzinfo=KST))
    assert len([p for p in notice_posts(nbot) if "N1" in p["text"]]) == 3


async def test_reminders_already_past_are_skipped(nbot: Bot) -> None:
    text = "plan Patch start: +3h end: +4h services: MTS urgent"
    assert "N1" in await notice_cmd(nbot, "USTAFF1", text)
    await at(nbot, datetime(2026, 12, 1, 12, 1, tzinfo=KST))
    assert len(notice_posts(nbot)) == 2  # planned, then 1 h before; no "1 day before"
    await at(nbot, datetime(2026, 12, 1, 14, 0, tzinfo=KST))
    assert "시작했습니다" in notice_posts(nbot)[2]["text"]


async def test_cancel_posts_and_stops_the_timers(nbot: Bot) -> None:
    await notice_cmd(nbot, "USTAFF1", PLAN)
    await nbot.settle()
    answer = await notice_cmd(nbot, "USTAFF1", "취소 N1 협력사 일정 변경")
    assert "N1" in answer
    await nbot.settle()
    posts = notice_posts(nbot)
    assert len(posts) == 2 and "취소" in posts[1]["text"] and "협력사 일정 변경" in posts[1]["text"]
    assert posts[1]["thread_ts"] == posts[0]["ts"]
    await at(nbot, datetime(2026, 12, 7, 0, 0, tzinfo=KST))
    assert len(notice_posts(nbot)) == 2
    assert (await notices(nbot))[0].status == "cancelled"
    answer = await notice_cmd(nbot, "USTAFF1", "cancel 1 again")
    assert "N1" in answer  # already over: refused, naming it


async def test_update_reposts_what_changed_and_moves_reminders(nbot: Bot) -> None:
    await notice_cmd(nbot, "USTAFF1", PLAN)
    await nbot.settle()
    answer = await notice_cmd(nbot, "USTAFF1", "변경 N1 시작: 2026-12-05 23:00 영향: 지연")
    assert "N1" in answer
    await nbot.settle()
    text = notice_posts(nbot)[1]["text"]
    assert "변경(시작, 영향)" in text and "changed (start, impact)" in text
    await at(nbot, datetime(2026, 12, 5, 21, 0, tzinfo=KST))
    assert len(notice_posts(nbot)) == 3  # the D-1 one at Fri 23:00 only
    await at(nbot, datetime(2026, 12, 5, 22, 0, tzinfo=KST))
    assert len(notice_posts(nbot)) == 4  # 1 h before 23:00
    assert "1시간 후" in notice_posts(nbot)[3]["text"]


async def test_an_earlier_start_needs_the_lead_or_urgent(nbot: Bot) -> None:
    await notice_cmd(nbot, "USTAFF1", PLAN)
    refused = await notice_cmd(nbot, "USTAFF1", "변경 N1 시작: 내일 22:00")
    assert "긴급" in refused
    assert (await notices(nbot))[0].start_at.astimezone(KST).day == 5
    assert "N1" in await notice_cmd(nbot, "USTAFF1", "변경 N1 시작: 내일 22:00 긴급")
    (row,) = await notices(nbot)
    assert (row.start_at.astimezone(KST).day, row.urgent, row.lead_ok) == (2, True, False)
    # a later start keeps the warning already given
    await notice_cmd(
        nbot, "USTAFF1", "plan Later start:2026-12-07 22:00 end:2026-12-07 23:00 services:A"
    )
    assert "N2" in await notice_cmd(nbot, "USTAFF1", "update N2 start:2026-12-07 22:30")
    assert (await notices(nbot))[1].lead_ok


async def test_list_show_and_permissions(nbot: Bot) -> None:
    await notice_cmd(nbot, "USTAFF1", PLAN)
    listed = await notice_cmd(nbot, "USTAFF2", "list")
    assert "N1" in listed and "HTS 정기 점검" in listed
    shown = await notice_cmd(nbot, "USTAFF2", "보기 n1")
    assert "HTS, MTS" in shown
    refused = await notice_cmd(nbot, "USTAFF2", "취소 N1 no")
    assert "operators" in refused
    refused = await notice_cmd(nbot, "UCUST", "list")
    assert "staff" in refused
    usage = await notice_cmd(nbot, "USTAFF1", "plan Something start: tomorrow")
    assert "Usage" in usage or "사용법" in usage
    usage = await notice_cmd(
        nbot, "USTAFF1", "plan X start:2026-12-05 22:00 end:2026-12-05 23:00 services:A 색상:red"
    )
    assert "색상" in usage
    helped = await notice_cmd(nbot, "UCUST", "도움말")
    assert "/notice" in helped
    missing = await notice_cmd(nbot, "USTAFF1", "show N9")
    assert "N9" in missing
    assert len(await notices(nbot)) == 1


async def test_outage_inside_a_notice_is_planned_and_status_counts_the_rest(nbot: Bot) -> None:
    await notice_cmd(nbot, "USTAFF1", PLAN)
    await at(nbot, datetime(2026, 12, 5, 22, 30, tzinfo=KST))
    answer = await outage_cmd(nbot, "USTAFF1", '시작 "HTS 주문 지연" 서비스: HTS')
    assert "O1" in answer and "N1" in answer
    answer = await outage_cmd(nbot, "USTAFF1", 'start "ARS down" services: ARS impact: "no calls"')
    assert "O2" in answer
    await nbot.settle()
    o1, o2 = await outages(nbot)
    assert (o1.planned, o1.notice_id) == (True, 1)
    assert (o2.planned, o2.notice_id) == (False, None)
    triage = [p["text"] for p in nbot.posts("C0TRIAGE")]
    assert any("장애 O2" in t for t in triage)
    answer = await outage_cmd(nbot, "USTAFF1", "진행 O2 원인 파악 중")
    assert "O2" in answer
    nbot.clock.set(datetime(2026, 12, 5, 23, 31, tzinfo=KST))
    answer = await outage_cmd(nbot, "USTAFF1", '해결 O2 원인: "교환기 재시작"')
    assert "O2" in answer and "1시간" in answer
    await nbot.settle()
    posts = [p for p in notice_posts(nbot) if "O2" in p["text"]]
    assert len(posts) == 3 and all(p["thread_ts"] == posts[0]["ts"] for p in posts[1:])
    assert "교환기 재시작" in posts[2]["text"]
    # each first post is kept current in place; the planned one says so
    assert "(복구됨)" in posts[0]["text"] and "(1시간)" in posts[0]["text"]
    answer = await outage_cmd(nbot, "USTAFF1", "진행 O1 주문 서버 재기동 중")
    await nbot.settle()
    (first,) = [p for p in notice_posts(nbot) if "O1" in p["text"] and not p.get("thread_ts")]
    assert "(진행 중 · 작업 공지 N1 중의 계획된 중단)" in first["text"]
    assert "주문 서버 재기동 중" in first["text"]
    status = await outage_cmd(nbot, "USTAFF2", "현황")
    assert "무장애 0일째" in status or "0 days" in status
    assert "ARS" in status and "HTS" not in status.split("\n", 2)[1]
    nbot.clock.set(datetime(2026, 12, 8, 10, 0, tzinfo=KST))
    status = await outage_cmd(nbot, "USTAFF2", "status")
    assert "3 days" in status or "3일째" in status
    refused = await outage_cmd(nbot, "USTAFF2", "start X services: A")
    assert "operators" in refused


def _text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def _choice(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


async def test_notice_form_opens_checks_fields_and_plans(nbot: Bot) -> None:
    reply = await nbot.command("USTAFF1", "", command="/notice")
    assert reply.status == 200
    await eventually(lambda: nbot.fake.calls_to("views.open"))
    view = nbot.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == "notice-plan-modal"
    assert [b["block_id"] for b in view["blocks"]][:4] == ["title", "title_en", "start", "end"]
    values = {
        "title": _text("MTS 점검"),
        "start": _text("내일 오후 10시"),
        "end": _text("모레"),
        "services": _text(" , "),
        "reason": _choice("improvement"),
        "urgent": _choice("no"),
    }
    reply = await nbot.submit("USTAFF1", view, values)
    errors = json.loads(reply.text)["errors"]
    assert set(errors) == {"end", "services"}  # a day without a time, no service
    values.update(end=_text("12월 2일 23:00"), services=_text("MTS"))
    errors = json.loads((await nbot.submit("USTAFF1", view, values)).text)["errors"]
    assert set(errors) == {"start"} and "긴급" in errors["start"]  # too short a lead
    values.update(urgent=_choice("yes"))
    reply = await nbot.submit("USTAFF1", view, values)
    assert reply.status == 200 and not reply.text
    await nbot.settle()
    (row,) = await notices(nbot)
    assert (row.title, row.services, row.reason, row.urgent) == (
        "MTS 점검",
        "MTS",
        "improvement",
        True,
    )
    assert any("N1" in t for t in nbot.dm_texts("USTAFF1"))
    assert "N1" in notice_posts(nbot)[0]["text"]
    # not an operator: no form
    assert "operators" in await notice_cmd(nbot, "USTAFF2", "")


async def test_hostile_text_is_escaped_in_every_post(nbot: Bot) -> None:
    text = (
        'plan "<!channel> *점검*" start:2026-12-05 22:00 end:2026-12-06 02:00 '
        'services:"<@USTAFF2>" impact:"<https://evil.example|click> & more"'
    )
    assert "N1" in await notice_cmd(nbot, "USTAFF1", text)
    assert "O1" in await outage_cmd(nbot, "USTAFF1", 'start "<!here>" services:"<#C0TRIAGE>"')
    await nbot.settle()
    for post in notice_posts(nbot) + nbot.posts("C0TRIAGE"):
        for bad in ("<!channel>", "<!here>", "<@USTAFF2>", "<https://evil", "<#C0TRIAGE>"):
            assert bad not in post["text"], post["text"]
    assert "@channel" in notice_posts(nbot)[0]["text"]  # Slack markup typed is read as text
