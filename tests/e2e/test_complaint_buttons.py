"""A complaint case's buttons in Slack (issue 15): the reviewer's DM carries confirm / dismiss,
then "record corrective action"; each opens a modal whose submission does what the typed
`/feedback confirm|dismiss|action K<n> …` does and updates the card in place. Forbidden users,
forged ids and metadata, injection in the reasons, missing and unreadable fields. Signed
requests in, the fake Web API's transcript and the rows out, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlmodel import select

from e2e.harness import TEST_CONFIG, Bot, eventually, start_bot
from e2e.world import KST
from storage.models import Complaint


async def _case(bot: Bot) -> Complaint:
    async with bot.deps.sessions() as s:
        (case,) = (await s.exec(select(Complaint))).all()
        return case


def _buttons(message: dict[str, Any]) -> list[str]:
    return [
        e["action_id"]
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b.get("elements", [])
    ]


def _message(bot: Bot, channel: str, ts: str) -> dict[str, Any]:
    (message,) = [m for m in bot.fake.messages(channel) if m["ts"] == ts]
    return message


def _cards(bot: Bot, user: str, action_id: str) -> list[dict[str, Any]]:
    """The DMs to `user` offering the button `action_id`, oldest first."""
    dm = bot.fake.dm_channel_for(user)
    return [m for m in bot.fake.messages(dm) if action_id in _buttons(m)]


def _card(bot: Bot, user: str, action_id: str) -> dict[str, Any]:
    """The DM to `user` offering the button `action_id` (exactly one)."""
    found = _cards(bot, user, action_id)
    assert len(found) == 1, bot.fake.messages(bot.fake.dm_channel_for(user))
    return found[0]


async def _open_form(bot: Bot, user: str, action_id: str, value: str, card: dict[str, Any]) -> Any:
    before = len(bot.fake.calls_to("views.open"))
    dm = bot.fake.dm_channel_for(user)
    assert (
        await bot.click(user, action_id, value, channel=dm, message_ts=card["ts"])
    ).status == 200
    calls = await eventually(lambda: bot.fake.calls_to("views.open")[before:])
    return calls[-1].args["view"]


def _text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


async def _complaint(bot: Bot) -> None:
    answer = await bot.reply_to(
        "USTAFF2", "complaint <@USTAFF1> was rude to a customer", command="/feedback"
    )
    assert "K1" in answer
    await bot.settle()


async def test_confirm_then_corrective_action_through_the_card(bot: Bot) -> None:
    await _complaint(bot)
    dm = bot.fake.dm_channel_for("UMANAGER")
    card = _card(bot, "UMANAGER", "complaint:confirm#0")
    assert _buttons(card) == ["complaint:confirm#0", "complaint:dismiss#1"]
    view = await _open_form(bot, "UMANAGER", "complaint:confirm#0", "1", card)
    assert view["callback_id"] == "complaint-form-modal"
    assert json.loads(view["private_metadata"]) == {
        "complaint": 1,
        "verb": "complaint:confirm",
        "channel": dm,
        "ts": card["ts"],
    }
    assert "rude to a customer" in json.dumps(view, ensure_ascii=False)
    # a missing finding is asked for in the form; nothing is decided
    reply = await bot.submit("UMANAGER", view, {"complaint_text": _text("   ")})
    assert reply.status == 200 and "complaint_text" in json.loads(reply.text)["errors"]
    assert (await _case(bot)).status == "open"
    # the finding, with mrkdwn and HTML in it, confirms the case like the typed command
    finding = "<!channel> *heard it* & <b>twice</b> <https://evil.example|click>"
    before = len(bot.fake.calls_to("chat.update"))
    reply = await bot.submit("UMANAGER", view, {"complaint_text": _text(finding)})
    assert reply.status == 200 and reply.text in ("", "null", "{}"), reply.text
    await bot.settle()
    case = await _case(bot)
    assert (case.status, case.decided_by, case.reason) == ("confirmed", "UMANAGER", finding)
    # the card the form was opened from is updated in place: the case now, its next button
    # (by the click's answer, and again by the rewrite of every reviewer's card)
    updates = bot.fake.calls_to("chat.update")[before:]
    assert {(u.args["channel"], u.args["ts"]) for u in updates} == {(dm, card["ts"])}
    updated = _message(bot, dm, card["ts"])
    assert _buttons(updated) == ["complaint:action#0"]
    shown = json.dumps(updated["blocks"], ensure_ascii=False)
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert "<https://evil" not in shown and "<b>" not in shown
    # the staff member is told privately; the reporter (a colleague) is thanked
    assert any("K1" in t for t in bot.dm_texts("USTAFF1"))
    assert any("K1" in t for t in bot.dm_texts("USTAFF2"))
    # the corrective action is owed: the updated card and a DM saying so carry its button,
    # which opens the form with a due date
    updated_card, owed = _cards(bot, "UMANAGER", "complaint:action#0")
    assert updated_card["ts"] == card["ts"]
    view = await _open_form(bot, "UMANAGER", "complaint:action#0", "1", owed)
    blocks = {b.get("block_id") for b in view["blocks"]}
    assert {"complaint_text", "complaint_due"} <= blocks
    bad = await bot.submit(
        "UMANAGER",
        view,
        {"complaint_text": _text("apology call"), "complaint_due": _text("someday <b>")},
    )
    errors = json.loads(bad.text)["errors"]
    assert list(errors) == ["complaint_due"] and "<b>" not in errors["complaint_due"]
    assert (await _case(bot)).status == "confirmed"
    before = len(bot.fake.calls_to("chat.update"))
    done = await bot.submit(
        "UMANAGER",
        view,
        {"complaint_text": _text("사과 전화, 응대 교육"), "complaint_due": _text("내일")},
    )
    assert done.status == 200
    await bot.settle()
    case = await _case(bot)
    tomorrow = (bot.clock.now().astimezone(KST).date() + timedelta(days=1)).isoformat()
    assert (case.status, case.action_text, case.action_by) == (
        "actioned",
        "사과 전화, 응대 교육",
        tomorrow,
    )
    # the card acted on, and the manager's first case card, both show nothing left to do
    updated = {u.args["ts"] for u in bot.fake.calls_to("chat.update")[before:]}
    assert updated == {owed["ts"], card["ts"]}
    assert _buttons(_message(bot, dm, owed["ts"])) == []
    assert _buttons(_message(bot, dm, card["ts"])) == []
    assert any("사과 전화" in t for t in bot.dm_texts("USTAFF1"))
    # the same form sent again (a retry) acts once
    again = await bot.submit(
        "UMANAGER",
        view,
        {"complaint_text": _text("사과 전화, 응대 교육"), "complaint_due": _text("내일")},
    )
    assert again.status == 200
    assert (await _case(bot)).action_by == tomorrow


async def test_dismiss_through_the_card_and_a_form_left_open_meanwhile(bot: Bot) -> None:
    await _complaint(bot)
    card = _card(bot, "UMANAGER", "complaint:dismiss#1")
    # a confirm form is opened, and left open while the case is dismissed in another
    left_open = await _open_form(bot, "UMANAGER", "complaint:confirm#0", "1", card)
    view = await _open_form(bot, "UMANAGER", "complaint:dismiss#1", "1", card)
    assert view["title"]["text"] in ("불만 기각", "Dismiss complaint")
    await bot.submit("UMANAGER", view, {"complaint_text": _text("녹취 확인 결과 사실과 다름")})
    await bot.settle()
    case = await _case(bot)
    assert (case.status, case.reason, case.reward_state) == (
        "dismissed",
        "녹취 확인 결과 사실과 다름",
        "",
    )
    dm = bot.fake.dm_channel_for("UMANAGER")
    assert _buttons(_message(bot, dm, card["ts"])) == []
    assert any("K1" in t for t in bot.dm_texts("USTAFF2"))  # the reporter learns the outcome
    # the form left open is refused when sent, nothing changes
    refused = await bot.submit("UMANAGER", left_open, {"complaint_text": _text("changed mind")})
    error = json.loads(refused.text)["errors"]["complaint_text"]
    assert "이미" in error or "already" in error
    assert (await _case(bot)).status == "dismissed"
    # a stale button (an older copy of the card): refused, no form opens
    opened = len(bot.fake.calls_to("views.open"))
    before = len(bot.fake.calls_to("response_url"))
    await bot.click("UMANAGER", "complaint:confirm#0", "1", channel=dm, message_ts=card["ts"])
    await eventually(lambda: len(bot.fake.calls_to("response_url")) > before)
    assert "이미" in bot.replies()[-1] or "already" in bot.replies()[-1]
    assert len(bot.fake.calls_to("views.open")) == opened


async def test_others_are_refused_and_forged_ids_change_nothing(db_url: str) -> None:
    # URECEPTION manages another team: not the reviewer of a complaint about USTAFF1
    config = {
        **TEST_CONFIG,
        "teams": [
            *TEST_CONFIG["teams"],
            {"name": "Front desk", "manager": "URECEPTION", "members": ["UCUST2"]},
        ],
    }
    bot, stop = await start_bot(db_url, config)
    try:
        await _complaint(bot)
        card = _card(bot, "UMANAGER", "complaint:confirm#0")
        opened = len(bot.fake.calls_to("views.open"))
        for user, value in (
            ("USTAFF2", "1"),  # the reporter
            ("USTAFF1", "1"),  # the staff member
            ("URECEPTION", "1"),  # another team's manager
            ("UCUST", "1"),  # a customer
            ("UCUST", "99"),  # a case that does not exist: the same refusal
        ):
            before = len(bot.fake.calls_to("response_url"))
            dm = bot.fake.dm_channel_for(user)
            await bot.click(user, "complaint:confirm#0", value, channel=dm, message_ts=card["ts"])
            await eventually(lambda b=before: len(bot.fake.calls_to("response_url")) > b)
            answer = bot.replies()[-1]
            assert "rude" not in answer
            assert "관리자" in answer or "manager" in answer, answer
        for forged in ("abc", "1;drop table complaints", "-1", "1" * 12, ""):
            before = len(bot.fake.calls_to("response_url"))
            dm = bot.fake.dm_channel_for("UMANAGER")
            await bot.click("UMANAGER", "complaint:dismiss#1", forged, channel=dm)
            await eventually(lambda b=before: len(bot.fake.calls_to("response_url")) > b)
            assert "더 이상" in bot.replies()[-1] or "no longer" in bot.replies()[-1]
        assert len(bot.fake.calls_to("views.open")) == opened  # no form opened for any of them
        # a form submitted by someone else (as if it had been opened) is refused in the form
        view = await _open_form(bot, "UMANAGER", "complaint:confirm#0", "1", card)
        for user in ("USTAFF2", "URECEPTION"):
            refused = await bot.submit(user, view, {"complaint_text": _text("confirmed by me")})
            error = json.loads(refused.text)["errors"]["complaint_text"]
            assert "관리자" in error or "manager" in error
        # forged metadata: another case number, another verb, garbage
        for meta in (
            {"complaint": 99, "verb": "complaint:confirm", "channel": "", "ts": ""},
            {"complaint": "1", "verb": "complaint:confirm", "channel": "", "ts": ""},
            {"complaint": True, "verb": "complaint:confirm", "channel": "", "ts": ""},
            {"complaint": 1, "verb": "complaint:reward_sent", "channel": "", "ts": ""},
            {"complaint": 1, "verb": "complaint:confirm", "channel": ["x"], "ts": ""},
        ):
            forged_view = {**view, "private_metadata": json.dumps(meta)}
            reply = await bot.submit("UMANAGER", forged_view, {"complaint_text": _text("x")})
            assert reply.status == 200 and "complaint_text" in json.loads(reply.text)["errors"]
        forged_view = {**view, "private_metadata": "not json"}
        reply = await bot.submit("UMANAGER", forged_view, {"complaint_text": _text("x")})
        assert "complaint_text" in json.loads(reply.text)["errors"]
        assert (await _case(bot)).status == "open"
        # a form pointed at a channel message decides the case but never writes it there
        bot.fake.post_user_message("C0TRIAGE", "USTAFF2", "hello")
        target = bot.posts("C0TRIAGE")[-1]
        meta = {"complaint": 1, "verb": "complaint:confirm", "channel": "C0TRIAGE"}
        aimed = {**view, "private_metadata": json.dumps({**meta, "ts": target["ts"]})}
        before = len(bot.fake.calls_to("chat.update"))
        await bot.submit("UMANAGER", aimed, {"complaint_text": _text("heard it myself")})
        await bot.settle()
        assert (await _case(bot)).status == "confirmed"
        # (only the manager's own case card, in their DM, is rewritten)
        updates = bot.fake.calls_to("chat.update")[before:]
        assert [u.args["channel"] for u in updates] == [bot.fake.dm_channel_for("UMANAGER")]
        assert not any("K1" in m.get("text", "") for m in bot.posts("C0TRIAGE"))
    finally:
        await stop()


async def test_nudges_and_escalations_carry_the_buttons(bot: Bot) -> None:
    await _complaint(bot)
    # the review nudge (75 % of the window) and, past the deadline, the admins' escalation
    bot.clock.advance(timedelta(hours=7, minutes=50))
    await bot.runtime.run_due_work()
    await bot.settle()
    nudges = _cards(bot, "UMANAGER", "complaint:confirm#0")
    assert len(nudges) == 2 and "기각해 주세요" in nudges[1]["text"]
    assert _buttons(nudges[1]) == ["complaint:confirm#0", "complaint:dismiss#1"]
    bot.clock.advance(timedelta(days=1))
    await bot.runtime.run_due_work()
    await bot.settle()
    (escalation,) = [
        m for m in _cards(bot, "UADMIN", "complaint:confirm#0") if "past its review" in m["text"]
    ]
    # an admin decides from the escalation's buttons
    view = await _open_form(bot, "UADMIN", "complaint:confirm#0", "1", escalation)
    await bot.submit("UADMIN", view, {"complaint_text": _text("Confirmed with the recording")})
    await bot.settle()
    case = await _case(bot)
    assert (case.status, case.decided_by) == ("confirmed", "UADMIN")
    updated = _message(bot, bot.fake.dm_channel_for("UADMIN"), escalation["ts"])
    assert _buttons(updated) == ["complaint:action#0"]


async def test_a_card_of_a_case_decided_by_typed_command_is_refreshed_on_click(bot: Bot) -> None:
    await _complaint(bot)
    card = _card(bot, "UMANAGER", "complaint:dismiss#1")
    typed = await bot.reply_to("UMANAGER", "확인 K1 직접 확인함", command="/feedback")
    assert "K1" in typed
    opened = len(bot.fake.calls_to("views.open"))
    before = len(bot.fake.calls_to("response_url"))
    dm = bot.fake.dm_channel_for("UMANAGER")
    await bot.click("UMANAGER", "complaint:dismiss#1", "1", channel=dm, message_ts=card["ts"])
    await eventually(lambda: len(bot.fake.calls_to("response_url")) > before)
    assert "이미" in bot.replies()[-1] or "already" in bot.replies()[-1]
    assert len(bot.fake.calls_to("views.open")) == opened
    assert _buttons(_message(bot, dm, card["ts"])) == ["complaint:action#0"]
    assert (await _case(bot)).status == "confirmed"


async def test_a_typed_decision_rewrites_the_reviewers_cards_at_once(bot: Bot) -> None:
    """Typed commands change the case: every reviewer's case card is rewritten in place right
    away (no click needed), with the buttons of the new state; nobody else's DMs change."""
    await _complaint(bot)
    card = _card(bot, "UMANAGER", "complaint:dismiss#1")
    dm = bot.fake.dm_channel_for("UMANAGER")
    before = len(bot.fake.calls_to("chat.update"))
    assert "K1" in await bot.reply_to("UMANAGER", "확인 K1 직접 확인함", command="/feedback")
    await bot.settle()
    updates = bot.fake.calls_to("chat.update")[before:]
    assert [(u.args["channel"], u.args["ts"]) for u in updates] == [(dm, card["ts"])]
    current = _message(bot, dm, card["ts"])
    assert _buttons(current) == ["complaint:action#0"]
    assert "직접 확인함" in json.dumps(current["blocks"], ensure_ascii=False)
    # the corrective action, typed: the card has nothing left to offer
    before = len(bot.fake.calls_to("chat.update"))
    answer = await bot.reply_to(
        "UMANAGER", "action K1 <!here> apology call by: 2026-12-04", command="/feedback"
    )
    assert "K1" in answer
    await bot.settle()
    updated = {u.args["ts"] for u in bot.fake.calls_to("chat.update")[before:]}
    assert card["ts"] in updated
    current = _message(bot, dm, card["ts"])
    assert _buttons(current) == []
    shown = json.dumps(current["blocks"], ensure_ascii=False)
    assert "apology call" in shown and "<!here>" not in shown
    # the staff member, the reporter and the admin (who got no card) saw no rewrite
    for user in ("USTAFF1", "USTAFF2", "UADMIN"):
        other = bot.fake.dm_channel_for(user)
        assert not [u for u in bot.fake.calls_to("chat.update") if u.args["channel"] == other]
