"""`/visitor`, `/room`, `/fieldvisit` end to end on Slack: signed requests in, database rows
and the fake Web API's transcript out (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from support.polling import eventually

from e2e.harness import KST, TEST_CONFIG, Bot, start_bot
from storage.models import FieldVisit, Inquiry, InquiryEvent, RoomBooking, Visit, VisitEvent

CONFIG: dict[str, Any] = {
    **TEST_CONFIG,
    "rooms": [
        {"name": "접견실 1", "capacity": 4, "floor": "3F"},
        {"name": "접견실 2", "capacity": 2},
    ],
    "visitors": {"host_grace": "2m"},
}
HOST = "<@USTAFF1|minji>"


@pytest.fixture
async def vbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, CONFIG)
    yield driver
    await stop()


async def advance(bot: Bot, minutes: float) -> None:
    """Move the clock and run what is due, as the scheduler would."""
    bot.clock.advance(timedelta(minutes=minutes))
    await bot.runtime.run_due_work()
    await bot.settle()


async def visitor(bot: Bot, user: str, text: str) -> str:
    return await bot.reply_to(user, text, command="/visitor", channel="C0RECEPTION")


async def visits(bot: Bot) -> list[Visit]:
    async with bot.deps.sessions() as s:
        return list((await s.exec(select(Visit).order_by(Visit.id))).all())  # type: ignore[arg-type]


async def events(bot: Bot, visit_id: int) -> list[str]:
    async with bot.deps.sessions() as s:
        rows = (
            await s.exec(
                select(VisitEvent).where(VisitEvent.visit_id == visit_id).order_by(VisitEvent.id)  # type: ignore[arg-type]
            )
        ).all()
    return [e.kind for e in rows]


async def until(bot: Bot, check: Any, timeout: float = 10.0) -> None:
    """Wait until the (first) visit passes check: clicks are handled after their ack."""
    for _ in range(int(timeout / 0.05)):
        rows = await visits(bot)
        if rows and check(rows[0]):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the visit never got there")


async def posted(bot: Bot, check: Any, timeout: float = 10.0) -> None:
    """Wait (delivering) until check() holds: clicks and forms run after their ack."""
    for _ in range(int(timeout / 0.05)):
        await bot.settle()
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never posted")


def texts(bot: Bot, channel: str) -> list[str]:
    return [m["text"] for m in bot.posts(channel)]


def dm_actions(bot: Bot, user: str) -> list[str]:
    channel = bot.fake.dm_channel_for(user)
    return [
        e["action_id"]
        for m in bot.fake.messages(channel)
        for b in m.get("blocks") or []
        if b.get("type") == "actions"
        for e in b["elements"]
    ]


async def test_desk_walks_a_visit_from_registration_to_check_out(vbot: Bot) -> None:
    bot = vbot
    answer = await visitor(
        bot,
        "USTAFF2",
        f'register 홍길동 company:"미래에셋증권" host:{HOST} at:2026-12-01 11:00 '
        'room:"접견실 1" purpose:"API 연동 협의" count:2 phone:010-1234-5678',
    )
    assert "V1" in answer and "Tue 1 Dec, 11:00" in answer  # alex reads English
    [v] = await visits(bot)
    assert (v.visitor, v.company, v.host_id, v.room, v.headcount, v.status) == (
        "홍길동",
        "미래에셋증권",
        "USTAFF1",
        "접견실 1",
        2,
        "expected",
    )
    await bot.settle()
    assert any("V1" in t for t in bot.dm_texts("USTAFF1")), "the host hears of a visit for them"
    # reception: arrival with badge, ID type and tray slot (Korean keys)
    answer = await visitor(bot, "URECEPTION", "도착 V1 출입증:17 신분증:여권 보관함:4")
    assert "V1" in answer
    await bot.settle()
    assert any("V1" in t and "홍길동" in t for t in texts(bot, "C0RECEPTION"))
    assert {"visit-coming", "visit-decline", "visit-send-room"} <= set(dm_actions(bot, "USTAFF1"))
    # double arrival is refused and names the time
    again = await visitor(bot, "URECEPTION", "arrived V1 badge:18")
    assert "V1" in again and "10:00" in again
    answer = await visitor(bot, "URECEPTION", 'seated V1 room:"접견실 2"')
    assert "V1" in answer and "접견실 2" in answer
    await bot.settle()
    assert "visit-met" in dm_actions(bot, "USTAFF1")
    # 11:00 is the visit time: grace 2m → nudge at 11:02, team at 11:04
    await advance(bot, 62)
    assert any("⏰" in t for t in bot.dm_texts("USTAFF1"))
    assert not any("V1" in t for t in bot.dm_texts("UMANAGER"))
    await advance(bot, 2)
    assert any("V1" in t for t in bot.dm_texts("UMANAGER"))
    assert any("V1" in t for t in bot.dm_texts("USTAFF2"))
    assert any("⚠" in t and "V1" in t for t in texts(bot, "C0RECEPTION"))
    # the host confirms from the DM
    reply = await bot.click("USTAFF1", "visit-met", "1", channel=bot.fake.dm_channel_for("USTAFF1"))
    assert reply.status == 200
    await until(bot, lambda v: v.met_at is not None)
    await bot.settle()
    [v] = await visits(bot)
    assert v.status == "met" and v.met_at is not None
    assert any("✅" in t for t in texts(bot, "C0RECEPTION"))
    # no more rungs after the confirmation
    before = len(bot.dm_texts("UMANAGER"))
    await advance(bot, 30)
    assert len(bot.dm_texts("UMANAGER")) == before
    answer = await visitor(bot, "URECEPTION", "퇴실 V1")
    assert "visit-badge-back" in answer and "visit-id-back" in answer
    await bot.click("URECEPTION", "visit-badge-back", "1", channel="C0RECEPTION")
    await bot.click("URECEPTION", "visit-id-back", "1", channel="C0RECEPTION")

    await until(bot, lambda v: v.badge_returned and v.id_returned)
    [v] = await visits(bot)
    assert (v.status, v.badge, v.id_type, v.slot, v.badge_returned, v.id_returned) == (
        "left",
        "17",
        "passport",
        "4",
        True,
        True,
    )
    kinds = await events(bot, 1)
    assert kinds[:5] == ["registered", "arrived", "seated", "met", "left"]
    assert sorted(kinds[5:]) == ["badge_returned", "id_returned"]  # two clicks, any order
    today = await visitor(bot, "USTAFF1", "오늘")
    assert "V1" in today and "퇴실" in today


async def test_only_reception_runs_the_desk_and_customers_get_nothing(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF2", f"register Kim host:{HOST} at:2026-12-01 15:00")
    refused = await visitor(bot, "USTAFF2", "arrived V1 badge:1")
    assert "안내데스크" in refused or "reception" in refused.lower()
    customer = await visitor(bot, "UCUST", "today")
    assert "staff" in customer.lower()
    [v] = await visits(bot)
    assert v.status == "expected"


async def test_walkin_alerts_the_host_who_answers_from_the_dm(vbot: Bot) -> None:
    bot = vbot
    answer = await visitor(
        bot, "URECEPTION", 'walkin 김철수 company:"한빛증권" host:<@USTAFF2|alex>'
    )
    assert "V1" in answer
    await bot.settle()
    assert "visit-coming" in dm_actions(bot, "USTAFF2")
    await bot.click("USTAFF2", "visit-coming", "1", channel=bot.fake.dm_channel_for("USTAFF2"))
    await posted(bot, lambda: any("USTAFF2" in t for t in texts(bot, "C0RECEPTION")[-1:]))
    # can't meet now: the reason modal, then reception and the team are told
    await bot.click("USTAFF2", "visit-decline", "1", channel=bot.fake.dm_channel_for("USTAFF2"))
    await eventually(lambda: bool(bot.fake.calls_to("views.open")))
    [call] = bot.fake.calls_to("views.open")
    view = call.args["view"]
    assert view["callback_id"] == "visit-reason-modal"
    await bot.submit(
        "USTAFF2", view, {"reason": {"type": "plain_text_input", "value": "고객 장애 대응 중"}}
    )
    await posted(bot, lambda: any("고객 장애 대응 중" in t for t in texts(bot, "C0RECEPTION")))
    assert any("고객 장애 대응 중" in t for t in bot.dm_texts("UMANAGER"))


async def test_rooms_refuse_overlaps_and_show_the_board(vbot: Bot) -> None:
    bot = vbot
    room = lambda text: bot.reply_to("USTAFF1", text, command="/room")
    first = await room('book "접견실 1" 2026-12-01 14:00-15:00 주간회의')
    assert "R1" in first
    clash = await room('예약 "접견실1" 2026-12-01 14:30-15:30 다른 회의')
    assert "R1" in clash and "14:00-15:00" in clash
    # a visit with the room books it for its time: it clashes too
    refused = await visitor(
        bot, "USTAFF1", 'register Lee host:<@USTAFF1|minji> at:2026-12-01 14:30 room:"접견실 1"'
    )
    assert "R1" in refused
    assert await visits(bot) == []  # nothing of a refused registration stays
    over = await visitor(
        bot, "USTAFF1", 'register Park at:2026-12-01 16:00 room:"접견실 2" count:5'
    )
    assert "V" in over and "⚠" in over
    board = await room("")
    assert "접견실 1" in board and "접견실 2" in board and "14:00-15:00" in board
    past = await room('book "접견실 2" 2026-11-30 14:00-15:00')
    assert "지난 시각" in past and "R2" not in past  # a booking already over is refused
    released = await room("해제 R1")
    assert "R1" in released
    async with bot.deps.sessions() as s:
        rows = (await s.exec(select(RoomBooking).order_by(RoomBooking.id))).all()  # type: ignore[arg-type]
    assert rows[0].released_at is not None


async def test_reminders_fall_on_the_business_day_before(db_url: str) -> None:
    # Friday 2026-12-25 is Christmas: a Monday 12-28 visit is reminded on Thursday 12-24 17:00
    bot, stop = await start_bot(db_url, CONFIG, start=datetime(2026, 12, 23, 10, 0, tzinfo=KST))
    try:
        await visitor(bot, "USTAFF1", "register Choi at:2026-12-28 10:00")
        async with bot.deps.sessions() as s:
            from bot.services.timers import pending

            planned = {t.kind: t.due_at.astimezone(KST) for t in await pending(s)}
        assert planned["visit.day_before"] == datetime(2026, 12, 24, 17, 0, tzinfo=KST)
        assert planned["visit.before"] == datetime(2026, 12, 28, 9, 30, tzinfo=KST)
        bot.clock.set(datetime(2026, 12, 24, 17, 1, tzinfo=KST))
        await bot.runtime.run_due_work()
        await bot.settle()
        assert any("Choi" in t for t in bot.dm_texts("USTAFF1"))
    finally:
        await stop()


async def test_end_of_day_lists_badges_and_ids_still_out(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    await visitor(bot, "USTAFF1", "register B at:2026-12-01 11:00")
    await visitor(bot, "URECEPTION", "arrived V1 badge:7 id:운전면허증 slot:2")
    await visitor(bot, "URECEPTION", "arrived V2 badge:8")
    await visitor(bot, "URECEPTION", "left V2")
    await visitor(bot, "URECEPTION", "returned V2 badge")
    bot.clock.set(datetime(2026, 12, 1, 18, 0, 30, tzinfo=KST))
    await bot.runtime.run_due_work()
    await bot.settle()
    [eod] = [t for t in texts(bot, "C0RECEPTION") if "📋" in t]
    assert "V1" in eod and "V2" not in eod


async def test_end_of_day_says_nothing_when_all_is_back(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    await visitor(bot, "URECEPTION", "arrived V1 badge:7")
    await visitor(bot, "URECEPTION", "left V1")
    await visitor(bot, "URECEPTION", "returned V1")
    bot.clock.set(datetime(2026, 12, 1, 18, 1, tzinfo=KST))
    await bot.runtime.run_due_work()
    await bot.settle()
    assert not [t for t in texts(bot, "C0RECEPTION") if "📋" in t]


RRN = "900101-1234567"


@pytest.mark.parametrize(
    "text",
    [
        f"register 홍길동 host:{HOST} at:2026-12-01 15:00 notes:{RRN}",
        'register 홍길동 at:2026-12-01 15:00 메모:"신분증 9001011234567"',
        "arrived V1 badge:17 id:M12345678",
        "walkin 김 host:<@USTAFF1> 메모:11-12-345678-90",
    ],
)
async def test_id_numbers_are_refused_and_leave_no_trace(
    vbot: Bot, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = vbot
    caplog.set_level(logging.DEBUG)
    answer = await visitor(bot, "URECEPTION", text)
    assert "24" in answer  # PIPA Art. 24-2, named in the refusal
    await bot.settle()
    assert await visits(bot) == []
    digits = "".join(ch for ch in text.split(":")[-1] if ch.isdigit())[-7:]
    _assert_nowhere(bot, caplog, digits)


async def test_id_number_in_the_form_is_refused_under_its_field(
    vbot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = vbot
    caplog.set_level(logging.DEBUG)
    reply = await bot.command("USTAFF1", "", command="/visitor")
    assert reply.status == 200
    await eventually(lambda: bool(bot.fake.calls_to("views.open")))
    view = bot.fake.calls_to("views.open")[0].args["view"]
    assert view["callback_id"] == "visit-new-modal"
    values = {
        "visitor": {"type": "plain_text_input", "value": "홍길동"},
        "host": {"type": "users_select", "selected_user": "USTAFF1"},
        "date": {"type": "datepicker", "selected_date": "2026-12-01"},
        "time": {"type": "timepicker", "selected_time": "15:00"},
        "notes": {"type": "plain_text_input", "value": f"주민번호 {RRN}"},
    }
    reply = await bot.submit("USTAFF1", view, values)
    assert reply.status == 200
    body = json.loads(reply.text)
    assert body["response_action"] == "errors" and "24" in body["errors"]["notes"]
    assert await visits(bot) == []
    _assert_nowhere(bot, caplog, "1234567")
    # the same form without the number registers the visit
    values["notes"] = {"type": "plain_text_input", "value": "주차 필요"}
    await bot.submit("USTAFF1", view, values)
    await until(bot, lambda v: True)
    [v] = await visits(bot)
    assert v.notes == "주차 필요"


def _assert_nowhere(bot: Bot, caplog: pytest.LogCaptureFixture, digits: str) -> None:
    url = bot.deps.env.DATABASE_URL
    if url.startswith("sqlite"):
        raw = Path(url.split("///", 1)[1]).read_bytes()
        assert digits.encode() not in raw, "the ID number reached the database file"
    assert digits not in caplog.text, "the ID number reached the log"


async def test_fieldvisit_plan_report_and_inquiry_history(vbot: Bot) -> None:
    bot = vbot
    await bot.reply_to("USTAFF1", "new support 장애 원인 문의")
    fv = lambda text, user="USTAFF1": bot.reply_to(user, text, command="/fieldvisit")
    answer = await fv(
        '계획 미래에셋증권 시각:2026-12-02 10:00 목적:"장애 원인 설명" 동행:<@USTAFF2|alex> 문의:#1'
    )
    assert "F1" in answer
    # the report asked after the visit ends (12:00), nudged when due, the manager told after
    bot.clock.set(datetime(2026, 12, 2, 12, 1, tzinfo=KST))
    await bot.runtime.run_due_work()
    await bot.settle()
    assert "fieldvisit-report" in dm_actions(bot, "USTAFF2")
    bot.clock.set(datetime(2026, 12, 3, 14, 0, tzinfo=KST))
    await bot.runtime.run_due_work()
    await bot.settle()
    assert any("F1" in t for t in bot.dm_texts("UMANAGER"))
    # the form from the DM button
    await bot.click("USTAFF2", "fieldvisit-report", "1", channel=bot.fake.dm_channel_for("USTAFF2"))
    await eventually(lambda: bool(bot.fake.calls_to("views.open")))
    [call] = [
        c
        for c in bot.fake.calls_to("views.open")
        if c.args["view"]["callback_id"] == "fieldvisit-report-modal"
    ]
    await bot.submit(
        "USTAFF2",
        call.args["view"],
        {
            "outcome": {"type": "plain_text_input", "value": "원인 설명 완료 <!channel>"},
            "next": {"type": "plain_text_input", "value": "패치 일정 공유"},
        },
    )
    await posted(bot, lambda: any("F1" in t and "📝" in t for t in texts(bot, "C0TRIAGE")))
    async with bot.deps.sessions() as s:
        [f] = (await s.exec(select(FieldVisit))).all()
        inquiry = (await s.exec(select(Inquiry))).one()
        notes = [
            e.note
            for e in (
                await s.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry.id))
            ).all()
        ]  # type: ignore[arg-type]
    assert f.status == "reported" and f.reported_by == "USTAFF2"
    assert any("원인 설명 완료" in n for n in notes)
    triage = texts(bot, "C0TRIAGE")
    assert any("F1" in t and "&lt;!channel&gt;" in t for t in triage)
    assert not any("<!channel>" in t for t in triage)


async def test_retention_anonymises_old_visits_once(
    vbot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = vbot
    await visitor(
        bot, "USTAFF1", 'register 홍길동 company:"미래" at:2026-12-01 15:00 phone:010-1111-2222'
    )
    from bot.scheduler import run_visitor_purge_job

    bot.clock.advance(timedelta(days=91))
    caplog.set_level(logging.INFO)
    assert await run_visitor_purge_job(bot.deps) == 1
    assert await run_visitor_purge_job(bot.deps) == 0
    [v] = await visits(bot)
    assert (v.visitor, v.company, v.phone, v.anonymised_at is not None) == ("-", "", "", True)
    assert "홍길동" not in caplog.text and "anonymised: 1" in caplog.text


async def test_hostile_visitor_text_is_escaped_in_every_post(vbot: Bot) -> None:
    bot = vbot
    await visitor(
        # typed `<!channel> Kim` and `<@UADMIN> & Co`: Slack sends &, < and > escaped
        bot,
        "USTAFF1",
        'register "&lt;!channel&gt; Kim" company:"&lt;@UADMIN&gt; &amp; Co" at:2026-12-01 11:00',
    )
    [v] = await visits(bot)
    assert (v.visitor, v.company) == ("<!channel> Kim", "<@UADMIN> & Co")  # as typed
    await visitor(bot, "URECEPTION", "arrived V1 badge:3")
    await bot.settle()
    sent = texts(bot, "C0RECEPTION") + bot.dm_texts("USTAFF1")
    sent += [
        json.dumps(m.get("blocks") or [], ensure_ascii=False)
        for m in bot.fake.messages(bot.fake.dm_channel_for("USTAFF1"))
    ]
    assert any("&lt;!channel&gt; Kim" in t for t in sent)
    assert not any("<!channel>" in t or "<@UADMIN>" in t for t in sent)


async def test_a_room_still_occupied_past_its_booking_is_flagged(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", 'register A at:2026-12-01 10:00 room:"접견실 1"')
    await visitor(bot, "URECEPTION", "arrived V1")
    await visitor(bot, "URECEPTION", 'seated V1 room:"접견실 1"')
    await visitor(bot, "USTAFF1", "met V1")
    await advance(bot, 60 + 10)
    assert not [t for t in texts(bot, "C0RECEPTION") if "⏱" in t]
    await advance(bot, 6)
    [flag] = [t for t in texts(bot, "C0RECEPTION") if "⏱" in t]
    assert "V1" in flag and "접견실 1" in flag


async def test_a_room_with_its_own_channel_gets_its_alerts(db_url: str) -> None:
    rooms = [{"name": "접견실 1", "capacity": 4, "slack_channel": "C0RANDOM"}]
    bot, stop = await start_bot(db_url, {**CONFIG, "rooms": rooms})
    try:
        await visitor(bot, "USTAFF1", "register A at:2026-12-01 10:30")
        await visitor(bot, "URECEPTION", "arrived V1")
        await visitor(bot, "URECEPTION", 'seated V1 room:"접견실 1"')
        await bot.settle()
        assert any("🪑" in t for t in texts(bot, "C0RANDOM"))
        assert not any("🪑" in t for t in texts(bot, "C0RECEPTION"))
        assert any("🛎" in t for t in texts(bot, "C0RECEPTION"))  # arrivals stay at the desk
    finally:
        await stop()


async def test_refusals_name_the_problem_in_the_readers_words(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    await visitor(bot, "URECEPTION", "arrived V1")
    # a visit without a room, seated without one: "name the room", not "no room ''"
    answer = await visitor(bot, "URECEPTION", "seated V1")
    assert "접견실을 적어 주세요" in answer and "''" not in answer
    await visitor(bot, "URECEPTION", "left V1")
    # the status in the reader's words (퇴실), never the stored `left`
    again = await visitor(bot, "URECEPTION", "left V1")
    assert "V1" in again and "퇴실" in again and "left" not in again
    # a missing or bad number is shown as the command writes it
    release = await bot.reply_to("USTAFF1", "해제 접견실", command="/room")
    assert "R3" in release and "V3" not in release
    fv = lambda text: bot.reply_to("USTAFF1", text, command="/fieldvisit")
    assert "F3" in await fv("보고")
    # `show F9` answers about F9; `show F1` shows F1 with its status
    assert "F9" in await fv("보기 F9")
    await fv("계획 미래에셋증권 시각:2026-12-02 10:00")
    shown = await fv("보기 F1")
    assert "F1" in shown and "미래에셋증권" in shown and "예정" in shown
    # an inquiry is named by its own number, never a visit's
    assert "문의 번호" in await fv("계획 한빛 시각:2026-12-03 10:00 문의:V1")


async def test_a_stale_or_foreign_decline_button_is_refused_before_the_form(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    dm = bot.fake.dm_channel_for("USTAFF1")
    # no such visit: said at once, no reason form for it
    await bot.click("USTAFF1", "visit-decline", "9", channel=dm)
    await posted(bot, lambda: any("V9" in r for r in bot.replies()))
    # the visitor has not arrived: refused, in Korean words, no form
    await bot.click("USTAFF1", "visit-decline", "1", channel=dm)
    await posted(bot, lambda: any("V1" in r and "예정" in r for r in bot.replies()))
    # somebody else's visit: who may answer is named
    await bot.click("USTAFF2", "visit-decline", "1", channel=dm)
    await posted(bot, lambda: any("host of" in r for r in bot.replies()))
    assert not bot.fake.calls_to("views.open")
    # a menu value that cannot be read is answered, never silence
    before = len(bot.replies())
    await _pick_room(bot, "USTAFF1", dm, "{not json", answer_to=True)
    await posted(bot, lambda: len(bot.replies()) > before)
    assert "양식" in bot.replies()[-1]


async def _pick_room(bot: Bot, user: str, dm: str, value: str, *, answer_to: bool = False) -> None:
    """The host picks a room from the arrival DM's "send to room" menu (`value`: the option's
    value as Slack sends it back); `answer_to`: with a response URL for the answer."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T0TEST"},
        "api_app_id": "A0TEST",
        "user": {"id": user, "username": "minji", "team_id": "T0TEST"},
        "channel": {"id": dm, "name": "dm"},
        "trigger_id": bot.fake.new_trigger_id(),
        "container": {"type": "message", "message_ts": "1", "channel_id": dm},
        "actions": [
            {
                "action_id": "visit-send-room",
                "block_id": "visit-actions",
                "type": "static_select",
                "selected_option": {"value": value},
                "action_ts": "1",
            }
        ],
    }
    if answer_to:
        payload["response_url"] = bot.fake.new_response_url(channel=dm, user=user)
    await bot.interact(payload)


