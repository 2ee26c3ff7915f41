"""Issue 9 §2, §4, §5 end to end: the customer's thread, links and buttons, the card's lifecycle."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from sqlmodel import select
from support.rows import message_of

from e2e.harness import START, Bot, eventually
from storage.models import Inquiry

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LONG = (
    "Hello, since this morning our traders cannot log in to the HTS and the error screen "
    "says the certificate expired although it was renewed last week, could you check it "
    "urgently? We have a deadline at noon."
)


async def _get(bot: Bot, number: int) -> Inquiry:
    async with bot.deps.sessions() as s:
        return (await s.exec(select(Inquiry).where(Inquiry.number == number))).one()


async def _permalink(bot: Bot, number: int) -> str | None:
    """The stored permalink of inquiry #number's card."""
    card = await message_of(bot.deps.sessions, (await _get(bot, number)).id, "card")
    return None if card is None else card.permalink


def _thread(bot: Bot, channel: str, ts: str) -> list[str]:
    return [m["text"] for m in bot.posts(channel) if m.get("thread_ts") == ts and m["ts"] != ts]


def _card(bot: Bot, number: int = 1) -> dict[str, Any]:
    return next(
        m
        for m in bot.posts("C0TRIAGE")
        if (m.get("blocks") or [{}])[0].get("text", {}).get("text", "").startswith(f"#{number} ")
    )


def _buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def _intake(bot: Bot, user: str, text: str) -> dict[str, Any]:
    msg = await bot.user_message(user, "C0INTAKE", text)
    await eventually(lambda: _thread(bot, "C0INTAKE", msg["ts"]))
    await bot.settle()
    return msg


# ---------------------------------------------------------------- §2 the customer's thread


async def test_thread_updates_are_short_in_the_customers_language(bot: Bot) -> None:
    msg = await _intake(bot, "UCUST", LONG)  # en-US, same time zone as the company
    inquiry = await _get(bot, 1)
    # the title is a short summary; the whole message stays as the detail
    assert len(inquiry.title) <= 80 and inquiry.title.endswith("…")
    assert inquiry.title.startswith("Hello, since this morning our traders")
    assert inquiry.detail == LONG
    await bot.reply_to("USTAFF1", "assign 1 <@USTAFF2|alex>")
    await bot.reply_to("USTAFF2", "eta 1 2026-12-01 15:00")
    await bot.reply_to("USTAFF2", "progress 1 Certificate chain rebuilt")
    await bot.reply_to("USTAFF2", "resolve 1 Fixed: the old certificate was cached")
    await bot.reply_to("UCUST", "reopen 1 Still failing for the night shift")
    await bot.settle()
    thread = _thread(bot, "C0INTAKE", msg["ts"])
    # received, assigned, eta, progress, resolved, the satisfaction survey (issue 15), reopened
    assert len(thread) == 7, thread
    for text in thread:
        assert "#1" in text
        assert not HANGUL.search(text), text  # English only for an en-US customer
        assert "traders" not in text and "urgently" not in text  # never her own message
        assert "night shift" not in text
        assert "?:" not in text
    assert "*#1* — expected to be done by Tue 1 Dec, 15:00." in thread
    assert "KST" not in "".join(thread)  # same zone as the company: no zone needed


async def test_korean_customer_reads_korean_only(bot: Bot) -> None:
    msg = await _intake(bot, "UCUST2", "주문 화면이 안 열립니다. 오류 코드 500")
    await bot.reply_to("USTAFF1", "eta 1 2026-12-02 11:00")
    await bot.settle()
    thread = _thread(bot, "C0INTAKE", msg["ts"])
    assert thread and all(HANGUL.search(t) for t in thread)
    assert not any("expected" in t or "logged" in t for t in thread)
    assert any("12월 2일(수) 11:00" in t for t in thread)
    assert (await _get(bot, 1)).title == "주문 화면이 안 열립니다."


