"""Customers never see or receive internal data; only team members are assignees (issue 9 §1,
issue 7 §3 and §6), and the intake sources refuse the bot's own messages (issue 9 §6).

Every surface that shows inquiry data is exercised as the customer persona (UCUST, en-US; and
UCUST2, ko-KR), end to end through the real server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import func, select
from support.rows import ts_of

from bot.ports import ToPerson, ToRole
from bot.services.reminders import sync_reminders
from e2e.harness import TEST_CONFIG, Bot, eventually, reaction_event, start_bot
from storage.models import Inquiry, InquiryEvent, OutboxMessage

TEAM = ("<@USTAFF1>", "<@USTAFF2>", "<@UMANAGER>")
# What must never reach a customer's screen.
INTERNAL = ("breached", "🔴", "at risk", "on track", "Deadline", "Assignee", "<@USTAFF", "assigned")


async def _get(bot: Bot, number: int) -> Inquiry:
    async with bot.deps.sessions() as s:
        return (await s.exec(select(Inquiry).where(Inquiry.number == number))).one()


async def _count(bot: Bot) -> int:
    async with bot.deps.sessions() as s:
        return int((await s.exec(select(func.count()).select_from(Inquiry))).one())


async def _force_assignee(bot: Bot, number: int, user: str) -> None:
    """Data from before the rule (or a person since removed from the config)."""
    async with bot.deps.sessions.begin() as s:
        inquiry = (await s.exec(select(Inquiry).where(Inquiry.number == number))).one()
        inquiry.assignee_id = user
        inquiry.status = "acknowledged"


async def _two_customers(bot: Bot) -> str:
    """#1 requested by UCUST and worked on; #2 by UCUST2 with UCUST (wrongly) its assignee."""
    created = await bot.reply_to("UCUST", "new support Login fails")
    await bot.reply_to("UCUST2", "new request Secret merger report customer:Acme")
    await bot.reply_to("USTAFF1", "assign 1 <@USTAFF2|alex>")
    await bot.reply_to("USTAFF2", "eta 1 2026-12-04 15:00")
    await bot.reply_to("USTAFF2", "progress 1 Password reset link sent")
    await _force_assignee(bot, 2, "UCUST")
    bot.clock.advance(timedelta(hours=2))  # #1's first response came in time; #2 is breached
    await bot.settle()
    return created


def _assert_no_internal(text: str) -> None:
    for word in INTERNAL:
        assert word not in text, (word, text)
    assert "Secret merger" not in text and "Acme" not in text


# ---------------------------------------------------------------- list, show, Home


async def test_customer_list_shows_only_their_own_requests_in_customer_view(bot: Bot) -> None:
    created = await _two_customers(bot)
    assert "logged as *#1*" in created and "Deadline" not in created  # the customer's wording
    mine = await bot.reply_to("UCUST", "list mine")
    assert "#1" in mine and "Login fails" in mine and "Fri 4 Dec, 15:00" in mine
    assert "#2" not in mine
    _assert_no_internal(mine)
    assert "Support" not in mine  # the kind is a staff field
    for scope in ("team", "open", "overdue", "all"):
        refused = await bot.reply_to("UCUST", f"list {scope}")
        assert "staff" in refused and "#1" not in refused and "#2" not in refused
        _assert_no_internal(refused.replace("Use `/inquiry list mine`", ""))
    # the ko-KR customer sees only #2, never UCUST's
    theirs = await bot.reply_to("UCUST2", "list")
    assert "#2" in theirs and "#1" not in theirs and "Login fails" not in theirs
    assert "기한" not in theirs and "<@" not in theirs
    # staff still see everything, with deadlines and assignees
    staff = await bot.reply_to("USTAFF1", "list all")
    assert "#1" in staff and "#2" in staff and "<@USTAFF2>" in staff


