"""The daily digest end to end: the scheduler's job against the real server and fake Slack,
`/digest` and its opt-out, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from e2e.harness import Bot
from e2e.world import KST

from bot.scheduler import run_digest_job
from storage.repos.digest import list_digest_runs


async def _open(bot: Bot, text: str) -> None:
    reply = await bot.reply_to("USTAFF1", text)
    assert "#" in reply, reply


def _digests(bot: Bot, user: str) -> list[dict[str, object]]:
    channel = bot.fake.dm_channel_for(user)
    return [m for m in bot.fake.messages(channel) if "📋" in (m.get("text") or "")]


async def test_digest_sent_once_at_digest_time_with_sections(bot: Bot) -> None:
    await _open(bot, "new support Login fails <@USTAFF1>")
    await _open(bot, "new request Screen change <@USTAFF2>")
    # Wednesday 08:29 in Seoul: not yet; 08:30: due
    bot.clock.set(datetime(2026, 12, 2, 8, 29, tzinfo=KST))
    assert await run_digest_job(bot.deps) == 0
    bot.clock.set(datetime(2026, 12, 2, 8, 30, tzinfo=KST))
    assert await run_digest_job(bot.deps) == 1
    assert await run_digest_job(bot.deps) == 0  # claimed: never twice
    await bot.settle()
    sent = _digests(bot, "UMANAGER")
    assert len(sent) == 1
    blocks = json.dumps(sent[0]["blocks"], ensure_ascii=False)
    assert "기한 초과" in blocks  # the support first response (15 bm) is long overdue
    assert "#1" in blocks and "<@USTAFF1>" in blocks
    assert "지난 요약 이후 접수" in blocks  # both were opened since Tuesday's digest time
    async with bot.deps.sessions() as s:
        assert [r.day for r in await list_digest_runs(s, manager_id="UMANAGER")] == ["2026-12-02"]


async def test_weekend_no_digest_and_late_process_catches_up_same_day_only(bot: Bot) -> None:
    # Saturday 2026-12-05 and Sunday: no digest
    for day in (5, 6):
        bot.clock.set(datetime(2026, 12, day, 9, 0, tzinfo=KST))
        assert await run_digest_job(bot.deps) == 0
    # the process was down on Monday 08:30 and comes back at 15:00: sent then
    bot.clock.set(datetime(2026, 12, 7, 15, 0, tzinfo=KST))
    assert await run_digest_job(bot.deps) == 1
    # down all of Tuesday's digest window until Wednesday 08:00: Tuesday's is never sent
    bot.clock.set(datetime(2026, 12, 9, 8, 0, tzinfo=KST))
    assert await run_digest_job(bot.deps) == 0
    async with bot.deps.sessions() as s:
        assert [r.day for r in await list_digest_runs(s, manager_id="UMANAGER")] == ["2026-12-07"]


async def test_digest_command_off_on_and_refusals(bot: Bot) -> None:
    reply = await bot.reply_to("UMANAGER", "", command="/digest")
    assert "일일 요약" in reply and "챙길 일이 없습니다" in reply  # an empty team
    reply = await bot.reply_to("USTAFF1", "", command="/digest")
    assert "팀 관리자에게만" in reply
    reply = await bot.reply_to("UMANAGER", "끄기", command="/digest")
    assert "보내지 않습니다" in reply
    bot.clock.set(bot.clock.now() + timedelta(days=1))  # Wednesday 10:00
    assert await run_digest_job(bot.deps) == 0  # opted out
    reply = await bot.reply_to("UMANAGER", "on", command="/digest")
    assert "08:30" in reply
    assert await run_digest_job(bot.deps) == 1
    reply = await bot.reply_to("UADMIN", "<@UMANAGER>", command="/digest")
    assert "Daily digest" in reply  # the admin reads English
    reply = await bot.reply_to("USTAFF1", "<@UMANAGER>", command="/digest")
    assert "운영자만" in reply
    reply = await bot.reply_to("UADMIN", "<@USTAFF1>", command="/digest")
    assert "manages no team" in reply
    reply = await bot.reply_to("UMANAGER", "bogus", command="/digest")
    assert "사용법" in reply
