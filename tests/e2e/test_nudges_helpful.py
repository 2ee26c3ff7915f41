"""Reminders that help instead of nag (issue 9 §3, the nudge part of §4, issue 7 §6 snooze).

On the real business calendar (Tuesday 2026-12-01 10:00 KST, default SLAs: support first
response 15bm, ETA after 1bh, escalation grace 30bm, overdue repeat 1bd), through the real
server and the fake Slack Web API, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlmodel import select

from e2e.harness import KST, Bot, eventually, start_bot
from storage.models import Inquiry, Reminder

FR_EN = "a first response to the customer"
ETA_EN = "an ETA for the customer"
FR_KO = "고객에 대한 첫 응답"


def is_nudge(message: dict[str, Any]) -> bool:
    return any(
        b.get("type") == "actions"
        and any(e["action_id"].startswith("nudge-snooze") for e in b["elements"])
        for b in message.get("blocks") or []
    )


def dm_nudges(bot: Bot, user: str) -> list[dict[str, Any]]:
    return [m for m in bot.fake.messages(bot.fake.dm_channel_for(user)) if is_nudge(m)]


def channel_nudges(bot: Bot, channel: str = "C0TRIAGE") -> list[dict[str, Any]]:
    return [m for m in bot.posts(channel) if is_nudge(m)]


def lines(message: dict[str, Any]) -> list[str]:
    """The inquiry lines of a nudge (one per inquiry and language)."""
    return [line for line in message["text"].splitlines() if line.startswith("• ")]


def line_blocks(message: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(line section text, its buttons) per inquiry."""
    blocks = message["blocks"]
    out = []
    for block, after in pairwise(blocks):
        if block["type"] == "section" and after["type"] == "actions":
            out.append((block["text"]["text"], after["elements"]))
    return out


def snooze_of(message: dict[str, Any], number: int) -> dict[str, Any]:
    for text, elements in line_blocks(message):
        if f"*#{number}*" in text:
            return next(e for e in elements if e["action_id"].startswith("nudge-snooze"))
    raise AssertionError(f"no line about #{number}")


def set_time(bot: Bot, when: str) -> None:
    """Set the clock to `when` (KST, 'YYYY-MM-DD HH:MM'); it runs on with real time."""
    bot.clock.set(datetime.fromisoformat(when).replace(tzinfo=KST))


async def at(bot: Bot, when: str) -> None:
    """Sweep at `when` (half a minute in: what is due at `when` and was set up at `when`)."""
    bot.clock.set(datetime.fromisoformat(when).replace(tzinfo=KST) + timedelta(seconds=30))
    await bot.runtime.run_due_work()
    await bot.settle()


async def new(bot: Bot, text: str, user: str = "USTAFF2") -> None:
    await bot.reply_to(user, text)
    await bot.settle()


async def click(
    bot: Bot, user: str, button: dict[str, Any], channel: str, message_ts: str = ""
) -> str:
    """Press a button and return the ephemeral answer it produced."""
    before = len(bot.fake.calls_to("response_url"))
    reply = await bot.click(
        user, button["action_id"], button["value"], channel=channel, message_ts=message_ts
    )
    assert reply.status == 200
    await eventually(lambda: len(bot.fake.calls_to("response_url")) > before)
    return str(bot.fake.calls_to("response_url")[before].args.get("text"))


async def snoozes(bot: Bot) -> list[Reminder]:
    async with bot.deps.sessions() as s:
        rows = await s.exec(select(Reminder).where(Reminder.key.contains("~snz")))  # type: ignore[attr-defined]
        return list(rows.all())


# ---------------------------------------------------------------- only the most advanced state


async def test_a_late_sweep_shows_each_obligation_once_at_its_latest_state(bot: Bot) -> None:
    await new(bot, "new support Printer jam <@USTAFF2>")
    # nothing ran between 10:00 and 10:50 (a restart, a jumped clock): the first response
    # has both its approaching and its deadline reminder due at once
    await at(bot, "2026-12-01 10:50")
    nudges = dm_nudges(bot, "USTAFF2")
    assert len(nudges) == 1
    assert len(lines(nudges[0])) == 1, "one line per inquiry"
    text = nudges[0]["text"]
    assert f"{FR_EN} was due at Tue 1 Dec, 10:15" in text
    assert f"{FR_EN} is due" not in text, "never 'approaching' and 'was due' together"
    assert f"{ETA_EN} is due at Tue 1 Dec, 11:00" in text  # the ETA is still ahead