async def test_customer_show_is_the_customer_view(bot: Bot) -> None:
    await _two_customers(bot)
    bot.clock.advance(timedelta(days=4))  # past the promised ETA: #1 is breached
    shown = await bot.reply_to("UCUST", "show 1")
    assert "#1 Login fails" in shown
    assert "Fri 4 Dec, 15:00" in shown and "Password reset link sent" in shown
    assert "In progress" in shown
    _assert_no_internal(shown)
    assert "first response" not in shown and "Support" not in shown
    # staff see the whole history, the assignee and the deadline state
    staff = await bot.reply_to("USTAFF1", "show 1")
    assert "🔴" in staff and "<@USTAFF2>" in staff and "담당자 지정" in staff
    assert "<@UCUST>" in await bot.reply_to("USTAFF1", "show 2")


async def test_customer_cannot_tell_which_numbers_exist(bot: Bot) -> None:
    await _two_customers(bot)
    await bot.reply_to("USTAFF2", "resolve 2 done")

    async def same(template: str) -> None:
        other = await bot.reply_to("UCUST", template.format(n=2))
        missing = await bot.reply_to("UCUST", template.format(n=999))
        assert other.replace("#2", "#N") == missing.replace("#999", "#N"), (other, missing)
        assert "Secret merger" not in other

    await same("show {n}")
    await same("reopen {n} please")  # #2 exists, resolved, but is not theirs
    await same("resolve {n} fixed")
    await same("assign {n} <@USTAFF1|minji>")
    await same("eta {n} +2h")
    await same("progress {n} a note")
    await same("hold {n} waiting")
    await same("resume {n}")
    await same("milestone {n} 2026-12-10 Stage")
    assert (await _get(bot, 2)).status == "resolved"


async def test_customer_buttons_and_forms_cannot_tell_which_numbers_exist(bot: Bot) -> None:
    await _two_customers(bot)
    await bot.reply_to("USTAFF2", "resolve 2 done")

    async def clicked(action: str, number: int) -> str:
        before = len(bot.fake.calls_to("response_url"))
        assert (await bot.click("UCUST", action, str(number))).status == 200
        calls = await eventually(lambda: bot.fake.calls_to("response_url")[before:])
        text: str = calls[0].args["text"]
        return text.replace(f"#{number}", "#N")

    actions = ("inquiry-assign-me", "inquiry-set-eta", "inquiry-add-progress")
    for action in (*actions, "inquiry-resolve", "inquiry-reopen"):
        other, missing = await clicked(action, 2), await clicked(action, 999)
        assert other == missing, (action, other, missing)
        assert "Secret merger" not in other
    # a form whose hidden inquiry number was changed to someone else's
    for callback in ("inquiry-reopen-modal", "inquiry-progress-modal", "inquiry-resolve-modal"):
        answers = []
        for number in (2, 999):
            view = {
                "type": "modal",
                "callback_id": callback,
                "private_metadata": json.dumps({"number": number}),
            }
            note = {"note": {"type": "plain_text_input", "value": "let me in"}}
            before = len(bot.dm_texts("UCUST"))
            reply = await bot.submit("UCUST", view, note)
            assert reply.status == 200 and reply.text == ""  # the form closes
            # and the refusal comes as a direct message
            told = await eventually(lambda b=before: bot.dm_texts("UCUST")[b:])
            answers.append(told[0].replace(f"#{number}", "#N"))
        assert answers[0] == answers[1], (callback, answers)
        assert "Secret merger" not in answers[0]
    assert not bot.fake.calls_to("views.open")
    assert (await _get(bot, 2)).status == "resolved"


async def test_customer_app_home_shows_only_their_requests(bot: Bot) -> None:
    await _two_customers(bot)
    await bot.event({"type": "app_home_opened", "user": "UCUST", "channel": "D0U", "tab": "home"})
    published = await eventually(lambda: bot.fake.calls_to("views.publish"))
    home = json.dumps(published[-1].args["view"], ensure_ascii=False)
    assert "#1" in home and "Login fails" in home and "Fri 4 Dec, 15:00" in home
    assert "#2" not in home
    _assert_no_internal(home)
    # staff Home keeps the staff lines
    await bot.event({"type": "app_home_opened", "user": "USTAFF2", "channel": "D0S", "tab": "home"})
    await eventually(lambda: len(bot.fake.calls_to("views.publish")) >= 2)
    staff_home = json.dumps(bot.fake.calls_to("views.publish")[-1].args["view"])
    assert "#1" in staff_home and "due" in staff_home