async def at(bot: Bot, moment: datetime) -> None:
    """Set the clock and run what is due, as the scheduler would."""
    bot.clock.set(moment)
    await bot.runtime.run_due_work()
    await bot.settle()


def end_of_day_posts(bot: Bot) -> list[str]:
    return [t for t in texts(bot, "C0RECEPTION") if "📋" in t]


async def test_what_is_still_out_is_listed_every_business_day_until_it_is_back(
    vbot: Bot,
) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    await visitor(bot, "URECEPTION", "arrived V1 badge:7 id:운전면허증 slot:2")
    await visitor(bot, "URECEPTION", "left V1")
    await at(bot, datetime(2026, 12, 1, 18, 0, 30, tzinfo=KST))
    [tuesday] = end_of_day_posts(bot)
    # both languages in the catalogue's words: the ID by its type, never a stored code
    assert "출입증 7" in tuesday and "운전면허증" in tuesday and "보관함 2" in tuesday
    assert (
        "badge 7" in tuesday and "driver's licence" in tuesday and "driver_license" not in tuesday
    )
    # nobody arrives on Wednesday: the badge and ID still out are listed again
    await at(bot, datetime(2026, 12, 2, 18, 0, 30, tzinfo=KST))
    assert len(end_of_day_posts(bot)) == 2 and "V1" in end_of_day_posts(bot)[-1]
    await visitor(bot, "URECEPTION", "returned V1")
    await at(bot, datetime(2026, 12, 3, 18, 0, 30, tzinfo=KST))
    assert len(end_of_day_posts(bot)) == 2, "nothing when all is back"


