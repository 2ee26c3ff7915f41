"""Adaptive Card actions in Teams (`adaptiveCard/action` invokes): every verb reaches the
action service; forms come back in the invoke response, their errors under the field; the card
acted on is answered refreshed; a redelivered or double-pressed action acts once (the real
server in anonymous mode; SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from bot.ports import MessageRef
from bot.services.refs import CARD, remember_message
from storage.models import InquiryEvent, Reminder
from teams.inbound_world import (
    ALEX,
    CUSTOMER,
    STAFF,
    TRIAGE,
    act,
    actions_of,
    ask,
    inquiries,
    invoke,
    teams,
    text_of,
)
from teams.support import TeamsBot

__all__ = ["teams"]
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
SHOW = {"number": 1, "view": "show"}


async def _opened(bot: TeamsBot) -> None:
    await ask(bot, "inquiry new support Login fails", user=CUSTOMER)


async def _events(bot: TeamsBot, kind: str) -> list[InquiryEvent]:
    async with bot.runtime.deps.sessions() as s:
        rows = (await s.exec(select(InquiryEvent).where(InquiryEvent.kind == kind))).all()
        return list(rows)


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}


def _error_after(card: dict[str, Any], field: str) -> str:
    body = card["body"]
    index = next(i for i, e in enumerate(body) if e.get("id") == field)
    after = body[index + 1]
    assert after.get("color") == "Attention"
    return str(after["text"])


async def test_assign_me_on_the_show_card_refreshes_it_and_acts_once(teams: TeamsBot) -> None:
    await _opened(teams)
    body = invoke(teams, "inquiry.assign_me", SHOW, activity_id="f:assign-1")
    answer = await act(teams, body)
    assert answer["type"] == CARD_TYPE
    card = answer["value"]
    assert "Minji" in text_of({"attachments": [{"content": card}]})
    assert [a["verb"] for a in actions_of(card)] == [
        "inquiry.set_eta",
        "inquiry.progress",
        "inquiry.transfer",
        "inquiry.resolve",
    ]
    again = await act(teams, body)  # Teams redelivers the same invoke
    assert again["type"] == CARD_TYPE
    [row] = await inquiries(teams)
    assert row.assignee_id == STAFF
    assert len(await _events(teams, "assigned")) == 1


async def test_eta_form_validation_then_submit(teams: TeamsBot) -> None:
    await _opened(teams)
    form = (await act(teams, invoke(teams, "inquiry.set_eta", SHOW)))["value"]
    assert set(_inputs(form)) == {"date", "time"}
    [submit] = actions_of(form)
    assert submit["verb"] == "inquiry.set_eta"
    assert submit["data"] == {"view": "show", "number": 1, "form": "eta"}
    past = await act(
        teams, invoke(teams, "inquiry.set_eta", {**submit["data"], "date": "2020-01-02"})
    )
    assert past["type"] == CARD_TYPE
    assert _error_after(past["value"], "date") == "That date is in the past; pick a future one."
    assert _inputs(past["value"])["date"]["value"] == "2020-01-02"  # as typed
    bad_time = {**submit["data"], "date": "2026-12-03", "time": "25:99"}
    answer = await act(teams, invoke(teams, "inquiry.set_eta", bad_time))
    assert _error_after(answer["value"], "time") == "Unreadable time (HH:MM)."
    good = {**submit["data"], "date": "2026-12-03", "time": "15:00"}
    done = await act(teams, invoke(teams, "inquiry.set_eta", good))
    assert done["type"] == CARD_TYPE and "#1 Login fails" in text_of(
        {"attachments": [{"content": done["value"]}]}
    )
    [row] = await inquiries(teams)
    assert row.eta_at is not None


async def test_progress_resolve_and_reopen_forms(teams: TeamsBot) -> None:
    await _opened(teams)
    for verb in ("inquiry.progress", "inquiry.resolve"):
        form = (await act(teams, invoke(teams, verb, SHOW)))["value"]
        [submit] = actions_of(form)
        empty = await act(teams, invoke(teams, verb, {**submit["data"], "note": "  "}))
        assert _error_after(empty["value"], "note") == "Enter some text."
        await act(teams, invoke(teams, verb, {**submit["data"], "note": f"{verb} note"}))
    [row] = await inquiries(teams)
    assert row.status == "resolved" and row.resolution == "inquiry.resolve note"
    assert [e.note for e in await _events(teams, "progress")] == ["inquiry.progress note"]
    # the requester reopens from their own `show` card
    form = (await act(teams, invoke(teams, "inquiry.reopen", SHOW, user=CUSTOMER)))["value"]
    [submit] = actions_of(form)
    await act(
        teams, invoke(teams, "inquiry.reopen", {**submit["data"], "note": "again"}, user=CUSTOMER)
    )
    [row] = await inquiries(teams)
    assert row.status == "in_progress"


async def test_the_triage_card_is_answered_refreshed(teams: TeamsBot) -> None:
    await _opened(teams)
    deps = teams.runtime.deps
    [row] = await inquiries(teams)
    assert row.id is not None
    async with deps.sessions.begin() as session:
        await remember_message(
            session,
            object_kind="inquiry",
            object_id=row.id,
            ref=CARD,
            message=MessageRef("teams", TRIAGE, "1701000000900"),
            now=deps.clock.now(),
        )
    body = invoke(
        teams,
        "inquiry.assign_me",
        {"number": 1},
        conversation=f"{TRIAGE};messageid=1701000000900",
        kind="channel",
        reply_to="1701000000900",
    )
    answer = await act(teams, body)
    assert answer["type"] == CARD_TYPE
    card = answer["value"]
    # the shared card: the channel's language (Korean · English), buttons without a viewer
    assert all(a["data"] == {"number": 1} for a in actions_of(card))
    assert "inquiry.assign_me" not in [a["verb"] for a in actions_of(card)]


async def test_from_elsewhere_a_message_under_the_card(teams: TeamsBot) -> None:
    await _opened(teams)
    answer = await act(teams, invoke(teams, "inquiry.assign_me", {"number": 1}, reply_to="x1"))
    assert answer == {
        "statusCode": 200,
        "type": MESSAGE_TYPE,
        "value": "**#1** assigned to Minji",
    }


async def test_a_double_press_acts_once(teams: TeamsBot) -> None:
    await _opened(teams)
    first = invoke(teams, "inquiry.assign_me", {"number": 1}, reply_to="x2", user=ALEX)
    second = invoke(teams, "inquiry.assign_me", {"number": 1}, reply_to="x2", user=ALEX)
    await act(teams, first)
    await act(teams, second)
    assert len(await _events(teams, "assigned")) == 1


async def test_snooze_from_a_nudge(teams: TeamsBot) -> None:
    await _opened(teams)
    await ask(teams, f"inquiry assign 1 <@{STAFF}>")
    async with teams.runtime.deps.sessions() as s:
        ids = [r.id for r in (await s.exec(select(Reminder))).all() if r.audience == "assignee"]
    data = {"number": 1, "reminders": ids, "minutes": 60}
    answer = await act(teams, invoke(teams, "inquiry.snooze", data, reply_to="nudge-1"))
    assert answer["type"] == MESSAGE_TYPE and answer["value"].startswith("Snoozed #1")


async def test_new_inquiry_form_submission(teams: TeamsBot) -> None:
    data = {"form": "new", "kind": "support", "title": ""}
    again = await act(teams, invoke(teams, "inquiry.new", data))
    assert _error_after(again["value"], "title") == "Enter a title."
    body = invoke(teams, "inquiry.new", {**data, "title": "VPN down", "detail": "since 9"})
    done = await act(teams, body)
    assert done["type"] == CARD_TYPE and "**#1** opened" in done["value"]["body"][0]["text"]
    replayed = await act(teams, body)  # delivered twice
    assert replayed["value"] == "Already done: this was handled a moment ago."
    [row] = await inquiries(teams)
    assert (row.title, row.detail, row.requester_id) == ("VPN down", "since 9", STAFF)


async def test_refusals_and_bad_payloads(teams: TeamsBot) -> None:
    await _opened(teams)
    cases = [
        ("inquiry.resolve", {"number": 99}, STAFF, "No such inquiry #99."),
        ("inquiry.resolve", {"number": "abc"}, STAFF, "'abc' is not an inquiry number"),
        ("inquiry.assign_me", {"number": 1}, CUSTOMER, "only staff"),
        ("inquiry.launch", {"number": 1}, STAFF, "inquiry list"),
    ]
    for verb, data, user, expected in cases:
        answer = await act(teams, invoke(teams, verb, data, user=user))
        assert answer["type"] == MESSAGE_TYPE and expected in answer["value"], answer
    [row] = await inquiries(teams)
    assert row.assignee_id is None and row.status == "new"
