"""SLA nudges end to end: short SLAs, a movable clock, the real server and fake Slack."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from e2e.harness import KST, TEST_CONFIG, Bot, eventually, start_bot
from storage.models import Reminder

SHORT: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
SHORT["calendar"] = {"always_open": True}
SHORT["sla"] = {
    "support_first_response": "10m",
    "support_eta": "1h",
    "voc_review": "1h",
    "request_review": "2h",
    "approaching": 0.75,
    "overdue_repeat": "30m",
}
SHORT["scheduler"] = {"sweep_interval": "1s"}


@pytest.fixture
async def nbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, SHORT)
    yield driver
    await stop()


async def advance(bot: Bot, minutes: float) -> None:
    """Move the clock and run what is due, as the scheduler would."""
    bot.clock.advance(timedelta(minutes=minutes))
    await bot.runtime.run_due_work()
    await bot.settle()


def nudges_to(bot: Bot, user: str) -> list[dict[str, Any]]:
    channel = bot.fake.dm_channel_for(user)
    return [
        m
        for m in bot.fake.messages(channel)
        if any(
            b.get("type") == "actions"
            and any(e["action_id"].startswith("nudge-snooze") for e in b["elements"])
            for b in m.get("blocks") or []
        )
    ]


def snooze_button(nudge: dict[str, Any], number: int | None = None) -> dict[str, Any]:
    """The snooze button of the nudge's line about #number (the first line by default)."""
    for block in nudge["blocks"]:
        if block.get("type") != "actions":
            continue
        if number is not None and not any(
            e["action_id"] != "nudge-snooze-60" and e["value"] == str(number)
            for e in block["elements"]
        ):
            continue
        return next(e for e in block["elements"] if e["action_id"].startswith("nudge-snooze"))
    raise AssertionError(f"no snooze button for #{number}")


async def new(bot: Bot, text: str) -> None:
    await bot.reply_to("USTAFF2", text)
    await bot.settle()


async def click_first_snooze(bot: Bot, user: str) -> None:
    """`user` presses the snooze button of the first nudge in their DM."""
    nudge = nudges_to(bot, user)[0]
    snooze = snooze_button(nudge)
    await bot.click(
        user,
        snooze["action_id"],
        snooze["value"],
        channel=bot.fake.dm_channel_for(user),
        message_ts=nudge["ts"],
    )


async def test_approaching_deadline_and_escalation(nbot: Bot) -> None:
    await new(nbot, "new support Printer jam <@USTAFF1>")
    await advance(nbot, 5)
    assert nudges_to(nbot, "USTAFF1") == []
    await advance(nbot, 3)  # 8 of 10 minutes: past the 75% mark
    first = nudges_to(nbot, "USTAFF1")
    assert len(first) == 1 and "다가옵니다" in first[0]["text"]  # USTAFF1 reads Korean
    assert "#1" in first[0]["text"]
    assert nudges_to(nbot, "UMANAGER") == []
    await advance(nbot, 3)  # past the deadline
    assert len(nudges_to(nbot, "USTAFF1")) == 2
    # the manager hears only after the escalation grace (30bm), not with the deadline nudge
    assert nudges_to(nbot, "UMANAGER") == []
    await advance(nbot, 25)  # 10:36: still within the grace
    assert nudges_to(nbot, "UMANAGER") == []
    await advance(nbot, 5)  # 10:41
    escalations = nudges_to(nbot, "UMANAGER")
    assert (
        len(escalations) == 1
        and "🔺" in escalations[0]["text"]
        and "<@USTAFF1>" in escalations[0]["text"]
    )
    # repeated while overdue, at most once per overdue_repeat (30m), on the shared grid
    await advance(nbot, 10)  # 10:51
    assert len(nudges_to(nbot, "UMANAGER")) == 1
    await advance(nbot, 40)  # 11:31: the 11:30 point (the first one 30m after 10:41)
    assert len(nudges_to(nbot, "UMANAGER")) == 2


async def test_several_nudges_for_one_person_are_grouped(nbot: Bot) -> None:
    await new(nbot, "new support One <@USTAFF1>")
    await new(nbot, "new support Two <@USTAFF1>")
    await advance(nbot, 8)
    nudges = nudges_to(nbot, "USTAFF1")
    assert len(nudges) == 1
    assert "#1" in nudges[0]["text"] and "#2" in nudges[0]["text"]