async def test_a_weekend_walk_in_is_listed_on_the_next_business_day(vbot: Bot) -> None:
    bot = vbot
    bot.clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=KST))  # a Saturday
    await visitor(bot, "URECEPTION", "walkin B host:<@USTAFF1|minji> badge:9")
    await visitor(bot, "URECEPTION", "left V1")
    await at(bot, datetime(2026, 12, 5, 18, 0, 30, tzinfo=KST))
    await at(bot, datetime(2026, 12, 6, 18, 0, 30, tzinfo=KST))
    assert not end_of_day_posts(bot), "business days only"
    await at(bot, datetime(2026, 12, 7, 18, 0, 30, tzinfo=KST))  # Monday
    [monday] = end_of_day_posts(bot)
    assert "V1" in monday and "출입증 9" in monday


async def test_a_field_visit_result_reaches_its_inquiry_open_or_resolved(vbot: Bot) -> None:
    bot = vbot
    await bot.reply_to("UCUST", "new support 장애 원인 문의")
    await bot.reply_to("UCUST", "new support 지난주 장애")
    await bot.reply_to("USTAFF1", "resolve 2 패치 적용")  # resolved before the visit
    fv = lambda text: bot.reply_to("USTAFF1", text, command="/fieldvisit")
    await fv("plan 고객사 at:2026-12-02 10:00 inquiry:#1")
    await fv("plan 고객사 at:2026-12-02 14:00 inquiry:2")
    bot.clock.set(datetime(2026, 12, 2, 17, 0, tzinfo=KST))
    assert "F1" in await fv('report F1 outcome:"원인 설명 완료"')
    assert "F2" in await fv('report F2 outcome:"재발 방지 대책 설명" next:"월간 점검"')
    await bot.settle()
    async with bot.deps.sessions() as s:
        rows = (await s.exec(select(InquiryEvent).order_by(InquiryEvent.id))).all()  # type: ignore[arg-type]
    history = {(e.inquiry_id, e.kind): e.note for e in rows}
    assert "원인 설명 완료" in history[(1, "progress")]
    assert "재발 방지 대책 설명" in history[(2, "fieldvisit")]
    assert "월간 점검" in history[(2, "fieldvisit")]
    told = bot.dm_texts("UCUST")
    assert any("#1" in t and "원인 설명 완료" in t for t in told)
    assert any("#2" in t and "재발 방지 대책 설명" in t for t in told), "the requester hears too"
    async with bot.deps.sessions() as s:
        second = (await s.exec(select(Inquiry).where(Inquiry.number == 2))).one()
    assert second.status == "resolved"  # the visit's result does not reopen it


