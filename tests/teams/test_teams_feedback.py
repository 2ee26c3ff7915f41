"""Surveys, complaints and praise in Teams (issue 15): the survey card after a resolution,
rating and comment through Universal Actions, `feedback …` and `survey …` typed to the bot,
visibility refusals; the real server in anonymous mode, the fake Bot Connector, SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
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