async def test_acting_cancels_pointless_nudges(nbot: Bot) -> None:
    await new(nbot, "new support Cancel me <@USTAFF1>")
    await advance(nbot, 8)
    assert len(nudges_to(nbot, "USTAFF1")) == 1
    await nbot.reply_to("USTAFF1", "progress 1 Looking at it now")  # the first response
    await advance(nbot, 5)
    assert len(nudges_to(nbot, "USTAFF1")) == 1, "no deadline nudge after the response"
    assert nudges_to(nbot, "UMANAGER") == []
    await nbot.reply_to("USTAFF1", "resolve 1 done")
    await advance(nbot, 120)
    assert len(nudges_to(nbot, "USTAFF1")) == 1
    async with nbot.deps.sessions() as s:
        pending = (await s.exec(select(Reminder).where(Reminder.state == "pending"))).all()
    assert pending == []


async def test_eta_required_then_eta_becomes_deadline(nbot: Bot) -> None:
    await new(nbot, "new support Needs an ETA <@USTAFF1>")
    await nbot.reply_to("USTAFF1", "progress 1 on it")
    await advance(nbot, 46)  # 75% of the 1h ETA window
    texts = [m["text"] for m in nudges_to(nbot, "USTAFF1")]
    assert len(texts) == 1 and "고객에게 알릴 예상 완료 시각" in texts[0]
    await nbot.reply_to("USTAFF1", "eta 1 +40m")
    await advance(nbot, 20)
    assert len(nudges_to(nbot, "USTAFF1")) == 1  # ETA given: no more eta nudges
    await advance(nbot, 11)  # 31 of 40 minutes of the promised resolution
    texts = [m["text"] for m in nudges_to(nbot, "USTAFF1")]
    assert len(texts) == 2 and "해결" in texts[-1]


async def test_snooze_fires_again_later_and_double_click_snoozes_once(nbot: Bot) -> None:
    await new(nbot, "new support Snooze me <@USTAFF2>")
    await advance(nbot, 8)
    nudge = nudges_to(nbot, "USTAFF2")[0]
    snooze = snooze_button(nudge)
    answered = len(nbot.fake.calls_to("response_url"))
    for _ in range(2):
        await nbot.click(
            "USTAFF2",
            snooze["action_id"],
            snooze["value"],
            channel=nbot.fake.dm_channel_for("USTAFF2"),
            message_ts=nudge["ts"],
        )
    # Both clicks answered, i.e. both snoozes committed, before the first response below:
    # otherwise a snooze written after it escapes the cancellation (and the test flaked).
    await eventually(lambda: len(nbot.fake.calls_to("response_url")) >= answered + 2)
    assert any(
        "Snoozed #1" in json.dumps(c.args) for c in nbot.fake.calls_to("response_url")[answered:]
    )
    await nbot.reply_to(
        "USTAFF2", "progress 1 replied"
    )  # first response met; ETA promise still open
    await advance(nbot, 61)
    async with nbot.deps.sessions() as s:
        snoozes = (await s.exec(select(Reminder).where(Reminder.key.contains("~snz")))).all()  # type: ignore[attr-defined]
    assert len(snoozes) == 1
    # the snooze was about the first response, which is now met: it was cancelled, not sent
    assert snoozes[0].state == "cancelled"


async def test_a_snooze_republishes_the_snoozers_home(nbot: Bot) -> None:
    """Issue 16: the staff dashboard lists snoozed nudges, so a snooze refreshes it."""

    def published() -> int:
        return sum(1 for c in nbot.fake.calls_to("views.publish") if c.args["user_id"] == "USTAFF2")

    await nbot.event({"type": "app_home_opened", "user": "USTAFF2", "tab": "home"})
    await eventually(lambda: published() >= 1)
    await new(nbot, "new support Snooze home <@USTAFF2>")
    await advance(nbot, 8)
    await nbot.settle()
    before = published()
    await click_first_snooze(nbot, "USTAFF2")
    await eventually(
        lambda: any("Snoozed #1" in json.dumps(c.args) for c in nbot.fake.calls_to("response_url"))
    )
    await nbot.settle()
    assert published() == before  # debounced: not yet
    await advance(nbot, 1)
    await nbot.settle()
    assert published() == before + 1


async def test_snooze_of_open_promise_fires(nbot: Bot) -> None:
    await new(nbot, "new support Snooze fires <@USTAFF2>")
    await nbot.reply_to("USTAFF2", "progress 1 first look")
    await advance(nbot, 46)
    await click_first_snooze(nbot, "USTAFF2")

    async def snoozed() -> bool:
        async with nbot.deps.sessions() as s:
            return bool((await s.exec(select(Reminder).where(Reminder.key.contains("~snz")))).all())  # type: ignore[attr-defined]

    for _ in range(100):
        if await snoozed():
            break
        await nbot.settle()
    await advance(nbot, 5)
    count = len(nudges_to(nbot, "USTAFF2"))
    await advance(nbot, 26)  # 11:17: the ETA was due 11:00, but the snooze (1 h) still waits
    assert len(nudges_to(nbot, "USTAFF2")) == count
    await advance(nbot, 30)  # 11:47: the snooze wakes up with the obligation's overdue state
    texts = [m["text"] for m in nudges_to(nbot, "USTAFF2")]
    assert len(texts) == count + 1
    assert "an ETA for the customer was due at" in texts[-1] and "is due" not in texts[-1]


