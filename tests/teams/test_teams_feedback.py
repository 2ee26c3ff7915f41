"""Surveys, complaints and praise in Teams (issue 15): the survey card after a resolution,
rating and comment through Universal Actions, `feedback …` and `survey …` typed to the bot,
visibility refusals; the real server in anonymous mode, the fake Bot Connector, SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlmodel import select

from storage.models import Complaint, Survey
from teams.inbound_world import (
    ADMIN,
    ALEX,
    CUSTOMER,
    STAFF,
    act,
    actions_of,
    ask,
    invoke,
    teams,
    text_of,
)
from teams.support import TeamsBot

__all__ = ["teams"]  # the fixture
BOSS = "29:boss"


async def _rows(bot: TeamsBot, model: Any) -> list[Any]:
    async with bot.runtime.deps.sessions() as s:
        return list((await s.exec(select(model).order_by(model.id))).all())


async def _deliver_until(bot: TeamsBot, verb: str, since: int) -> list[Any]:
    """Deliver the outbox (paced per conversation, as in production) until a card offering
    `verb` was sent; return those calls."""
    for _ in range(100):
        await bot.runtime.sender.deliver_due()
        found = [
            c
            for c in bot.connector.calls[since:]
            if any(a["verb"] == verb for a in actions_of(c.body))
        ]
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no card with {verb} was delivered")


def _mention(user: str, name: str) -> dict[str, Any]:
    return {"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": user, "name": name}}


async def test_survey_card_rating_and_comment_in_teams(teams: TeamsBot) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    await ask(teams, "inquiry resolve 1 Fixed the login")
    cards = await _deliver_until(teams, "survey:rate", len(teams.connector.calls))
    assert len(cards) == 1 and CUSTOMER in cards[0].conversation_id
    rates = [a for a in actions_of(cards[0].body) if a["verb"] == "survey:rate"]
    assert [a["data"]["value"] for a in rates] == [f"1:{r}" for r in range(1, 6)]
    # another person cannot answer
    refused = await act(teams, invoke(teams, "survey:rate", {"value": "1:5"}, user=ALEX))
    assert "requester" in str(refused["value"])
    # the requester rates, gets the comment form, and sends a comment
    answer = await act(teams, invoke(teams, "survey:rate", {"value": "1:4"}, user=CUSTOMER))
    form = answer["value"]
    assert [a["verb"] for a in actions_of(form)] == ["survey:comment"]
    done = await act(
        teams,
        invoke(teams, "survey:comment", {"value": "1", "comment": "Quick and kind"}, user=CUSTOMER),
    )
    assert "Thank you" in str(done["value"])
    (survey,) = await _rows(teams, Survey)
    assert (survey.rating, survey.comment, survey.answered_via, survey.platform) == (
        4,
        "Quick and kind",
        "teams",
        "teams",
    )


async def test_feedback_complaint_confirm_and_visibility_in_teams(teams: TeamsBot) -> None:
    text = "feedback complaint <at>Minji</at> was rude in the meeting"
    answer = await ask(teams, text, user=ALEX, entities=[_mention(STAFF, "Minji")])
    assert "K1" in text_of(answer)
    (case,) = await _rows(teams, Complaint)
    assert (case.staff_id, case.reporter_id, case.reporter_is_customer) == (STAFF, ALEX, False)
    refused = await ask(teams, "feedback show K1", user=CUSTOMER)
    assert "rude" not in text_of(refused) and "manager" in text_of(refused)
    full = await ask(teams, "피드백 보기 K1", user=ADMIN)
    assert "rude" in text_of(full)
    confirmed = await ask(teams, "feedback confirm K1 witnessed by two colleagues", user=BOSS)
    assert "K1" in text_of(confirmed)
    (case,) = await _rows(teams, Complaint)
    assert (case.status, case.reward_state) == ("confirmed", "")  # a colleague: no gift
    outcome = await ask(teams, "feedback show K1", user=STAFF)
    assert "rude" not in text_of(outcome) and "Confirmed" in text_of(outcome)


async def test_survey_results_and_help_in_teams(teams: TeamsBot) -> None:
    help_text = text_of(await ask(teams, "help"))
    assert "feedback complaint" in help_text and "survey results" in help_text
    refused = await ask(teams, "survey results", user=STAFF)
    assert "managers" in text_of(refused)
    results = await ask(teams, "설문 결과 2026-12", user=ADMIN)
    assert "2026-12" in text_of(results)


async def test_praise_consent_toggle_in_teams(db_url: str) -> None:
    from storage.models import OutboxMessage, Praise
    from teams.inbound_world import TEAMS_CONFIG
    from teams.support import start_teams_bot

    config = {**TEAMS_CONFIG, "praise": {"public": True, "channel": "19:kudos@thread.tacv2"}}
    bot, stop = await start_teams_bot(db_url, anonymous=True, config=config)
    try:
        text = "피드백 칭찬 <at>Minji</at> 친절하게 알려 주셨어요"
        answer = await ask(bot, text, user=CUSTOMER, entities=[_mention(STAFF, "Minji")])
        card = answer["attachments"][0]["content"]
        assert any(e.get("type") == "Input.Toggle" for e in card["body"])
        (share,) = actions_of(card)
        assert share["verb"] == "praise:share"
        # not ticked: nothing is posted
        left = await act(
            bot, invoke(bot, "praise:share", {**share["data"], "consent": "false"}, user=CUSTOMER)
        )
        assert left["type"] == "application/vnd.microsoft.activity.message"
        (praise,) = await _rows(bot, Praise)
        assert praise.posted_at is None
        # someone else cannot consent for the giver
        await act(bot, invoke(bot, "praise:share", {**share["data"], "consent": "true"}, user=ALEX))
        (praise,) = await _rows(bot, Praise)
        assert praise.posted_at is None
        done = await act(
            bot, invoke(bot, "praise:share", {**share["data"], "consent": "true"}, user=CUSTOMER)
        )
        assert "kudos" in str(done["value"]) or "posted" in str(done["value"])
        (praise,) = await _rows(bot, Praise)
        assert praise.consent and praise.posted_at is not None
        rows = [
            r
            for r in await _rows(bot, OutboxMessage)
            if r.idempotency_key.startswith("praise-public")
        ]
        assert [(r.platform, r.recipient) for r in rows] == [
            ("teams", "conversation:19:kudos@thread.tacv2")
        ]
    finally:
        await stop()


def _case_config() -> dict[str, Any]:
    """The Teams world with Boss (a Teams user) as the team's manager, so that the case card
    reaches them in Teams; Alex's team is managed by nobody else."""
    from teams.inbound_world import TEAMS_CONFIG

    teams = [{"name": "HTS support", "manager": BOSS, "members": ["USTAFF1", "USTAFF2"]}]
    return {**TEAMS_CONFIG, "teams": teams}


