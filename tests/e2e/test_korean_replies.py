"""Issue 17 audit: what a Korean user reads in command answers, end to end on Slack (signed
requests, the fake Web API's transcript; SQLite and PostgreSQL). Moments and days are written
`12월 4일(금) 15:00`, never as ISO text or a stored mark; durations in Korean words; no English
error text; particles fit the word they follow."""

from __future__ import annotations

import copy
import json
from datetime import datetime

from bot.scheduler import run_digest_job
from e2e.harness import KST, TEST_CONFIG, Bot, start_bot


def first_line(reply: str) -> str:
    return reply.split("\n", 1)[0]


async def test_away_answers_write_the_moment_for_the_reader(bot: Bot) -> None:
    # the test clock: Tuesday 2026-12-01 10:00 KST
    reply = await bot.reply_to("USTAFF1", "까지: 17:00 대리: <@USTAFF2>", command="/away")
    assert first_line(reply) == (
        "12월 1일(화) 17:00까지 부재로 설정했습니다. 콜백과 알림은 <@USTAFF2>님에게 갑니다."
    )
    status = await bot.reply_to("USTAFF1", "", command="/away")
    assert first_line(status).startswith("12월 1일(화) 17:00까지 부재 중")
    # a whole day off: `까지: 금요일` ends at Saturday's midnight, and is told as Friday
    reply = await bot.reply_to("USTAFF1", "까지: 금요일", command="/away")
    assert first_line(reply) == "12월 4일(금)까지 부재로 설정했습니다. 콜백과 알림은 팀에게 갑니다."
    reply = await bot.reply_to("USTAFF1", "until: 9:00", command="/away")
    assert first_line(reply) == "12월 1일(화) 09:00는 이미 지났습니다."


async def test_away_with_a_bad_duration_answers_in_korean(bot: Bot) -> None:
    reply = await bot.reply_to("USTAFF1", "까지: +99999일", command="/away")
    assert first_line(reply) == "부재는 60일까지만 설정할 수 있습니다."
    reply = await bot.reply_to("USTAFF1", "까지: +0분", command="/away")
    assert first_line(reply).startswith("'+0분'은 시각으로 읽을 수 없습니다")
    reply = await bot.reply_to("USTAFF1", "까지: 곧", command="/away")
    assert first_line(reply).startswith("'곧'은 시각으로 읽을 수 없습니다")


async def test_a_callback_logged_after_hours_says_when_it_starts(db_url: str) -> None:
    evening = datetime(2026, 12, 1, 20, 0, tzinfo=KST)
    bot, stop = await start_bot(db_url, start=evening)
    try:
        reply = await bot.reply_to(
            "URECEPTION", "<@USTAFF1> 홍길동 전화: 02-1234-5678 주제: 체결", command="/callback"
        )
        assert "12월 2일(수) 09:00" in first_line(reply) and "$t" not in reply
    finally:
        await stop()


async def test_visit_room_and_field_visit_answers_write_days_for_the_reader(bot: Bot) -> None:
    await bot.reply_to(
        "USTAFF1",
        "등록 홍길동 회사: 미래에셋 담당: <@USTAFF1> 시각: 내일 오후 3시",
        command="/visitor",
    )
    cancelled = await bot.reply_to("USTAFF1", "등록 김철수 시각: 내일 16:00", command="/visitor")
    assert first_line(cancelled).startswith("방문 *V2를* 등록했습니다: 김철수")
    cancelled = await bot.reply_to("USTAFF1", "취소 V2 일정 변경", command="/visitor")
    assert first_line(cancelled) == "김철수 님의 방문(*V2*)을 취소했습니다."  # a sentence
    listed = await bot.reply_to("USTAFF1", "목록 내일", command="/visitor")
    assert first_line(listed) == "*12월 2일(수) 방문* (2건)"  # the cancelled one too
    booked = await bot.reply_to("USTAFF1", '예약 "접견실 1" 내일 14:00-15:00 회의', command="/room")
    assert first_line(booked) == "접견실을 예약했습니다(*R1*): 접견실 1 · 12월 2일(수) 14:00-15:00"
    board = await bot.reply_to("USTAFF1", "오늘 내일", command="/room")
    assert first_line(board) == "*12월 2일(수) 접견실 현황*"
    await bot.reply_to(
        "USTAFF1", "계획 미래에셋증권 시각: 금요일 오전 10시 목적: 설명", command="/fieldvisit"
    )
    planned = await bot.reply_to("USTAFF1", "목록", command="/fieldvisit")
    assert "*F1* 12월 4일(금) 10:00 미래에셋증권" in planned
    assert "보고 기한 12월 7일(월) 12:00" in planned
    assert "2026-12" not in planned + listed + booked + board