async def test_other_time_zone_gets_the_zone(bot: Bot) -> None:
    bot.fake.add_user("UNYC", "nyc customer", locale="en-US", tz="America/New_York")
    msg = await _intake(bot, "UNYC", "The export button does nothing")
    await bot.reply_to("USTAFF1", "eta 1 2026-12-01 15:00")
    await bot.settle()
    thread = _thread(bot, "C0INTAKE", msg["ts"])
    assert "*#1* — expected to be done by Tue 1 Dec, 15:00 KST." in thread
    assert thread[0].endswith("KST.")  # "expect an answer by …" too


async def test_customer_views_carry_the_zone_for_another_time_zone(bot: Bot) -> None:
    """Her list, show and Home say whose clock the promised times are on, like her thread."""
    bot.fake.add_user("UNYC", "nyc customer", locale="en-US", tz="America/New_York")
    created = await bot.reply_to("UNYC", "new support The export button does nothing")
    # issue 17: moments are written for the reader (`Fri 4 Dec, 15:00`), not `2026-12-04 15:00`
    assert "today, 10:15 KST" in created  # an answer read at once names today
    await bot.reply_to("USTAFF1", "eta 1 2026-12-04 15:00")
    listed = await bot.reply_to("UNYC", "list")
    assert "Fri 4 Dec, 15:00 KST" in listed
    shown = await bot.reply_to("UNYC", "show 1")
    assert "Fri 4 Dec, 15:00 KST" in shown and "`Tue 1 Dec, 10:00 KST`" in shown
    await bot.event({"type": "app_home_opened", "user": "UNYC", "channel": "D0N", "tab": "home"})
    published = await eventually(lambda: bot.fake.calls_to("views.publish"))
    assert "Fri 4 Dec, 15:00 KST" in json.dumps(published[-1].args["view"])
    # a customer in the company's zone reads the times as before
    await bot.reply_to("UCUST", "new support Another one")
    await bot.reply_to("USTAFF1", "eta 2 2026-12-04 16:00")
    home = await bot.reply_to("UCUST", "list")
    assert "Fri 4 Dec, 16:00" in home and "KST" not in home


async def test_unknown_locale_gets_both_languages_their_own_first(bot: Bot) -> None:
    # Slack does not know this user (users.info fails): English message → English first
    msg = await _intake(bot, "UGUEST", "Where is my monthly statement")
    await bot.reply_to("USTAFF1", "eta 1 2026-12-01 15:00")
    await bot.settle()
    eta = _thread(bot, "C0INTAKE", msg["ts"])[-1]
    first, second = eta.split("\n")
    assert first == "*#1* — expected to be done by Tue 1 Dec, 15:00 KST."
    assert HANGUL.search(second) and "KST" in second


# ---------------------------------------------------------------- §5 the card's lifecycle


async def test_resolved_card_gives_verdict_per_obligation(bot: Bot) -> None:
    await bot.reply_to("USTAFF1", "new support Login fails <@USTAFF1>")
    bot.clock.advance(timedelta(minutes=5))
    await bot.reply_to("USTAFF1", "progress 1 Looking at the logs")  # first response at 10:05
    await bot.reply_to("USTAFF1", "eta 1 2026-12-01 11:00")
    bot.clock.advance(timedelta(hours=1, minutes=35))  # 1h 40m after opening, at 11:40
    await bot.reply_to("USTAFF1", "resolve 1 Session table cleaned")
    await bot.settle()
    text = json.dumps(_card(bot)["blocks"], ensure_ascii=False)
    assert "first response in 5m — met" in text
    assert "resolved in 1h 40m — 40m late" in text
    assert "첫 응답까지 5분 — 기한 준수" in text  # bilingual channel, Korean durations
    assert "- ·" not in text and "· -" not in text and "-  " not in text
    assert "Deadline" not in text  # a finished inquiry has a result, not a deadline