async def test_complaint_card_buttons_open_forms_and_refresh_the_card(db_url: str) -> None:
    from teams.support import start_teams_bot

    bot, stop = await start_teams_bot(db_url, anonymous=True, config=_case_config())
    try:
        await ask(bot, "help", user=BOSS)  # Boss's chat with the bot is known
        since = len(bot.connector.calls)
        text = "feedback complaint <at>Minji</at> was rude <b>twice</b>"
        assert "K1" in text_of(await ask(bot, text, user=ALEX, entities=[_mention(STAFF, "Minji")]))
        (sent,) = await _deliver_until(bot, "complaint:confirm", since)
        assert "personal-29:boss" in sent.conversation_id
        assert [(a["verb"], a["data"]) for a in actions_of(sent.body)] == [
            ("complaint:confirm", {"value": "1"}),
            ("complaint:dismiss", {"value": "1"}),
        ]
        # others are refused before any form opens: the reporter, the staff member, a
        # customer, and a forged case number
        for user, value in ((ALEX, "1"), (STAFF, "1"), (CUSTOMER, "1"), (ALEX, "99")):
            refused = await act(bot, invoke(bot, "complaint:confirm", {"value": value}, user=user))
            assert refused["type"] == "application/vnd.microsoft.activity.message"
            assert "manager" in str(refused["value"]) and "rude" not in str(refused["value"])
        for forged in ("abc", "1 OR 1=1", "9" * 12):
            stale = await act(bot, invoke(bot, "complaint:dismiss", {"value": forged}, user=BOSS))
            assert "no longer" in str(stale["value"])
        # the manager's click replaces the card with the form (an input for the finding)
        form = await act(bot, invoke(bot, "complaint:confirm", {"value": "1"}, user=BOSS))
        card = form["value"]
        assert [i["id"] for i in card["body"] if i["type"] == "Input.Text"] == ["text"]
        assert "<b>" not in json.dumps(card)
        (submit,) = actions_of(card)
        assert (submit["verb"], submit["data"]) == (
            "complaint:confirm",
            {"value": "1", "form": "1"},
        )
        # a missing finding: the form again, with the error
        empty = await act(
            bot, invoke(bot, "complaint:confirm", {**submit["data"], "text": " "}, user=BOSS)
        )
        assert "Please write" in json.dumps(empty["value"])
        assert (await _rows(bot, Complaint))[0].status == "open"
        # a forged submit by someone else is refused
        other = await act(
            bot,
            invoke(bot, "complaint:confirm", {**submit["data"], "text": "mine"}, user=ALEX),
        )
        assert "manager" in str(other["value"])
        assert (await _rows(bot, Complaint))[0].status == "open"
        finding = "Heard it on the call **loud** <at>x</at>"
        done = await act(
            bot, invoke(bot, "complaint:confirm", {**submit["data"], "text": finding}, user=BOSS)
        )
        (case,) = await _rows(bot, Complaint)
        assert (case.status, case.decided_by, case.reason) == ("confirmed", BOSS, finding)
        refreshed = done["value"]
        assert done["type"] == "application/vnd.microsoft.card.adaptive"
        assert [a["verb"] for a in actions_of(refreshed)] == ["complaint:action"]
        shown = "".join(b.get("text", "") for b in refreshed["body"])
        assert shown.count("<at>") == 2, shown  # the staff member and the reporter, no more
        assert "\\*\\*loud" in shown and "\\<at\\>x" in shown
        # the corrective action: its form has a due date, read with when.py
        form = await act(bot, invoke(bot, "complaint:action", {"value": "1"}, user=BOSS))
        ids = [i["id"] for i in form["value"]["body"] if i["type"] == "Input.Text"]
        assert ids == ["text", "due"]
        data = {"value": "1", "form": "1", "text": "Apology call and coaching"}
        bad = await act(bot, invoke(bot, "complaint:action", {**data, "due": "someday"}, user=BOSS))
        assert "someday" in json.dumps(bad["value"]) and "not a date" in json.dumps(bad["value"])
        assert (await _rows(bot, Complaint))[0].status == "confirmed"
        ok = await act(
            bot, invoke(bot, "complaint:action", {**data, "due": "2026-12-04"}, user=BOSS)
        )
        (case,) = await _rows(bot, Complaint)
        assert (case.status, case.action_text, case.action_by) == (
            "actioned",
            "Apology call and coaching",
            "2026-12-04",
        )
        assert actions_of(ok["value"]) == []
        # a second submit of a decided case is refused, nothing changes
        late = await act(
            bot,
            invoke(bot, "complaint:dismiss", {"value": "1", "form": "1", "text": "no"}, user=BOSS),
        )
        # (the card shows the case as it is now, and why)
        assert late["type"] == "application/vnd.microsoft.card.adaptive"
        assert "already" in str(late["value"]) and actions_of(late["value"]) == []
        assert (await _rows(bot, Complaint))[0].status == "actioned"
    finally:
        await stop()