async def test_a_field_visit_report_is_nudged_like_an_inquiry_until_it_is_in(vbot: Bot) -> None:
    bot = vbot
    fv = lambda text: bot.reply_to("USTAFF1", text, command="/fieldvisit")
    await fv("plan 미래에셋증권 at:2026-12-02 10:00")  # ends 12:00, report due Thu 12:00 (1bd)
    async with bot.deps.sessions() as s:
        from bot.services.timers import pending

        planned = {t.kind: t.due_at.astimezone(KST) for t in await pending(s)}
    # approaching: 75% of the window's business time (from the 13:00 opening after lunch)
    assert planned["fieldvisit.approaching"] == datetime(2026, 12, 3, 10, 0, tzinfo=KST)
    assert planned["fieldvisit.due"] == datetime(2026, 12, 3, 12, 0, tzinfo=KST)
    assert planned["fieldvisit.escalate"] == datetime(2026, 12, 3, 13, 30, tzinfo=KST)
    await at(bot, datetime(2026, 12, 3, 10, 1, tzinfo=KST))
    assert any("⏳" in t and "F1" in t for t in bot.dm_texts("USTAFF1"))
    await at(bot, datetime(2026, 12, 3, 13, 31, tzinfo=KST))
    overdue = lambda: [t for t in bot.dm_texts("UMANAGER") if "F1" in t]
    assert len(overdue()) == 1
    assert any("⚠" in t and "F1" in t for t in bot.dm_texts("USTAFF1"))
    # repeated once a business day while overdue (the inquiries' `overdue_repeat`)
    await at(bot, datetime(2026, 12, 3, 17, 0, tzinfo=KST))
    assert len(overdue()) == 1
    await at(bot, datetime(2026, 12, 4, 9, 1, tzinfo=KST))
    assert len(overdue()) == 2
    await fv('report F1 outcome:"설명 완료"')
    await at(bot, datetime(2026, 12, 8, 9, 1, tzinfo=KST))
    assert len(overdue()) == 2, "nothing more once the report is in"