async def test_resolved_in_time_says_met(bot: Bot) -> None:
    await bot.reply_to("USTAFF1", "new voc Statement font too small")
    bot.clock.advance(timedelta(hours=3, minutes=20))
    await bot.reply_to("USTAFF1", "resolve 1 Font enlarged")
    await bot.settle()
    text = json.dumps(_card(bot)["blocks"], ensure_ascii=False)
    assert "resolved in 3h 20m — met" in text


async def test_reopen_button_starts_a_new_window(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Report is empty")
    await bot.reply_to("USTAFF1", "eta 1 2026-12-01 11:00")
    await bot.reply_to("USTAFF1", "resolve 1 Regenerated")
    await bot.settle()
    card = _card(bot)
    assert _buttons(card["blocks"]) == ["inquiry-reopen"]
    # a day later, long after the old ETA, the requester reopens with the button
    bot.clock.set(START + timedelta(days=1))
    refused_before = len(bot.fake.calls_to("response_url"))
    await bot.click("UCUST2", "inquiry-reopen", "1", message_ts=card["ts"])  # not hers
    refusal = await eventually(lambda: bot.fake.calls_to("response_url")[refused_before:])
    # another customer's inquiry answers like one that does not exist (no oracle)
    text = refusal[-1].args["text"]
    assert "#1" in text and ("문의가 없습니다" in text or "No such inquiry" in text)
    await bot.click("UCUST", "inquiry-reopen", "1", message_ts=card["ts"])
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    assert view["callback_id"] == "inquiry-reopen-modal"
    empty = await bot.submit("UCUST", view, {"note": {"type": "plain_text_input", "value": ""}})
    assert "note" in json.loads(empty.text)["errors"]
    note = {"note": {"type": "plain_text_input", "value": "Still empty for March"}}
    assert (await bot.submit("UCUST", view, note)).status == 200
    for _ in range(100):
        if (await _get(bot, 1)).status == "in_progress":
            break
        await bot.settle()
    inquiry = await _get(bot, 1)
    now = bot.clock.now()
    assert inquiry.status == "in_progress" and inquiry.eta_at is None
    assert inquiry.deadline_at is not None and inquiry.deadline_at > now
    assert inquiry.sla_start_at >= START + timedelta(days=1)
    await bot.settle()
    text = json.dumps(_card(bot)["blocks"], ensure_ascii=False)
    assert "🔴" not in text and "breached" not in text
    assert "inquiry-resolve" in _buttons(_card(bot)["blocks"])


async def test_customer_show_offers_reopen_once_resolved(bot: Bot) -> None:
    """The customer never sees the card: her `show` is where her Reopen button is."""
    await bot.reply_to("UCUST", "new support Export *fails*")
    await bot.reply_to("USTAFF1", "progress 1 Working on *it*")
    shown_open = await bot.reply_to("UCUST", "show 1")
    assert "inquiry-" not in shown_open  # open: no button at all for a customer
    assert "*it*" not in shown_open and "∗it∗" in shown_open  # user text stays text
    listed = await bot.reply_to("UCUST", "list")
    assert "*fails*" not in listed and "∗fails∗" in listed
    await bot.reply_to("USTAFF1", "resolve 1 Fixed")
    bot.clock.set(START + timedelta(days=1))
    before = len(bot.fake.calls_to("response_url"))
    await bot.command("UCUST", "show 1")
    reply = (await eventually(lambda: bot.fake.calls_to("response_url")[before:]))[-1]
    assert _buttons(reply.args["blocks"]) == ["inquiry-reopen"]
    await bot.click("UCUST", "inquiry-reopen", "1", channel="D0UCUST")
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    assert view["callback_id"] == "inquiry-reopen-modal"
    note = {"note": {"type": "plain_text_input", "value": "Still failing"}}
    assert (await bot.submit("UCUST", view, note)).status == 200
    for _ in range(100):
        if (await _get(bot, 1)).status == "in_progress":
            break
        await bot.settle()
    assert (await _get(bot, 1)).status == "in_progress"
    # another customer gets no button, and answers like a missing inquiry
    other = await bot.reply_to("UCUST2", "show 1")
    assert "inquiry-" not in other


async def test_regulatory_reopened_after_due_date_gets_a_new_due(bot: Bot) -> None:
    await bot.reply_to("USTAFF1", "new regulatory Rule 7 report due:2026-12-01")
    await bot.reply_to("USTAFF1", "resolve 1 Filed")
    bot.clock.set(START + timedelta(days=2))
    await bot.reply_to("USTAFF1", "reopen 1 Regulator asked for an annex")
    inquiry = await _get(bot, 1)
    assert inquiry.deadline_at is not None and inquiry.deadline_at > bot.clock.now()


async def test_assign_to_me_disappears_and_answers_already_yours(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Printer jams")
    await bot.settle()
    card = _card(bot)
    assert "inquiry-assign-me" in _buttons(card["blocks"])
    await bot.click("USTAFF1", "inquiry-assign-me", "1", message_ts=card["ts"])
    await eventually(lambda: bot.fake.calls_to("chat.postEphemeral"))
    await bot.settle()
    assert "inquiry-assign-me" not in _buttons(_card(bot)["blocks"])
    # later, a stale copy of the card is clicked again by the assignee
    bot.clock.advance(timedelta(minutes=2))
    await bot.click("USTAFF1", "inquiry-assign-me", "1", message_ts=card["ts"])
    answers = await eventually(lambda: bot.fake.calls_to("chat.postEphemeral")[1:])
    assert "already" in answers[-1].args["text"] or "이미" in answers[-1].args["text"]


async def test_card_and_show_carry_contact_progress_and_names(bot: Bot) -> None:
    await bot.command("USTAFF1", "")  # the "new inquiry" modal
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    values = {
        "kind": {"type": "static_select", "selected_option": {"value": "request"}},
        "title": {"type": "plain_text_input", "value": "New *report* screen `v2`"},
        "detail": {"type": "plain_text_input", "value": ""},
        "customer": {"type": "plain_text_input", "value": "Mirae Asset"},
        "contact": {"type": "plain_text_input", "value": "Kim, 02-123-4567"},
        "due": {"type": "datepicker", "selected_date": None},
        "assignee": {"type": "users_select", "selected_user": None},
    }
    assert (await bot.submit("USTAFF1", view, values)).status == 200
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.reply_to("USTAFF1", "assign 1 <@USTAFF2|alex>")
    await bot.reply_to("USTAFF2", "progress 1 Mock-ups shared with the customer")
    await bot.settle()
    card_text = json.dumps(_card(bot)["blocks"], ensure_ascii=False)
    assert "Kim, 02-123-4567" in card_text
    assert "Mock-ups shared with the customer" in card_text
    shown = await bot.reply_to("USTAFF1", "show 1")
    assert "Kim, 02-123-4567" in shown and "Mock-ups shared with the customer" in shown
    assert "<@USTAFF2>" in shown
    assert "— USTAFF2" not in shown and " USTAFF2\\n" not in shown  # no raw ids in the history
    blocks = bot.fake.calls_to("response_url")[-1].args["blocks"]
    # show carries the actions USTAFF1 may use (not assigned to her: she may take it)
    assert _buttons(blocks)[:5] == [
        "inquiry-assign-me",
        "inquiry-set-eta",
        "inquiry-add-progress",
        "inquiry-transfer",
        "inquiry-resolve",
    ]
    link = next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e.get("url"))
    assert link["url"] == await _permalink(bot, 1)
    # the assignee's own show does not offer "assign to me"
    await bot.reply_to("USTAFF2", "show 1")
    assert "inquiry-assign-me" not in _buttons(bot.fake.calls_to("response_url")[-1].args["blocks"])
    # formatting in user text stays literal in DMs and lists
    dms = bot.dm_texts("USTAFF2")
    assert any("report" in t for t in dms) and not any("*report*" in t for t in dms)
    listed = await bot.reply_to("USTAFF1", "list open")
    assert "*report*" not in listed and "`v2`" not in listed
    assert "report" in listed and "v2" in listed


# ---------------------------------------------------------------- §4 links and Home


async def test_card_permalink_is_fetched_once_and_used_by_nudges(bot: Bot) -> None:
    await bot.reply_to("USTAFF1", "new support VPN drops <@USTAFF1>")
    await bot.reply_to("USTAFF1", "progress 1 Checking")
    await bot.settle()
    card = _card(bot)
    permalink = await _permalink(bot, 1)
    assert permalink == f"{bot.fake.root_url}/#C0TRIAGE/{card['ts']}"
    assert len(bot.fake.calls_to("chat.getPermalink")) == 1  # cached: updates ask no more
    # list rows link to the card
    assert f"<{permalink}|" in await bot.reply_to("USTAFF1", "list open")
    # the ETA owed 1 business hour after opening: the nudge links to the real card
    bot.clock.set(START + timedelta(minutes=50))
    await bot.runtime.run_due_work()
    await bot.settle()
    dms = bot.dm_texts("USTAFF1")
    nudges = [t for t in dms if "#1" in t and "<http" in t]
    assert nudges, dms
    assert all("slack.com/archives" not in t for t in dms)
    assert permalink in nudges[-1]


async def test_home_lists_split_with_buttons(bot: Bot) -> None:
    await bot.reply_to("USTAFF1", "new support *urgent* `login` <@USTAFF1>")
    await bot.reply_to("UCUST", "new request Screen change")
    await bot.reply_to("USTAFF1", "new voc Old one")
    bot.clock.set(START + timedelta(days=2))  # the voc and support deadlines have passed
    await bot.settle()
    await bot.event({"type": "app_home_opened", "user": "UMANAGER", "tab": "home"})
    await bot.event({"type": "app_home_opened", "user": "USTAFF1", "tab": "home"})
    await eventually(lambda: {"UMANAGER", "USTAFF1"} <= set(bot.fake.home_views))
    staff = json.dumps(bot.fake.home_views["USTAFF1"]["blocks"], ensure_ascii=False)
    assert "Assigned to me" in staff or "내 담당" in staff
    assert "내가 요청한 문의" in staff  # USTAFF1 reads Korean
    assert "우리 팀" not in staff and "기한 초과" not in staff  # not a manager
    assert "*urgent*" not in staff and "`login`" not in staff
    manager_blocks = bot.fake.home_views["UMANAGER"]["blocks"]
    manager = json.dumps(manager_blocks, ensure_ascii=False)
    assert "우리 팀" in manager and "기한 초과 (2)" in manager.replace("*", "")
    assert "inquiry-assign-me" in _buttons(manager_blocks)
    # pressing "assign to me" on the Home tab takes it and refreshes the tab
    before = len(bot.fake.calls_to("views.publish"))
    await bot.interact(
        {
            "type": "block_actions",
            "team": {"id": "T0TEST"},
            "api_app_id": "A0TEST",
            "user": {"id": "UMANAGER", "team_id": "T0TEST"},
            "container": {"type": "view", "view_id": bot.fake.home_views["UMANAGER"]["id"]},
            "view": bot.fake.home_views["UMANAGER"],
            "trigger_id": bot.fake.new_trigger_id(),
            "actions": [
                {
                    "action_id": "inquiry-assign-me",
                    "block_id": "home-overdue-3",
                    "value": "3",
                    "type": "button",
                    "action_ts": "1",
                }
            ],
        }
    )
    await eventually(lambda: len(bot.fake.calls_to("views.publish")) > before)
    assert (await _get(bot, 3)).assignee_id == "UMANAGER"
    customer = await _home(bot, "UCUST")
    assert "Screen change" in customer
    assert "inquiry-set-eta" not in customer  # no staff buttons for a customer


async def _home(bot: Bot, user: str) -> str:
    await bot.event({"type": "app_home_opened", "user": user, "tab": "home"})
    await eventually(lambda: user in bot.fake.home_views)
    return json.dumps(bot.fake.home_views[user]["blocks"], ensure_ascii=False)