async def test_unassigned_goes_to_triage_and_default_manager(nbot: Bot) -> None:
    await new(nbot, "new support Nobody owns me")
    await advance(nbot, 11)
    triage = [m for m in nbot.posts("C0TRIAGE") if "⏰" in (m.get("text") or "")]
    assert triage, "unassigned nudges go to the triage channel"
    assert nudges_to(nbot, "UMANAGER"), "and the escalation to the default manager"


async def test_hold_pauses_and_resume_shifts_deadline(nbot: Bot) -> None:
    await new(nbot, "new support Waiting on customer <@USTAFF1>")
    await advance(nbot, 5)
    await nbot.reply_to("USTAFF1", "hold 1 waiting for logs")
    await advance(nbot, 60)
    assert nudges_to(nbot, "USTAFF1") == [] and nudges_to(nbot, "UMANAGER") == []
    answer = await nbot.reply_to("USTAFF1", "resume 1")
    assert "#1" in answer
    await advance(nbot, 2)  # 7 of 10 minutes used: not yet approaching
    assert nudges_to(nbot, "USTAFF1") == []
    await advance(nbot, 1)
    assert len(nudges_to(nbot, "USTAFF1")) == 1


async def test_scheduler_fires_by_itself(nbot: Bot) -> None:
    await new(nbot, "new support Scheduler <@USTAFF1>")
    nbot.clock.advance(timedelta(minutes=9))
    await eventually(lambda: nudges_to(nbot, "USTAFF1"), timeout=6)


async def test_nudges_wait_for_business_hours(db_url: str) -> None:
    config = copy.deepcopy(TEST_CONFIG)
    friday = datetime(2026, 12, 4, 17, 50, tzinfo=KST)
    bot, stop = await start_bot(db_url, config, start=friday)
    try:
        await new(bot, "new support Late friday <@USTAFF1>")
        # 15bm: deadline Monday 09:05; the 75% mark (11 min) falls Monday 09:01
        bot.clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=KST))  # Saturday
        await bot.runtime.run_due_work()
        await bot.settle()
        assert nudges_to(bot, "USTAFF1") == []
        bot.clock.set(datetime(2026, 12, 7, 9, 2, tzinfo=KST))  # Monday
        await bot.runtime.run_due_work()
        await bot.settle()
        assert len(nudges_to(bot, "USTAFF1")) == 1
    finally:
        await stop()


async def test_regulatory_warnings_before_due_date(nbot: Bot) -> None:
    await new(nbot, "new regulatory Rate table change due:2026-12-20! <@USTAFF2>")
    await nbot.reply_to("USTAFF2", "progress 1 reviewed")
    await advance(nbot, 60 * 24 * 13)  # 2026-12-14 10:00: past the D-7 mark (12-13 23:59)
    assert len(nudges_to(nbot, "USTAFF2")) == 1 and "📅" in nudges_to(nbot, "USTAFF2")[0]["text"]
    await advance(nbot, 60 * 24 * 6)  # 2026-12-20 10:00: past D-1
    assert len(nudges_to(nbot, "USTAFF2")) == 2
    await advance(nbot, 60 * 24 * 2)  # past the due date
    assert len(nudges_to(nbot, "USTAFF2")) == 3
    assert nudges_to(nbot, "UMANAGER")


async def test_milestone_needs_progress_report(nbot: Bot) -> None:
    await new(nbot, "new request Big migration <@USTAFF1>")
    await nbot.reply_to("USTAFF1", "progress 1 scale: 3 months")
    answer = await nbot.reply_to("USTAFF1", "eta 1 2027-03-31")
    assert "#1" in answer
    await nbot.settle()
    assert any("milestone" in t for t in nbot.dm_texts("USTAFF1"))  # asked for stages
    await nbot.reply_to("USTAFF1", "milestone 1 2026-12-03 Design review")
    await advance(nbot, 60 * 24 * 2)  # 2026-12-03 10:00: 75% of the stage window gone
    texts = [m["text"] for m in nudges_to(nbot, "USTAFF1")]
    assert texts and "단계 진행 보고" in texts[-1]
    await nbot.reply_to("USTAFF1", "progress 1 design reviewed with the customer")
    before = len(nudges_to(nbot, "USTAFF1"))
    await advance(nbot, 60 * 24)
    assert len(nudges_to(nbot, "USTAFF1")) == before