async def test_the_host_ladder_runs_from_the_seating_when_it_comes_after_the_visit_time(
    vbot: Bot,
) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    await visitor(bot, "URECEPTION", "arrived V1")
    await at(bot, datetime(2026, 12, 1, 11, 30, tzinfo=KST))  # seated half an hour late
    await visitor(bot, "URECEPTION", 'seated V1 room:"접견실 2"')
    late = lambda: [t for t in bot.dm_texts("USTAFF1") if "⏰" in t]
    await at(bot, datetime(2026, 12, 1, 11, 31, 30, tzinfo=KST))
    assert not late(), "grace (2m) counts from the seating, not from 11:00"
    await at(bot, datetime(2026, 12, 1, 11, 32, 30, tzinfo=KST))
    assert late()
    assert not [t for t in bot.dm_texts("UMANAGER") if "V1" in t]
    await at(bot, datetime(2026, 12, 1, 11, 34, 30, tzinfo=KST))
    # the team and manager are alerted, and reception sees who
    [alert] = [t for t in texts(bot, "C0RECEPTION") if "⚠" in t and "V1" in t]
    assert "<@UMANAGER>" in alert and "<@USTAFF2>" in alert
    answer = await visitor(bot, "USTAFF1", "입실 V1")
    assert "4분 늦음" in answer  # C10: measured from 11:30