async def test_an_approaching_nudge_held_for_business_hours_past_the_deadline_is_dropped(
    db_url: str,
) -> None:
    bot, stop = await start_bot(db_url, start=datetime(2026, 12, 4, 17, 30, tzinfo=KST))
    try:
        await new(bot, "new request Weekend change <@USTAFF2>")
        await bot.reply_to("USTAFF2", "progress 1 scale reviewed")  # the review result
        set_time(bot, "2026-12-05 11:00")  # Saturday: promise the customer Sunday 10:00
        answer = await bot.reply_to("USTAFF2", "eta 1 2026-12-06 10:00")
        assert "#1" in answer
        await bot.settle()
        # its "approaching" mark waits for Monday 09:00, after the deadline: superseded
        await at(bot, "2026-12-07 09:00")
        texts = [m["text"] for m in dm_nudges(bot, "USTAFF2")]
        assert len(texts) == 1
        assert "the resolution promised to the customer was due at Sun 6 Dec, 10:00" in texts[0]
        assert "is due" not in texts[0]
    finally:
        await stop()


# ---------------------------------------------------------------- snooze postpones, never resurrects


async def test_snooze_across_the_deadline_postpones_the_overdue_nudge(bot: Bot) -> None:
    await new(bot, "new support Snooze across <@USTAFF2>")
    await at(bot, "2026-12-01 10:11")
    first = dm_nudges(bot, "USTAFF2")
    assert len(first) == 1 and f"{FR_EN} is due at Tue 1 Dec, 10:15" in first[0]["text"]
    dm = bot.fake.dm_channel_for("USTAFF2")
    answer = await click(bot, "USTAFF2", snooze_of(first[0], 1), dm, first[0]["ts"])
    # the confirmation names the inquiry, the obligation and the time
    assert answer == f"Snoozed #1 ({FR_EN}) until today, 11:11."
    await at(bot, "2026-12-01 10:16")
    assert len(dm_nudges(bot, "USTAFF2")) == 1, "the deadline nudge waits for the snooze"
    for moment in ("10:45", "11:00", "11:12", "13:00", "17:30"):
        await at(bot, f"2026-12-01 {moment}")
    await at(bot, "2026-12-02 09:00")
    await at(bot, "2026-12-02 10:00")
    later = [m["text"] for m in dm_nudges(bot, "USTAFF2")[1:]]
    # the snooze came back once, at 11:12, with the overdue state of the first response
    woke = [t for t in later if f"{FR_EN} was due at Tue 1 Dec, 10:15" in t]
    assert woke, later
    # ... and no stale "approaching" line about the first response ever came back
    assert not [t for t in later if f"{FR_EN} is due" in t], later
    # the manager's escalation is not the assignee's to snooze: it went out after the grace
    assert dm_nudges(bot, "UMANAGER")


# ---------------------------------------------------------------- escalation after a grace period


async def test_manager_hears_after_the_grace_not_with_the_deadline_nudge(bot: Bot) -> None:
    await new(bot, "new support Grace period <@USTAFF1>")
    await at(bot, "2026-12-01 10:15")
    # one sweep at 10:15: the approaching mark (10:11) is superseded by the deadline
    assert len(dm_nudges(bot, "USTAFF1")) == 1
    assert "기한(12월 1일(화) 10:15)이 지났습니다" in dm_nudges(bot, "USTAFF1")[0]["text"]
    assert dm_nudges(bot, "UMANAGER") == []
    await at(bot, "2026-12-01 10:44")
    assert dm_nudges(bot, "UMANAGER") == []
    await at(bot, "2026-12-01 10:45")  # deadline + 30bm
    escalations = dm_nudges(bot, "UMANAGER")
    assert len(escalations) == 1
    assert "🔺" in escalations[0]["text"] and "<@USTAFF1>" in escalations[0]["text"]


async def test_unassigned_inquiry_escalates_at_the_deadline(bot: Bot) -> None:
    await new(bot, "new support Nobody owns me")
    await at(bot, "2026-12-01 10:15")
    escalations = dm_nudges(bot, "UMANAGER")
    assert len(escalations) == 1 and "🔺" in escalations[0]["text"]


async def test_assigning_later_moves_the_escalation_to_after_the_grace(bot: Bot) -> None:
    await new(bot, "new support Picked up later")
    set_time(bot, "2026-12-01 10:05")
    await bot.reply_to("USTAFF2", "assign 1 <@USTAFF1>")
    await at(bot, "2026-12-01 10:15")
    assert dm_nudges(bot, "UMANAGER") == []
    await at(bot, "2026-12-01 10:45")
    await at(bot, "2026-12-01 10:50")
    assert len(dm_nudges(bot, "UMANAGER")) == 1, "escalated once, after the grace"


# ---------------------------------------------------------------- overdue repeats


