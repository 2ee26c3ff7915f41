"""Phone callbacks (C7), `/away` and handoffs (C8) end to end on Slack: signed requests, the
real server, the fake Web API's transcript, a movable clock; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select
from support.polling import eventually

from e2e.harness import KST, TEST_CONFIG, Bot, start_bot
from storage.models import Callback, CallbackStep, Handoff

CONFIG: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
CONFIG["scheduler"] = {"sweep_interval": "1s"}
PHONE = "02-1234-5678"
LOG = '<@USTAFF1> 홍길동 회사: "미래에셋증권" 전화: 02-1234-5678 주제: "체결 통보 누락"'


@pytest.fixture
async def cbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, CONFIG)
    yield driver
    await stop()


async def advance(bot: Bot, minutes: float) -> None:
    """Move the clock and run what is due, as the scheduler would."""
    bot.clock.advance(timedelta(minutes=minutes))
    await bot.runtime.run_due_work()
    await bot.settle()


def offers(bot: Bot, user: str) -> list[dict[str, Any]]:
    """The callback offers (messages with the I'll-call button) in user's DM."""
    return [m for m in bot.fake.messages(bot.fake.dm_channel_for(user)) if _buttons(m)]


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("callback-")
    ]


def text_of(message: dict[str, Any]) -> str:
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text.get("text") or "")
    return "\n".join(parts)


async def log_callback(bot: Bot, text: str = LOG, by: str = "URECEPTION") -> str:
    reply = await bot.reply_to(by, text, command="/callback")
    await bot.settle()
    return reply


async def press(bot: Bot, user: str, action: str, number: int = 1) -> str:
    before = len(bot.fake.calls_to("response_url"))
    channel = bot.fake.dm_channel_for(user)
    reply = await bot.click(user, action, str(number), channel=channel, message_ts="1.0")
    assert reply.status == 200
    await eventually(lambda: len(bot.fake.calls_to("response_url")) > before)
    await bot.settle()
    return bot.replies()[before]


async def open_pass_form(bot: Bot, user: str, number: int = 1) -> dict[str, Any]:
    """Press can't on the offer; return the form it opens."""
    before = len(bot.fake.calls_to("views.open"))
    channel = bot.fake.dm_channel_for(user)
    reply = await bot.click(user, "callback-pass", str(number), channel=channel, message_ts="1.0")
    assert reply.status == 200
    opened = await eventually(lambda: bot.fake.calls_to("views.open")[before:])
    view: dict[str, Any] = opened[0].args["view"]
    assert view["callback_id"] == "callback-pass-modal"
    return view


async def submit_pass_form(
    bot: Bot, user: str, view: dict[str, Any], colleague: str | None = None, reason: str = ""
) -> str:
    """Submit the can't form; return what the person is told in their DM."""
    before = len(bot.dm_texts(user))
    values: dict[str, dict[str, Any]] = {
        "callback_colleague": {"type": "users_select", "selected_user": colleague},
        "callback_reason": {"type": "plain_text_input", "value": reason or None},
    }
    reply = await bot.submit(user, view, values)
    assert reply.status == 200 and reply.text in ("", "{}"), reply
    await eventually(lambda: len(bot.dm_texts(user)) > before)
    await bot.settle()
    return bot.dm_texts(user)[before]


async def steps(bot: Bot) -> list[tuple[str, str, str]]:
    async with bot.deps.sessions() as s:
        rows = (await s.exec(select(CallbackStep).order_by(CallbackStep.id))).all()  # type: ignore[arg-type]
    return [(r.kind, r.rung, r.user_id or r.actor_id) for r in rows]


async def callback(bot: Bot, number: int = 1) -> Callback:
    async with bot.deps.sessions() as s:
        row = await s.get(Callback, number)
    assert row is not None
    return row


async def test_full_ladder_owner_team_manager_escalation(cbot: Bot) -> None:
    reply = await log_callback(cbot)
    assert "CB1" in reply
    owner_offer = offers(cbot, "USTAFF1")
    assert len(owner_offer) == 1, "the owner gets a DM at once"
    shown = text_of(owner_offer[0])
    assert PHONE in shown and "홍길동" in shown and "미래에셋증권" in shown
    assert {b["action_id"] for b in _buttons(owner_offer[0])} == {
        "callback-claim",
        "callback-done",
        "callback-pass",
    }
    assert offers(cbot, "USTAFF2") == []
    await advance(cbot, 1.5)
    assert offers(cbot, "USTAFF2") == [], "the team waits for owner_wait (2m)"
    await advance(cbot, 0.5)
    assert len(offers(cbot, "USTAFF2")) == 1, "alex (team, not away) after 2 minutes"
    assert offers(cbot, "UMANAGER") == []
    await advance(cbot, 2)
    assert len(offers(cbot, "UMANAGER")) == 1, "the manager at 4 minutes"
    assert cbot.posts("C0TRIAGE") == []
    await advance(cbot, 1)
    manager = offers(cbot, "UMANAGER")
    assert len(manager) == 2, "the escalation at 5 minutes"
    triage = [text_of(m) for m in cbot.posts("C0TRIAGE")]
    assert len(triage) == 1 and "CB1" in triage[0]
    assert PHONE not in triage[0] and "02-****-5678" in triage[0], "staff channel: masked"
    await advance(cbot, 30)
    assert len(offers(cbot, "USTAFF1")) == 1 and len(offers(cbot, "USTAFF2")) == 1
    assert len(offers(cbot, "UMANAGER")) == 2 and len(cbot.posts("C0TRIAGE")) == 1
    kinds = [k for k, _, _ in await steps(cbot)]
    assert kinds == ["logged", "offered", "offered", "offered", "escalated", "offered"]


async def test_claim_then_called_back_stops_the_ladder(cbot: Bot) -> None:
    await log_callback(cbot)
    await advance(cbot, 2)
    answer = await press(cbot, "USTAFF2", "callback-claim")
    assert "CB1" in answer and PHONE in answer
    assert any("CB1" in t for t in cbot.dm_texts("URECEPTION")), "the logger is told"
    await advance(cbot, 1)
    answer = await press(cbot, "USTAFF2", "callback-done")
    assert "CB1" in answer
    row = await callback(cbot)
    assert row.state == "done" and row.called_back_by == "USTAFF2"
    await advance(cbot, 20)
    assert offers(cbot, "UMANAGER") == [] and cbot.posts("C0TRIAGE") == []
    done = [t for t in cbot.dm_texts("URECEPTION") if "3" in t and "CB1" in t]
    assert done, "the logger hears it was called back (3 minutes, within the promise)"


async def test_two_presses_at_once_make_one_owner(cbot: Bot) -> None:
    await log_callback(cbot)
    await advance(cbot, 2)  # minji (owner) and alex (team) both hold an offer
    before = len(cbot.replies())
    replies = await asyncio.gather(
        *(
            cbot.click(u, "callback-claim", "1", channel=cbot.fake.dm_channel_for(u))
            for u in ("USTAFF1", "USTAFF2")
        )
    )
    assert [r.status for r in replies] == [200, 200]
    await eventually(lambda: len(cbot.replies()) >= before + 2)
    await cbot.settle()
    answers = cbot.replies()[before:]
    assert len(answers) == 2
    row = await callback(cbot)
    assert row.state == "claimed" and row.claimed_by in ("USTAFF1", "USTAFF2")
    claimed = [s for s in await steps(cbot) if s[0] == "claimed"]
    assert len(claimed) == 1
    won = [a for a in answers if PHONE in a]
    lost = [a for a in answers if PHONE not in a]
    assert len(won) == 1 and len(lost) == 1, answers
    assert "CB1" in lost[0] and row.claimed_by in lost[0], "the other is told who has it"


async def test_claim_timeout_reopens_the_ladder(cbot: Bot) -> None:
    await log_callback(cbot)
    await press(cbot, "USTAFF1", "callback-claim")
    await advance(cbot, 9)
    assert (await callback(cbot)).state == "claimed"
    await advance(cbot, 1)
    row = await callback(cbot)
    assert row.state == "open" and row.round == 2 and row.claimed_by is None
    assert len(offers(cbot, "USTAFF1")) == 2, "a new round starts with the owner again"
    await advance(cbot, 2)
    assert len(offers(cbot, "USTAFF2")) == 1, "then the team, on the new round's timers"


async def test_cant_passes_on_at_once(cbot: Bot) -> None:
    await log_callback(cbot)
    # can't opens a small form (issue 13: a colleague may be chosen); left empty, the call
    # passes on along the ladder at once
    view = await open_pass_form(cbot, "USTAFF1")
    answer = await submit_pass_form(cbot, "USTAFF1", view)
    assert "CB1" in answer
    assert len(offers(cbot, "USTAFF2")) == 1, "the team at once, not after 2 minutes"
    await advance(cbot, 2)
    assert len(offers(cbot, "USTAFF2")) == 1, "the team rung's timer sends nothing twice"


async def test_absent_owner_with_delegate(cbot: Bot) -> None:
    reply = await cbot.reply_to("USTAFF1", "까지: 17:00 대리: <@USTAFF2> 외근", command="/away")
    assert "17:00" in reply
    await log_callback(cbot)
    assert offers(cbot, "USTAFF1") == []
    delegate = offers(cbot, "USTAFF2")
    assert len(delegate) == 1 and PHONE in text_of(delegate[0])
    back = await cbot.reply_to("USTAFF1", "해제", command="/away")
    assert back
    await log_callback(cbot)
    assert len(offers(cbot, "USTAFF1")) == 1, "back: the owner gets it again"


async def test_absent_owner_without_delegate_goes_to_the_team(cbot: Bot) -> None:
    await cbot.reply_to("USTAFF1", "until: 17:00", command="/away")
    await log_callback(cbot)
    assert offers(cbot, "USTAFF1") == []
    assert len(offers(cbot, "USTAFF2")) == 1, "straight to the team"
    await advance(cbot, 2)
    assert len(offers(cbot, "USTAFF2")) == 1
    assert len(offers(cbot, "UMANAGER")) == 0


async def test_absence_ends_by_itself(cbot: Bot) -> None:
    await cbot.reply_to("USTAFF1", "until: +30m", command="/away")
    await advance(cbot, 31)
    await log_callback(cbot)
    assert len(offers(cbot, "USTAFF1")) == 1


async def test_status_emoji_counts_as_away(cbot: Bot) -> None:
    cbot.fake.set_status("USTAFF1", emoji=":palm_tree:", text="휴가")
    await log_callback(cbot)
    assert offers(cbot, "USTAFF1") == []
    assert len(offers(cbot, "USTAFF2")) == 1
    calls = {c.method for c in cbot.fake.calls}
    assert {"users.getPresence", "users.profile.get"} <= calls


async def test_an_unlisted_status_emoji_is_not_away(cbot: Bot) -> None:
    cbot.fake.set_status("USTAFF1", emoji=":coffee:")
    await log_callback(cbot)
    assert len(offers(cbot, "USTAFF1")) == 1


async def test_outside_hours_waits_for_the_opening_unless_urgent(db_url: str) -> None:
    evening = datetime(2026, 12, 1, 20, 0, tzinfo=KST)
    bot, stop = await start_bot(db_url, CONFIG, start=evening)
    try:
        reply = await log_callback(bot)
        assert "CB1" in reply and "09:00" in reply, "told when it starts"
        assert offers(bot, "USTAFF1") == []
        await advance(bot, 60 * 12 + 59)  # 08:59
        assert offers(bot, "USTAFF1") == []
        await advance(bot, 1)
        assert len(offers(bot, "USTAFF1")) == 1, "at the next opening"
        await log_callback(bot, LOG + " 긴급")
        assert len(offers(bot, "USTAFF1")) == 2
    finally:
        await stop()


async def test_urgent_outside_hours_starts_at_once(db_url: str) -> None:
    evening = datetime(2026, 12, 1, 20, 0, tzinfo=KST)
    bot, stop = await start_bot(db_url, CONFIG, start=evening)
    try:
        await log_callback(bot, LOG + " urgent")
        assert len(offers(bot, "USTAFF1")) == 1
    finally:
        await stop()


async def test_bad_input_gets_usage(cbot: Bot) -> None:
    reply = await cbot.reply_to("URECEPTION", "<@USTAFF1> 홍길동 전화: 1234", command="/callback")
    assert "1234" in reply and "/callback" in reply
    reply = await cbot.reply_to("URECEPTION", "홍길동 전화: 02-1234-5678", command="/callback")
    assert "@" in reply
    reply = await cbot.reply_to("UCUST", LOG, command="/callback")
    assert "CB" not in reply.split("\n")[0]
    reply = await cbot.reply_to("USTAFF1", "claim CB99", command="/callback")
    assert "CB99" in reply
    reply = await cbot.reply_to("USTAFF1", "until: 어제쯤", command="/away")
    assert "어제쯤" in reply


async def test_phone_numbers_stay_off_customer_channels(cbot: Bot) -> None:
    await log_callback(cbot)
    await advance(cbot, 10)
    for channel in ("C0INTAKE", "C0RANDOM", "C0NOTICES", "C0REPORTS", "C0RECEPTION"):
        assert all(PHONE not in text_of(m) for m in cbot.posts(channel))
    assert cbot.fake.dm_channel_for("UCUST") not in cbot.fake.channels or all(
        PHONE not in t for t in cbot.dm_texts("UCUST")
    )


# --------------------------------------------------------------------------- handoffs (C8)


async def _inquiry_with_history(bot: Bot) -> None:
    await bot.reply_to("UCUST", 'new support 체결 통보가 오지 않습니다 customer:"미래에셋증권"')
    await bot.settle()
    await bot.reply_to("USTAFF1", "assign 1 <@USTAFF1>")
    await bot.reply_to("USTAFF1", "progress 1 로그 확인 중, 서버 A 재시작 예정")
    await bot.reply_to("USTAFF1", "eta 1 2026-12-03 15:00")
    await bot.settle()


async def test_transfer_carries_the_context(cbot: Bot) -> None:
    await _inquiry_with_history(cbot)
    reply = await cbot.reply_to("USTAFF1", "이관 #1 <@USTAFF2> 휴가로 인계")
    assert "#1" in reply
    await cbot.settle()
    cards = [
        m
        for m in cbot.fake.messages(cbot.fake.dm_channel_for("USTAFF2"))
        if "USTAFF1" in text_of(m) and "서버 A" in text_of(m)
    ]
    assert len(cards) == 1, "one handoff card with the history"
    card = text_of(cards[0])
    for fact in ("체결 통보가 오지 않습니다", "미래에셋증권", "휴가로 인계", "2026-12-03 15:00"):
        assert fact in card, fact
    told = cbot.dm_texts("UCUST")
    assert any("repeat" in t and "USTAFF2" in t for t in told), told
    shown = await cbot.reply_to("USTAFF2", "show 1")
    assert "transferred" in shown or "이관" in shown
    async with cbot.deps.sessions() as s:
        handoffs = (await s.exec(select(Handoff))).all()
    assert [(h.from_id, h.to_id, h.by_id) for h in handoffs] == [("USTAFF1", "USTAFF2", "USTAFF1")]


async def test_transfer_to_someone_away_is_refused_with_the_delegate(cbot: Bot) -> None:
    await _inquiry_with_history(cbot)
    await cbot.reply_to("USTAFF2", "until: 17:00 delegate: <@UMANAGER>", command="/away")
    reply = await cbot.reply_to("USTAFF1", "transfer 1 <@USTAFF2> 휴가")
    assert "UMANAGER" in reply
    async with cbot.deps.sessions() as s:
        assert (await s.exec(select(Handoff))).all() == []


async def test_callback_transfer_carries_the_inquiry_context(cbot: Bot) -> None:
    await _inquiry_with_history(cbot)
    await log_callback(cbot, LOG + " 문의: #1")
    first = text_of(offers(cbot, "USTAFF1")[0])
    assert "#1" in first and "서버 A" in first, "the owner sees the inquiry's context"
    reply = await cbot.reply_to("USTAFF1", "못 해요 CB1 <@USTAFF2> 회의 중", command="/callback")
    assert "CB1" in reply
    await cbot.settle()
    handed = offers(cbot, "USTAFF2")
    assert len(handed) == 1
    text = text_of(handed[0])
    assert "회의 중" in text and "서버 A" in text and PHONE in text
    assert (await callback(cbot)).owner_id == "USTAFF2"


async def test_nudges_of_an_absent_assignee_go_to_the_delegate(db_url: str) -> None:
    config = copy.deepcopy(CONFIG)
    config["calendar"] = {"always_open": True}
    config["sla"] = {"support_first_response": "10m", "approaching": 0.75}
    bot, stop = await start_bot(db_url, config)
    try:
        await bot.reply_to("USTAFF2", "new support Printer jam <@USTAFF1>")
        await bot.reply_to("USTAFF1", "until: +2h delegate: <@USTAFF2>", command="/away")
        await bot.settle()
        before = len(bot.dm_texts("USTAFF1"))
        await advance(bot, 8)
        nudged = [
            m
            for m in bot.fake.messages(bot.fake.dm_channel_for("USTAFF2"))
            if any(
                e["action_id"].startswith("nudge-snooze")
                for b in m.get("blocks") or []
                if b.get("type") == "actions"
                for e in b["elements"]
            )
        ]
        assert nudged, "the delegate gets the nudge"
        assert len(bot.dm_texts("USTAFF1")) == before, "the absent assignee gets nothing"
    finally:
        await stop()


async def test_the_form_logs_a_callback_and_refuses_a_bad_number(cbot: Bot) -> None:
    reply = await cbot.command("URECEPTION", "", command="/callback")
    assert reply.status == 200
    opened = await eventually(lambda: cbot.fake.calls_to("views.open"))
    view = opened[0].args["view"]
    assert view["callback_id"] == "callback-new-modal"
    values: dict[str, dict[str, Any]] = {
        "callback_owner": {"type": "users_select", "selected_user": "USTAFF1"},
        "callback_caller": {"type": "plain_text_input", "value": "홍길동"},
        "callback_company": {"type": "plain_text_input", "value": "미래에셋증권"},
        "callback_phone": {"type": "plain_text_input", "value": "12"},
        "callback_topic": {"type": "plain_text_input", "value": "<!channel> 체결 통보"},
        "callback_inquiry": {"type": "plain_text_input", "value": None},
        "callback_urgent": {"type": "checkboxes", "selected_options": []},
    }
    bad = await cbot.submit("URECEPTION", view, values)
    assert bad.status == 200 and "callback_phone" in bad.text
    values["callback_phone"] = {"type": "plain_text_input", "value": "010 1234 5678"}
    good = await cbot.submit("URECEPTION", view, values)
    assert good.status == 200 and good.text in ("", "{}")
    await eventually(lambda: any("CB1" in t for t in cbot.dm_texts("URECEPTION")))
    await cbot.settle()
    [offer] = offers(cbot, "USTAFF1")
    shown = text_of(offer)
    assert "010-1234-5678" in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown, "user text is escaped"