# ---------------------------------------------------------------- who can be assigned


async def test_receptionist_is_not_offered_assign_to_me(bot: Bot) -> None:
    """`show` and Home know their viewer: "Assign to me" only for people who may take it."""
    await bot.reply_to("UCUST", "new support Badge reader broken")
    reception = await bot.reply_to("URECEPTION", "show 1")
    assert "inquiry-assign-me" not in reception and "inquiry-add-progress" in reception
    assert "inquiry-assign-me" in await bot.reply_to("USTAFF1", "show 1")
    await bot.event(
        {"type": "app_home_opened", "user": "URECEPTION", "channel": "D0R", "tab": "home"}
    )
    published = await eventually(lambda: bot.fake.calls_to("views.publish"))
    assert "inquiry-assign-me" not in json.dumps(published[-1].args["view"])


async def test_assign_only_to_team_members(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Printer jam")
    await bot.settle()
    for target in ("<@UCUST|customer>", "<@URECEPTION|reception>", "<@UADMIN|admin>"):
        refused = await bot.reply_to("USTAFF2", f"assign 1 {target}")  # USTAFF2 reads English
        assert "Only team members may be assigned" in refused, refused
        assert all(m in refused for m in TEAM), refused
    ko = await bot.reply_to("USTAFF1", "assign 1 <@UCUST|customer>")
    assert "팀 구성원" in ko and all(m in ko for m in TEAM)
    assert "staff" in await bot.reply_to("UCUST", "assign 1 <@USTAFF1|minji>")
    await bot.settle()
    assert (await _get(bot, 1)).assignee_id is None
    assert bot.dm_texts("UCUST") == [] and bot.dm_texts("URECEPTION") == []
    assert "#1" in await bot.reply_to("USTAFF1", "assign 1 <@UMANAGER|boss>")
    assert (await _get(bot, 1)).assignee_id == "UMANAGER"


async def test_new_with_a_mention(bot: Bot) -> None:
    # a customer may not choose an assignee at all (issue 7 §3)
    refused = await bot.reply_to("UCUST", "new support Urgent help <@USTAFF1|minji>")
    assert "Only staff may choose an assignee" in refused
    refused = await bot.reply_to("UCUST2", "new support 도와주세요 <@UCUST|customer>")
    assert "직원만" in refused
    # staff may pick only assignable people
    for target in ("<@UCUST|customer>", "<@URECEPTION|reception>"):
        refused = await bot.reply_to("USTAFF2", f"new support Something {target}")
        assert "Only team members may be assigned" in refused and all(m in refused for m in TEAM)
    await bot.settle()
    assert await _count(bot) == 0
    assert bot.dm_texts("USTAFF1") == [] and bot.dm_texts("UCUST") == []
    assert "#1" in await bot.reply_to("USTAFF2", "new support Something <@USTAFF1|minji>")
    assert (await _get(bot, 1)).assignee_id == "USTAFF1"


async def test_modal_picker_offers_only_team_members(bot: Bot) -> None:
    await bot.command("USTAFF2", "")
    staff_view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    picker = next(b for b in staff_view["blocks"] if b["block_id"] == "assignee")
    assert picker["element"]["type"] == "static_select"
    offered = [(o["value"], o["text"]["text"]) for o in picker["element"]["options"]]
    assert offered == [("USTAFF1", "minji"), ("USTAFF2", "alex"), ("UMANAGER", "boss")]
    # a customer's form has no assignee field at all
    await bot.command("UCUST", "")
    await eventually(lambda: len(bot.fake.calls_to("views.open")) >= 2)
    customer_view = bot.fake.calls_to("views.open")[-1].args["view"]
    assert "assignee" not in [b.get("block_id") for b in customer_view["blocks"]]
    base = {
        "kind": {"type": "static_select", "selected_option": {"value": "support"}},
        "title": {"type": "plain_text_input", "value": "VPN drops"},
        "due": {"type": "datepicker", "selected_date": None},
    }
    # a forged submission naming someone outside the teams: refused under the field
    forged = {**base, "assignee": {"type": "static_select", "selected_option": {"value": "UCUST"}}}
    body = json.loads((await bot.submit("USTAFF2", staff_view, forged)).text)
    assert body["response_action"] == "errors"
    assert body["errors"]["assignee"] == "Only team members may be assigned: minji, alex, boss"
    body = json.loads((await bot.submit("UCUST", staff_view, forged)).text)
    assert "Only staff may choose an assignee" in body["errors"]["assignee"]
    assert await _count(bot) == 0
    assert (await bot.submit("UCUST", customer_view, base)).status == 200
    dm = await eventually(lambda: bot.dm_texts("UCUST"))
    assert "logged as *#1*" in dm[-1] and "Deadline" not in dm[-1]
    ok = {**base, "assignee": {"type": "static_select", "selected_option": {"value": "USTAFF1"}}}
    assert (await bot.submit("USTAFF2", staff_view, ok)).status == 200
    await eventually(lambda: len(bot.posts("C0TRIAGE")) >= 2)
    assert (await _get(bot, 1)).requester_id == "UCUST"
    assert (await _get(bot, 2)).assignee_id == "USTAFF1"


async def test_assign_me_button(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Cannot log in")
    await bot.settle()
    card = bot.posts("C0TRIAGE")[0]
    # a customer gets the same refusal for an existing and a missing number
    answers = []
    for value in ("1", "999"):
        before = len(bot.fake.calls_to("response_url"))
        await bot.click("UCUST", "inquiry-assign-me", value, message_ts=card["ts"])
        calls = await eventually(lambda b=before: bot.fake.calls_to("response_url")[b:])
        answers.append(calls[-1].args["text"].replace(f"#{value}", "#N"))
    assert answers[0] == answers[1] and "staff" in answers[0]
    # the receptionist is staff but in no team: not an assignee
    before = len(bot.fake.calls_to("response_url"))
    await bot.click("URECEPTION", "inquiry-assign-me", "1", message_ts=card["ts"])
    refusal = (await eventually(lambda: bot.fake.calls_to("response_url")[before:]))[-1]
    assert "팀 구성원" in refusal.args["text"] and all(m in refusal.args["text"] for m in TEAM)
    await bot.settle()
    assert (await _get(bot, 1)).assignee_id is None
    # the same button for customer-view-only fields: the card buttons hold no other path
    await bot.click("UCUST", "inquiry-resolve", "999", message_ts=card["ts"])
    await bot.click("UCUST", "inquiry-set-eta", "1", message_ts=card["ts"])
    await eventually(lambda: len(bot.fake.calls_to("response_url")) >= before + 3)
    texts = [c.args["text"] for c in bot.fake.calls_to("response_url")[-2:]]
    assert all("staff" in t and "No such" not in t for t in texts), texts
    assert not bot.fake.calls_to("views.open")


# ---------------------------------------------------------------- shortcut and reaction


async def test_customer_shortcut_gets_the_report_form(bot: Bot) -> None:
    msg = bot.fake.post_user_message("C0INTAKE", "UCUST2", "Export is broken\nsince Monday")
    message = {"type": "message", "ts": msg["ts"], "user": "UCUST2", "text": msg["text"]}
    assert (await bot.shortcut("UCUST", "C0INTAKE", message)).status == 200
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    assert view["callback_id"] == "inquiry-report-modal"
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert inputs == ["title", "detail"]
    assert "author" not in json.loads(view["private_metadata"])
    values = {
        "title": {"type": "plain_text_input", "value": "Export is broken"},
        "detail": {"type": "plain_text_input", "value": msg["text"]},
    }
    assert (await bot.submit("UCUST", view, values)).status == 200
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.settle()
    inq = await _get(bot, 1)
    source_ts = await ts_of(bot.deps.sessions, inq.id, "source")
    assert (inq.requester_id, inq.assignee_id, inq.kind, inq.source, source_ts) == (
        "UCUST",
        None,
        "support",
        "shortcut",
        msg["ts"],
    )
    # again on the same message: answered at once, no form
    opened = len(bot.fake.calls_to("views.open"))
    before = len(bot.fake.calls_to("response_url"))
    await bot.shortcut("UCUST", "C0INTAKE", message)
    answer = (await eventually(lambda: bot.fake.calls_to("response_url")[before:]))[-1]
    assert "already tracked as *#1*" in answer.args["text"]
    # another customer learns it is tracked, not its number
    await bot.shortcut("UCUST2", "C0INTAKE", message)
    answer = (await eventually(lambda: bot.fake.calls_to("response_url")[before + 1 :]))[-1]
    assert "이미 문의로 등록" in answer.args["text"] and "#1" not in answer.args["text"]
    # staff too, with the number
    await bot.shortcut("USTAFF2", "C0INTAKE", message)
    answer = (await eventually(lambda: bot.fake.calls_to("response_url")[before + 2 :]))[-1]
    assert "already tracked as *#1*" in answer.args["text"]
    assert len(bot.fake.calls_to("views.open")) == opened
    assert await _count(bot) == 1
    # tracked by someone else while the customer's form was open: told so, without its number
    late = bot.fake.post_user_message("C0RANDOM", "UCUST2", "Fees look wrong")
    await bot.shortcut(
        "UCUST", "C0RANDOM", {"type": "message", "ts": late["ts"], "user": "UCUST2", "text": "x"}
    )
    await eventually(lambda: len(bot.fake.calls_to("views.open")) > opened)
    late_view = bot.fake.calls_to("views.open")[-1].args["view"]
    await bot.event(
        reaction_event("USTAFF1", "C0RANDOM", late["ts"], item_user="UCUST2", event_ts="1.9")
    )
    await eventually(lambda: _cards(bot) == 2)
    await bot.submit("UCUST", late_view, {"title": {"type": "plain_text_input", "value": "Fees"}})
    dm = await eventually(lambda: [t for t in bot.dm_texts("UCUST") if "already" in t])
    assert "#2" not in dm[-1]
    assert (await _get(bot, 2)).requester_id == "UCUST2"


def _cards(bot: Bot) -> int:
    return len([m for m in bot.posts("C0TRIAGE") if m.get("blocks")])


async def test_staff_shortcut_form_offers_only_team_members(bot: Bot) -> None:
    msg = bot.fake.post_user_message("C0INTAKE", "UCUST", "Need a report")
    message = {"type": "message", "ts": msg["ts"], "user": "UCUST", "text": msg["text"]}
    await bot.shortcut("USTAFF2", "C0INTAKE", message)
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    assert view["callback_id"] == "inquiry-new-modal"
    picker = next(b for b in view["blocks"] if b["block_id"] == "assignee")
    assert [o["value"] for o in picker["element"]["options"]] == ["USTAFF1", "USTAFF2", "UMANAGER"]


async def test_shortcut_and_reaction_refuse_the_bots_own_messages(bot: Bot) -> None:
    await bot.reply_to("USTAFF2", "new support Heads-up")
    await bot.settle()
    card = bot.posts("C0TRIAGE")[0]
    # the shortcut on the card: refused at once, no form (USTAFF1 reads Korean)
    before = len(bot.fake.calls_to("response_url"))
    await bot.shortcut(
        "USTAFF1",
        "C0TRIAGE",
        {"type": "message", "ts": card["ts"], "user": "UBOT", "bot_id": "BBOT", "text": "x"},
    )
    answer = (await eventually(lambda: bot.fake.calls_to("response_url")[before:]))[-1]
    assert "charterbot" in answer.args["text"] and "등록할 수 없습니다" in answer.args["text"]
    assert not bot.fake.calls_to("views.open")
    # the reaction on the card, told by item_user (USTAFF2 reads English) …
    seen = len(bot.fake.ephemerals)
    reaction = reaction_event("USTAFF2", "C0TRIAGE", card["ts"], item_user="UBOT", event_ts="1.2")
    await bot.event(reaction)
    await eventually(lambda: bot.fake.ephemerals[seen:])
    # … and by the message itself when the event does not say who wrote it
    await bot.event({**reaction, "item_user": None, "user": "USTAFF1"})
    await eventually(lambda: len(bot.fake.ephemerals) >= seen + 2)
    refusals = [(e["user"], e["text"]) for e in bot.fake.ephemerals[seen:]]
    assert refusals[0][0] == "USTAFF2" and "cannot be tracked" in refusals[0][1]
    assert refusals[1][0] == "USTAFF1" and "등록할 수 없습니다" in refusals[1][1]
    await bot.settle()
    assert await _count(bot) == 1


async def test_reaction_on_a_tracked_message_answers_already(bot: Bot) -> None:
    msg = await bot.user_message("UCUST", "C0INTAKE", "Statement download fails")
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.settle()
    seen = len(bot.fake.ephemerals)
    reaction = reaction_event("USTAFF2", "C0INTAKE", msg["ts"], item_user="UCUST", event_ts="1.3")
    await bot.event(reaction)
    await bot.event({**reaction, "user": "UCUST2"})
    await eventually(lambda: len(bot.fake.ephemerals) >= seen + 2)
    by_user = {e["user"]: e["text"] for e in bot.fake.ephemerals[seen:]}
    assert "already tracked as *#1*" in by_user["USTAFF2"]
    assert "#1" not in by_user["UCUST2"] and "이미 문의로 등록" in by_user["UCUST2"]
    assert not bot.fake.calls_to("conversations.history")  # answered before any fetch
    assert await _count(bot) == 1


# ---------------------------------------------------------------- internal messages


SHORT: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
SHORT["calendar"] = {"always_open": True}
SHORT["sla"] = {"support_first_response": "10m", "approaching": 0.75, "overdue_repeat": "30m"}


@pytest.fixture
async def nbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, SHORT)
    yield driver
    await stop()


async def test_reminders_never_reach_a_non_staff_assignee(
    nbot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = nbot
    await bot.reply_to("USTAFF2", "new support Left to a customer by old data")
    await bot.reply_to("USTAFF2", "new support Properly assigned <@USTAFF1|minji>")
    await bot.settle()
    await _force_assignee(bot, 1, "UCUST")
    async with bot.deps.sessions.begin() as s:  # re-plan #1's reminders for its new assignee
        await sync_reminders(s, bot.deps, await _get_in(s, 1))
    with caplog.at_level(logging.WARNING, logger="charterbot.outbox"):
        for _ in range(4):  # past the deadline (15bm) and the escalation grace (30bm)
            bot.clock.advance(timedelta(minutes=15))
            await bot.runtime.run_due_work()
            await bot.settle()
    assert bot.dm_texts("UCUST") == []  # no reminder, no snooze button, no card link
    assert any("#2" in t for t in bot.dm_texts("USTAFF1"))  # staff still get theirs
    assert any("#1" in t for t in bot.dm_texts("UMANAGER"))  # the escalation still happens
    assert any("non-staff UCUST skipped" in r.getMessage() for r in caplog.records)


async def _get_in(session: Any, number: int) -> Inquiry:
    return (await session.exec(select(Inquiry).where(Inquiry.number == number))).one()


async def test_internal_message_guard_skips_non_staff(bot: Bot) -> None:
    from bot.services.outbox import enqueue_internal_message

    now = bot.clock.now()
    async with bot.deps.sessions.begin() as s:
        for key, recipient in (
            ("a", ToPerson("UCUST")),
            ("b", ToPerson("USTAFF1")),
            ("c", ToRole("triage")),
        ):
            await enqueue_internal_message(
                s,
                bot.deps,
                key=key,
                recipient=recipient,
                text_key="inquiry.notify.assigned_to_you",
                params={"number": 1, "title": "x", "actor": "USTAFF2", "deadline": "-"},
                now=now,
            )
    async with bot.deps.sessions() as s:
        rows = (await s.exec(select(OutboxMessage.recipient))).all()
    assert sorted(rows) == ["person:USTAFF1", "role:triage"]


async def test_assignment_dm_history_names_no_customer(bot: Bot) -> None:
    """No path leaves an 'assigned' event naming a non-team member."""
    await bot.reply_to("UCUST", "new support x <@USTAFF1|minji>")
    await bot.reply_to("USTAFF1", "new support y <@URECEPTION|reception>")
    await bot.reply_to("USTAFF1", "new support z")
    await bot.reply_to("USTAFF1", "assign 1 <@UCUST2|other>")
    async with bot.deps.sessions() as s:
        assigned = (
            await s.exec(select(InquiryEvent.new_value).where(InquiryEvent.kind == "assigned"))
        ).all()
    assert assigned == []