async def test_refused_inquiry_dates_are_written_for_the_reader(bot: Bot) -> None:
    far = await bot.reply_to("USTAFF1", "새 규제 미래 마감: 2046-11-01!")
    assert first_line(far) == "2046년 11월 1일(목)은 너무 먼 날짜입니다. 10년 안의 날짜를 쓰세요."
    past = await bot.reply_to("USTAFF1", "새 규제 과거 마감: 2026-11-02")
    assert first_line(past) == "마감일 11월 2일(월)은 이미 지났습니다."


async def test_notice_durations_are_in_korean_words(db_url: str) -> None:
    config = copy.deepcopy(TEST_CONFIG)
    config["roles"] = {**config["roles"], "operators": ["USTAFF1"]}
    bot, stop = await start_bot(db_url, config)
    try:
        help_text = await bot.reply_to("USTAFF1", "도움말", command="/notice")
        assert "시작보다 최소 3영업일 전에" in help_text
        assert "알림은 시작 1일, 1시간 전" in help_text
        short = await bot.reply_to(
            "USTAFF1",
            "계획 HTS 점검 시작: 내일 22시 종료: 모레 02:00 서비스: HTS",
            command="/notice",
        )
        assert first_line(short).startswith("작업 공지는 시작 3영업일 전까지 해야 합니다")
        assert "bd" not in short
    finally:
        await stop()


async def test_the_digest_writes_its_day_and_deadlines_for_the_reader(bot: Bot) -> None:
    assert "#1" in await bot.reply_to("USTAFF1", "새 규제 약관 개정 마감: 12월 2일 <@USTAFF1>")
    bot.clock.set(datetime(2026, 12, 2, 8, 30, tzinfo=KST))
    assert await run_digest_job(bot.deps) == 1
    await bot.settle()
    [digest] = [
        m
        for m in bot.fake.messages(bot.fake.dm_channel_for("UMANAGER"))
        if "📋" in (m.get("text") or "")
    ]
    text = json.dumps(digest["blocks"], ensure_ascii=False)
    assert "📋 *일일 요약* — HTS support, 12월 2일(수)" in text
    assert "기한 12월 2일(수) 18:00" in text
    assert "2026-12-02" not in text


async def test_a_complaint_case_writes_its_dates_for_the_reader(bot: Bot) -> None:
    await bot.reply_to("UCUST2", "불만 <@USTAFF2> 불친절했음", command="/feedback")
    await bot.reply_to("UMANAGER", "확인 K1 녹취 확인", command="/feedback")
    await bot.reply_to("UMANAGER", "조치 K1 교육 기한: 12월 4일", command="/feedback")
    shown = await bot.reply_to("UMANAGER", "보기 K1", command="/feedback")
    assert "시정 조치: 교육 (기한 12월 4일(금))" in shown
    assert "검토 기한 12월 2일(수) 10:00" in shown
    assert "$t" not in shown and "2026-12" not in shown
    await bot.settle()
    told = bot.dm_texts("USTAFF2")  # alex reads English
    assert any("(by Fri 4 Dec)" in text for text in told), told


async def test_a_callbacks_steps_name_the_rung_in_the_readers_words(bot: Bot) -> None:
    await bot.reply_to(
        "USTAFF1",
        "<@USTAFF2> 박고객 회사: 미래에셋 전화: 010-1234-5678 주제: 로그인",
        command="/callback",
    )
    shown = await bot.reply_to("USTAFF1", "보기 CB1", command="/callback")
    assert "<@USTAFF2>님에게 전달 (담당자)" in shown and "(owner)" not in shown
    assert "(owner)" in await bot.reply_to("USTAFF2", "show CB1", command="/callback")


async def test_bad_relative_etas_are_refused_in_korean(bot: Bot) -> None:
    assert "#1" in await bot.reply_to("USTAFF1", "새 지원 로그인 오류")
    weeks = await bot.reply_to("USTAFF1", "예상 1번 +2주")
    assert first_line(weeks).startswith("예상 시각 '+2주'를 읽을 수 없습니다.")
    long = await bot.reply_to("USTAFF1", "예상 #1 +99999일")
    assert first_line(long) == "'+99999일'은 너무 깁니다. 10년 안으로 적어 주세요."
    kept = await bot.reply_to("USTAFF1", "예상 제1호 +3영업일")
    assert first_line(kept).endswith("12월 4일(금) 10:00")