async def _five_overdue_inquiries(bot: Bot) -> None:
    for when, text in (
        ("10:00", "new support Alpha <@USTAFF1>"),
        ("10:20", "new support Bravo <@USTAFF1>"),
        ("11:00", "new support Charlie <@USTAFF1>"),
        ("13:30", "new support Delta <@USTAFF2>"),
        ("15:00", "new support Echo <@USTAFF2>"),
    ):
        set_time(bot, f"2026-12-01 {when}")
        await new(bot, text)
    for hour in range(15, 19):
        for minute in (0, 15, 30, 45):
            await at(bot, f"2026-12-01 {hour:02d}:{minute:02d}")


async def test_overdue_repeats_are_one_line_per_inquiry_once_a_business_day(bot: Bot) -> None:
    await _five_overdue_inquiries(bot)
    first_day = len(dm_nudges(bot, "UMANAGER"))
    staff1_first_day = len(dm_nudges(bot, "USTAFF1"))
    assert first_day >= 1
    # the second business day, swept every half hour
    for hour in range(9, 18):
        for minute in (0, 30):
            await at(bot, f"2026-12-02 {hour:02d}:{minute:02d}")
    second_day = dm_nudges(bot, "UMANAGER")[first_day:]
    assert len(second_day) == 1, [m["text"] for m in second_day]
    manager_lines = lines(second_day[0])
    assert len(manager_lines) == 5, manager_lines  # not one per obligation (10)
    assert len({re.search(r"#(\d+)", line).group(1) for line in manager_lines}) == 5  # type: ignore[union-attr]
    assert all("🔺" in line for line in manager_lines)
    # the assignee gets their own round-up: one message, one line per inquiry of theirs
    staff1 = dm_nudges(bot, "USTAFF1")[staff1_first_day:]
    assert len(staff1) == 1 and len(lines(staff1[0])) == 3
    assert "🔺" not in staff1[0]["text"]
    await at(bot, "2026-12-03 09:00")
    third_day = dm_nudges(bot, "UMANAGER")[first_day + 1 :]
    assert len(third_day) == 1 and len(lines(third_day[0])) == 5


async def test_triage_gets_one_line_per_unassigned_inquiry(bot: Bot) -> None:
    await new(bot, "new support Unowned one")
    set_time(bot, "2026-12-01 10:05")
    await new(bot, "new support Unowned two")
    for minute in range(10, 60, 5):
        await at(bot, f"2026-12-01 10:{minute:02d}")
    for hour in range(11, 18):
        await at(bot, f"2026-12-01 {hour:02d}:00")
    for message in channel_nudges(bot):
        numbers = re.findall(r"\*#(\d+)\*", message["text"])
        # bilingual: each inquiry once in Korean and once in English, never more
        assert all(numbers.count(n) == 2 for n in numbers), message["text"]
        assert len(line_blocks(message)) == len(set(numbers))
    before = len(channel_nudges(bot))
    for hour in range(9, 18):
        await at(bot, f"2026-12-02 {hour:02d}:00")
    repeats = channel_nudges(bot)[before:]
    assert len(repeats) == 1
    assert sorted(set(re.findall(r"\*#(\d+)\*", repeats[0]["text"]))) == ["1", "2"]


# ---------------------------------------------------------------- channel nudges


async def test_channel_nudges_are_bilingual_with_the_cards_buttons(bot: Bot) -> None:
    await new(bot, "new support Unowned bilingual")
    await at(bot, "2026-12-01 10:11")
    nudges = channel_nudges(bot)
    assert len(nudges) == 1
    text = nudges[0]["text"]
    ko = text.index(f"{FR_KO} 기한이 다가옵니다 (12월 1일(화) 10:15까지)")
    en = text.index(f"{FR_EN} is due at Tue 1 Dec, 10:15")
    assert ko < en, "Korean first, English second, as on the cards"
    (_, buttons), *_ = line_blocks(nudges[0])
    ids = [b["action_id"] for b in buttons]
    assert ids == [
        "inquiry-assign-me",
        "inquiry-add-progress",
        "inquiry-resolve",
        "nudge-snooze-60",
    ]
    assert all(" · " in b["text"]["text"] for b in buttons)  # bilingual labels
    # "assign to me" on the nudge works like the card's
    await click_assign(bot, "USTAFF1", buttons[0], nudges[0]["ts"])
    async with bot.deps.sessions() as s:
        inquiry = (await s.exec(select(Inquiry))).one()
    assert inquiry.assignee_id == "USTAFF1"


async def click_assign(bot: Bot, user: str, button: dict[str, Any], ts: str) -> None:
    reply = await bot.click(user, button["action_id"], button["value"], message_ts=ts)
    assert reply.status == 200

    async def assigned() -> bool:
        async with bot.deps.sessions() as s:
            return (await s.exec(select(Inquiry))).one().assignee_id == user

    for _ in range(200):
        if await assigned():
            return
        await bot.settle()
    raise AssertionError("not assigned")


