"""Issue 17 on every Slack path: a date-only due date, milestone or ETA on a non-working day
is refused with the working days around it (kept with `!` in a command), in the reader's
language — `/inquiry` commands, the new-inquiry modal and the ETA modal (SQLite and
PostgreSQL). Saturday 2026-12-05; Christmas 2026-12-25 (a Friday)."""

from __future__ import annotations

import json

from sqlmodel import select

from e2e.harness import Bot, eventually
from storage.models import Inquiry


async def _rows(bot: Bot) -> list[Inquiry]:
    async with bot.deps.sessions() as s:
        return list((await s.exec(select(Inquiry).order_by(Inquiry.number))).all())


async def test_commands_refuse_a_day_off_and_keep_it_with_a_bang(bot: Bot) -> None:
    ko = await bot.reply_to("USTAFF1", "새 규제 약관 개정 마감: 12월 25일")
    assert ko.startswith(
        "12월 25일(금)은 쉬는 날입니다(주말·공휴일). 앞뒤 영업일은 12월 24일(목), 12월 28일(월)입니다."
    )
    assert "`마감: 2026-12-25!`" in ko
    assert await _rows(bot) == []
    kept = await bot.reply_to("USTAFF1", "새 규제 약관 개정 마감: 2026-12-25!")
    assert "#1" in kept
    en = await bot.reply_to("USTAFF2", "eta 1 2026-12-05")
    assert en.startswith("Sat 5 Dec is not a working day (a weekend or holiday).")
    assert "Fri 4 Dec and Mon 7 Dec" in en
    milestone = await bot.reply_to("USTAFF2", "milestone 1 12/6 Design review")
    assert milestone.startswith("Sun 6 Dec is not a working day")


async def test_the_new_inquiry_modal_refuses_a_day_off(bot: Bot) -> None:
    await bot.command("USTAFF1", "")
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[0].args["view"]
    values = {
        "kind": {"type": "static_select", "selected_option": {"value": "regulatory"}},
        "title": {"type": "plain_text_input", "value": "약관 개정"},
        "due": {"type": "datepicker", "selected_date": "2026-12-05"},
    }
    body = json.loads((await bot.submit("USTAFF1", view, values)).text)
    assert body["response_action"] == "errors"
    assert body["errors"]["due"].startswith("12월 5일(토)은 쉬는 날입니다")
    assert "12월 4일(금), 12월 7일(월) 중에서" in body["errors"]["due"]
    assert await _rows(bot) == []
    values["due"] = {"type": "datepicker", "selected_date": "2026-12-07"}
    assert (await bot.submit("USTAFF1", view, values)).status == 200
    await eventually(lambda: bot.fake.calls_to("chat.postMessage"), timeout=10)
    assert [r.number for r in await _rows(bot)] == [1]


async def test_the_eta_modal_refuses_a_date_only_day_off(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Cannot log in")
    await bot.settle()
    card = bot.posts("C0TRIAGE")[0]
    await bot.click("USTAFF2", "inquiry-set-eta", "1", message_ts=card["ts"])
    eta_view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    saturday = {
        "eta_date": {"type": "datepicker", "selected_date": "2026-12-05"},
        "eta_time": {"type": "timepicker", "selected_time": None},
    }
    body = json.loads((await bot.submit("USTAFF2", eta_view, saturday)).text)
    assert body["errors"]["eta_date"].startswith(
        "Sat 5 Dec is not a working day (a weekend or holiday): pick Fri 4 Dec or Mon 7 Dec."
    )
    assert (await _rows(bot))[0].eta_at is None