async def test_a_typed_decision_updates_the_case_card_in_teams(db_url: str) -> None:
    """A decision typed to the bot rewrites the reviewer's case card where it is (an activity
    update of the same id, never a new post), with the buttons of the case's new state."""
    from teams.support import start_teams_bot

    bot, stop = await start_teams_bot(db_url, anonymous=True, config=_case_config())
    try:
        await ask(bot, "help", user=BOSS)
        since = len(bot.connector.calls)
        text = "feedback complaint <at>Minji</at> was rude"
        assert "K1" in text_of(await ask(bot, text, user=ALEX, entities=[_mention(STAFF, "Minji")]))
        (sent,) = await _deliver_until(bot, "complaint:confirm", since)
        card_id = next(
            a["id"]
            for a in bot.connector.conversations[sent.conversation_id]
            if any(x["verb"] == "complaint:confirm" for x in actions_of(a))
        )
        since = len(bot.connector.calls)
        answer = await ask(bot, "feedback confirm K1 heard it <b>myself</b>", user=BOSS)
        assert "K1" in text_of(answer)
        for _ in range(100):  # the owed action's own prompt, and the card's update
            await bot.runtime.sender.deliver_due()
            updates = [c for c in bot.connector.calls[since:] if c.method == "PUT"]
            if updates:
                break
            await asyncio.sleep(0.1)
        (update,) = updates
        assert update.activity_id == card_id
        assert [a["verb"] for a in actions_of(update.body)] == ["complaint:action"]
        shown = json.dumps(update.body, ensure_ascii=False)
        assert "heard it" in shown and "<b>" not in shown
        # besides the update, one new card: the corrective action now owed
        posts = [c for c in bot.connector.calls[since:] if c.method == "POST"]
        offered = [[a["verb"] for a in actions_of(c.body)] for c in posts]
        assert [v for v in offered if v] == [["complaint:action"]]
    finally:
        await stop()