async def test_only_team_people_may_snooze_a_channel_nudge(bot: Bot) -> None:
    await new(bot, "new support Unowned snooze")
    await at(bot, "2026-12-01 10:11")
    nudge = channel_nudges(bot)[0]
    button = snooze_of(nudge, 1)
    # a customer and the receptionist (staff, but in no team) are refused, and told who may
    answer = await click(bot, "UCUST", button, "C0TRIAGE", nudge["ts"])
    assert answer == (
        "#1 has no assignee yet: only a member of a team (HTS support) may snooze its reminders."
    )
    answer = await click(bot, "URECEPTION", button, "C0TRIAGE", nudge["ts"])
    assert "HTS support" in answer and "#1" in answer
    assert await snoozes(bot) == []
    # a team member may, and is told what was snoozed until when
    answer = await click(bot, "USTAFF2", button, "C0TRIAGE", nudge["ts"])
    assert answer == f"Snoozed #1 ({FR_EN}) until today, 11:11."
    assert len(await snoozes(bot)) == 1


async def test_dm_snooze_checks_the_owner(bot: Bot) -> None:
    await new(bot, "new support Minji's reminder <@USTAFF1>")
    await at(bot, "2026-12-01 10:11")
    nudge = dm_nudges(bot, "USTAFF1")[0]
    button = snooze_of(nudge, 1)
    # a colleague forges the button value in their own DM: refused, nothing snoozed
    own_dm = bot.fake.dm_channel_for("USTAFF2")
    answer = await click(bot, "USTAFF2", button, own_dm)
    assert answer == "This reminder about #1 was sent to <@USTAFF1>: only they may snooze it."
    answer = await click(bot, "UMANAGER", button, bot.fake.dm_channel_for("UMANAGER"))
    assert "<@USTAFF1>" in answer
    assert await snoozes(bot) == []
    # garbage and unknown ids are answered, not a traceback
    garbage = {"action_id": "nudge-snooze-30", "value": "not json"}
    assert "no longer exists" in await click(bot, "USTAFF2", garbage, own_dm)
    unknown = {"action_id": "nudge-snooze-30", "value": json.dumps([99999, 123456789012])}
    assert "no longer exists" in await click(bot, "USTAFF2", unknown, own_dm)
    # the owner may (Korean: USTAFF1 reads ko-KR)
    answer = await click(bot, "USTAFF1", button, bot.fake.dm_channel_for("USTAFF1"), nudge["ts"])
    assert answer == f"#1 ({FR_KO}) 알림을 오늘 11:11까지 미뤘습니다."
    assert len(await snoozes(bot)) == 1


# ---------------------------------------------------------------- wording and buttons


async def test_wording_says_what_is_owed(bot: Bot) -> None:
    await new(bot, "new support Wording en <@USTAFF2>")
    await new(bot, "new support 한국어 <@USTAFF1>")
    await new(bot, "new voc Website form <@USTAFF2>")
    await at(bot, "2026-12-01 10:11")
    assert f"{FR_EN} is due at Tue 1 Dec, 10:15" in dm_nudges(bot, "USTAFF2")[-1]["text"]
    assert (
        f"{FR_KO} 기한이 다가옵니다 (12월 1일(화) 10:15까지)"
        in (dm_nudges(bot, "USTAFF1")[-1]["text"])
    )
    await at(bot, "2026-12-01 10:45")
    assert f"{ETA_EN} is due at Tue 1 Dec, 11:00" in dm_nudges(bot, "USTAFF2")[-1]["text"]
    await at(bot, "2026-12-01 17:00")  # 75% of the voc's 1bd
    assert "the review result is due at Wed 2 Dec, 10:00" in dm_nudges(bot, "USTAFF2")[-1]["text"]


async def test_nudge_lines_carry_the_buttons_the_obligation_needs(bot: Bot) -> None:
    await new(bot, "new support Buttons <@USTAFF2>")
    await bot.reply_to("USTAFF2", "progress 1 looking")  # first response given
    await at(bot, "2026-12-01 10:45")  # the ETA is approaching
    nudge = dm_nudges(bot, "USTAFF2")[-1]
    [(text, buttons)] = line_blocks(nudge)
    assert ETA_EN in text
    assert [b["action_id"] for b in buttons] == [
        "inquiry-set-eta",
        "inquiry-resolve",
        "nudge-snooze-60",
    ]
    assert {b["value"] for b in buttons[:2]} == {"1"}
    # "Set ETA" on the nudge opens the same modal as on the card
    before = len(bot.fake.calls_to("views.open"))
    reply = await bot.click(
        "USTAFF2",
        "inquiry-set-eta",
        "1",
        channel=bot.fake.dm_channel_for("USTAFF2"),
        message_ts=nudge["ts"],
    )
    assert reply.status == 200
    await eventually(lambda: len(bot.fake.calls_to("views.open")) > before)
    view = bot.fake.calls_to("views.open")[before].args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "inquiry-eta-modal"