async def test_an_early_seating_met_on_time_and_the_room_alerts(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", 'register A at:2026-12-01 11:00 room:"접견실 1"')
    await visitor(bot, "URECEPTION", "arrived V1")
    # the host picks "send to room 접견실 2" from the arrival DM's menu
    dm = bot.fake.dm_channel_for("USTAFF1")
    await _pick_room(bot, "USTAFF1", dm, json.dumps({"n": 1, "r": "접견실 2"}))
    await posted(
        bot, lambda: any("접견실 2" in t and "<@USTAFF1>" in t for t in texts(bot, "C0RECEPTION"))
    )
    await visitor(bot, "URECEPTION", 'seated V1 room:"접견실 2"')
    answer = await visitor(bot, "USTAFF1", "met V1")  # at 10:00, before the 11:00 visit time
    assert "정시" in answer
    await bot.settle()
    assert any("✅" in t and "정시" in t and "on time" in t for t in texts(bot, "C0RECEPTION"))
    answer = await visitor(bot, "URECEPTION", "left V1")
    assert "없습니다" in answer and "visit-badge-back" not in answer  # nothing was held
    await bot.settle()
    posts = texts(bot, "C0RECEPTION")
    assert any("👋" in t and "V1" in t for t in posts)
    assert any("접견실 2" in t and "사용 가능" in t and "free again" in t for t in posts)
    async with bot.deps.sessions() as s:
        bookings = (await s.exec(select(RoomBooking))).all()
    assert bookings and all(b.released_at is not None for b in bookings), "the rooms are free"


async def test_cancel_no_show_list_and_show(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    await visitor(bot, "USTAFF2", f"register B host:{HOST} at:2026-12-02 10:00")
    await visitor(bot, "USTAFF1", "register C at:2026-12-01 15:00")
    refused = await visitor(bot, "USTAFF2", "cancel V1")
    assert "V1" in refused and "whoever registered it" in refused  # who may, named
    # the registrant (not the host) may cancel; the host hears of it
    assert "V2" in await visitor(bot, "USTAFF2", "cancel V2 일정 변경")
    await bot.settle()
    assert any("V2" in t for t in bot.dm_texts("USTAFF1")[-1:])
    assert "V3" in await visitor(bot, "URECEPTION", "불참 V3")
    assert "V3" in await visitor(bot, "URECEPTION", "noshow V3")  # refused: already a no-show
    statuses = [v.status for v in await visits(bot)]
    assert statuses == ["expected", "cancelled", "no_show"]
    tomorrow = await visitor(bot, "USTAFF1", "목록 내일")
    assert "V2" in tomorrow and "취소" in tomorrow and "V1" not in tomorrow
    today = await visitor(bot, "USTAFF1", "list 2026-12-01")
    assert "V1" in today and "V3" in today and "불참" in today
    shown = await visitor(bot, "USTAFF1", "보기 V1")
    assert "V1" in shown and "예정" in shown and "V3" not in shown
    async with bot.deps.sessions() as s:
        from bot.services.timers import pending

        left = {t.subject_id for t in await pending(s, kind_prefix="visit.")}
    assert left == {1}, "a cancelled or no-show visit keeps no reminder"


async def test_arrival_alert_is_bilingual_only_when_configured(db_url: str) -> None:
    for bilingual, english in ((True, True), (False, False)):
        bot, stop = await start_bot(db_url, {**CONFIG, "bilingual_channels": bilingual})
        try:
            await visitor(bot, "USTAFF1", f"register A{int(bilingual)} at:2026-12-01 11:00")
            number = (await visits(bot))[-1].id
            await visitor(bot, "URECEPTION", f"arrived V{number}")
            await bot.settle()
            [post] = [t for t in texts(bot, "C0RECEPTION") if f"V{number}" in t and "🛎" in t]
            assert "도착" in post and ("Arrived" in post) is english
        finally:
            await stop()


async def test_id_numbers_in_the_reason_and_report_forms_are_refused(
    vbot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = vbot
    caplog.set_level(logging.DEBUG)
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    await visitor(bot, "URECEPTION", "arrived V1")
    await bot.click("USTAFF1", "visit-decline", "1", channel=bot.fake.dm_channel_for("USTAFF1"))
    await eventually(lambda: bool(bot.fake.calls_to("views.open")))
    reason = bot.fake.calls_to("views.open")[-1].args["view"]
    reply = await bot.submit(
        "USTAFF1", reason, {"reason": {"type": "plain_text_input", "value": f"고객 {RRN}"}}
    )
    body = json.loads(reply.text)
    assert body["response_action"] == "errors" and "24" in body["errors"]["reason"]
    await bot.reply_to("USTAFF1", "plan 미래 at:2026-12-02 10:00", command="/fieldvisit")
    await bot.command("USTAFF1", "report F1", command="/fieldvisit")
    await eventually(lambda: len(bot.fake.calls_to("views.open")) > 1)
    report = bot.fake.calls_to("views.open")[-1].args["view"]
    reply = await bot.submit(
        "USTAFF1",
        report,
        {
            "outcome": {"type": "plain_text_input", "value": "설명 완료"},
            "next": {"type": "plain_text_input", "value": "여권 M12345678 확인"},
        },
    )
    body = json.loads(reply.text)
    assert body["response_action"] == "errors" and "24" in body["errors"]["next"]
    await bot.settle()
    [v] = await visits(bot)
    assert v.reason == ""
    async with bot.deps.sessions() as s:
        [f] = (await s.exec(select(FieldVisit))).all()
    assert f.status == "planned" and f.next_steps == ""
    _assert_nowhere(bot, caplog, "1234567")
    _assert_nowhere(bot, caplog, "12345678")


async def test_field_visit_reminder_cancel_and_list(db_url: str) -> None:
    # Friday 2026-12-25 is Christmas: a Monday 12-28 visit is reminded on Thursday 12-24 17:00
    bot, stop = await start_bot(db_url, CONFIG, start=datetime(2026, 12, 22, 10, 0, tzinfo=KST))
    try:
        fv = lambda text: bot.reply_to("USTAFF1", text, command="/fieldvisit")
        await fv("plan 미래에셋증권 at:2026-12-28 10:00 with:<@USTAFF2|alex>")
        await fv("plan 한빛증권 at:2026-12-29 10:00")
        listed = await fv("list")
        assert "F1" in listed and "F2" in listed
        assert "F2" in await fv("cancel F2 고객 요청")
        assert "*F2*" not in await fv("list")
        await at(bot, datetime(2026, 12, 24, 16, 59, tzinfo=KST))
        assert not [t for t in bot.dm_texts("USTAFF2") if "F1" in t]
        await at(bot, datetime(2026, 12, 24, 17, 0, 30, tzinfo=KST))
        assert any("F1" in t for t in bot.dm_texts("USTAFF2"))
        # Thursday's reminder of a Monday visit: "the next business day", never "tomorrow"
        [reminder] = [t for t in bot.dm_texts("USTAFF1") if "F1" in t]
        assert "다음 영업일" in reminder and "내일" not in reminder
        assert not any("*F2*" in t for t in bot.dm_texts("USTAFF1")), "a cancelled one is quiet"
    finally:
        await stop()


async def test_the_room_board_shows_each_rooms_live_state(vbot: Bot) -> None:
    bot = vbot
    room = lambda text: bot.reply_to("URECEPTION", text, command="/room")
    await room('book "접견실 1" 2026-12-01 10:00-11:00 주간회의')
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 10:00")
    await visitor(bot, "URECEPTION", "arrived V1")
    await visitor(bot, "URECEPTION", 'seated V1 room:"접견실 2"')
    await at(bot, datetime(2026, 12, 1, 10, 1, 30, tzinfo=KST))
    board = await room("현황")
    assert "예약 시간 중" in board  # 접견실 1: booked now, nobody in it
    assert "V1 방문객 대기 중, 담당자 미입실 1분" in board
    await visitor(bot, "USTAFF1", "met V1")
    assert "사용 중 (V1)" in await room("")
    await visitor(bot, "URECEPTION", "left V1")
    board = await room("today")
    assert "V1" not in board.split("접견실 2")[1].split("\n")[0]  # the room's own line
    assert "비어 있음" in board


async def test_admins_run_the_desk_too(vbot: Bot) -> None:
    bot = vbot
    await visitor(bot, "USTAFF1", "register A at:2026-12-01 11:00")
    assert "V1" in await visitor(bot, "UADMIN", "arrived V1 badge:3")
    assert "V2" in await visitor(bot, "UADMIN", "walkin B host:<@USTAFF1|minji>")
    assert [v.status for v in await visits(bot)] == ["arrived", "arrived"]


async def test_retention_keeps_counts_and_timings(
    vbot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = vbot
    await visitor(
        bot,
        "USTAFF1",
        'register 홍길동 company:"미래" at:2026-12-01 11:00 room:"접견실 1" purpose:"비밀 협의" '
        'count:3 notes:"주차 필요"',
    )
    await visitor(bot, "URECEPTION", "arrived V1 badge:3")
    await visitor(bot, "URECEPTION", 'seated V1 room:"접견실 1"')
    await visitor(bot, "URECEPTION", "left V1")
    from bot.scheduler import run_visitor_purge_job

    bot.clock.advance(timedelta(days=91))
    caplog.set_level(logging.INFO)
    assert await run_visitor_purge_job(bot.deps) == 1
    [v] = await visits(bot)
    assert (v.visitor, v.company, v.purpose, v.notes) == ("-", "", "", "")
    # what reports count stays: status, party size, host, room, times
    assert (v.status, v.headcount, v.host_id, v.room) == ("left", 3, "USTAFF1", "접견실 1")
    assert v.visit_at and v.arrived_at and v.seated_at and v.left_at
    assert await events(bot, 1) == ["registered", "arrived", "seated", "left"]
    async with bot.deps.sessions() as s:
        purposes = [b.purpose for b in (await s.exec(select(RoomBooking))).all()]
    assert purposes and all(p == "" for p in purposes)
    assert "anonymised: 1" in caplog.text and "홍길동" not in caplog.text


async def test_an_absent_hosts_visitor_goes_to_their_delegate(vbot: Bot) -> None:
    bot = vbot
    await bot.reply_to("USTAFF1", "까지: 12월 2일 9:00 대리: <@USTAFF2> 연차", command="/away")
    await visitor(bot, "URECEPTION", "walkin 김 host:<@USTAFF1|minji>")
    await bot.settle()
    assert "visit-coming" in dm_actions(bot, "USTAFF2") and not dm_actions(bot, "USTAFF1")
    await bot.click("USTAFF2", "visit-coming", "1", channel=bot.fake.dm_channel_for("USTAFF2"))
    await posted(bot, lambda: any("<@USTAFF2>" in t for t in texts(bot, "C0RECEPTION")))


async def test_an_absent_visitors_report_nudges_go_to_their_delegate(vbot: Bot) -> None:
    bot = vbot
    await bot.reply_to("USTAFF2", "plan 미래 at:2026-12-02 10:00", command="/fieldvisit")
    await bot.reply_to(
        "USTAFF2", "until: Dec 4 9:00 delegate: <@USTAFF1|minji> sick", command="/away"
    )
    await at(bot, datetime(2026, 12, 2, 12, 1, tzinfo=KST))  # the visit is over
    assert "fieldvisit-report" in dm_actions(bot, "USTAFF1")
    assert "fieldvisit-report" not in dm_actions(bot, "USTAFF2")
    # the delegate may file it
    answer = await bot.reply_to(
        "USTAFF1", 'report F1 outcome:"대신 보고: 설명 완료"', command="/fieldvisit"
    )
    assert "F1" in answer
    async with bot.deps.sessions() as s:
        [f] = (await s.exec(select(FieldVisit))).all()
    assert (f.status, f.reported_by) == ("reported", "USTAFF1")


async def test_two_overlapping_bookings_made_at_once_one_is_refused(vbot: Bot) -> None:
    from bot.errors import Conflict
    from bot.services.visits.rooms import book_by_hand

    bot = vbot
    start = datetime(2026, 12, 1, 14, 0, tzinfo=KST)

    async def book(minutes: int) -> None:
        async with bot.deps.sessions.begin() as s:
            at_ = start + timedelta(minutes=minutes)
            await book_by_hand(
                s,
                bot.deps,
                user_id="USTAFF1",
                room="접견실 1",
                start=at_,
                end=at_ + timedelta(hours=1),
                purpose="",
            )
            await asyncio.sleep(0.3)  # both checks run before either commits

    results = await asyncio.gather(book(0), book(30), return_exceptions=True)
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    async with bot.deps.sessions() as s:
        assert len((await s.exec(select(RoomBooking))).all()) == 1
