"""Handoff and callback forms in Teams (issue 13): the inquiry card's **transfer** button and
its Adaptive Card form, the callback's **can't** form with a colleague choice, and `callback`
alone (`콜백`) opening the log-a-callback form. The real server in anonymous mode, invokes
answered in their response, the outbox read as the fake Bot Connector would be sent it;
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.adapters.teams.render import RENDERERS
from bot.ports import Outgoing, decode_recipient
from storage.models import Callback, Handoff, OutboxMessage
from teams.inbound_world import (
    ALEX,
    CUSTOMER,
    STAFF,
    act,
    actions_of,
    ask,
    card_in,
    channel_post,
    inquiries,
    invoke,
    outbox,
    teams,
    text_of,
)
from teams.support import TeamsBot

__all__ = ["teams"]
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
HOSTILE = "<at>Boss</at> **급함** [여기](https://evil.example) <b>x</b> & 휴가"
LOG = f'callback <@{STAFF}> 홍길동 회사: "미래에셋증권" 전화: 02-1234-5678 주제: 체결 통보'


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}


def _error_after(card: dict[str, Any], field: str) -> str:
    body = card["body"]
    index = next(i for i, e in enumerate(body) if e.get("id") == field)
    after = body[index + 1]
    assert after.get("color") == "Attention", body
    return str(after["text"])


def _card_text(card: dict[str, Any]) -> str:
    return text_of({"attachments": [{"content": card}]})


async def _rendered(bot: TeamsBot, row: OutboxMessage) -> dict[str, Any]:
    item = Outgoing(
        key=row.idempotency_key,
        kind=row.kind,
        platform="teams",
        recipient=decode_recipient(row.recipient),
        payload=json.loads(row.payload),
        created_at=row.created_at,
    )
    rendered = await RENDERERS[row.kind](bot.runtime.deps, item)
    assert rendered is not None
    return rendered.activity


async def _handoffs(bot: TeamsBot) -> list[tuple[str, int, str, str]]:
    async with bot.runtime.deps.sessions() as s:
        rows = (await s.exec(select(Handoff).order_by(Handoff.id))).all()  # type: ignore[arg-type]
    return [(h.object_kind, h.object_id, h.from_id, h.to_id) for h in rows]


async def _rows(bot: TeamsBot, kind: str, user: str) -> list[OutboxMessage]:
    return [r for r in await outbox(bot) if r.kind == kind and r.recipient == f"person:{user}"]


async def _opened(bot: TeamsBot) -> None:
    await ask(bot, "inquiry new support Login fails", user=CUSTOMER)
    await ask(bot, f"inquiry assign 1 <@{STAFF}>", user=STAFF)


# --------------------------------------------------------------------------- transfer


async def test_the_transfer_button_opens_a_form_and_hands_the_inquiry_over(
    teams: TeamsBot,
) -> None:
    await _opened(teams)
    shown = await ask(teams, "inquiry show 1", user=STAFF)
    assert "inquiry.transfer" in [a["verb"] for a in actions_of(card_in(shown))]
    answer = await act(teams, invoke(teams, "inquiry.transfer", {"number": 1, "view": "show"}))
    assert answer["type"] == CARD_TYPE
    form = answer["value"]
    to = _inputs(form)["to"]
    assert to["type"] == "Input.ChoiceSet" and to["isRequired"] is True
    assert {"title": "Alex", "value": ALEX} in to["choices"]
    [submit] = actions_of(form)
    assert submit["verb"] == "inquiry.transfer" and submit["data"]["form"] == "transfer"
    data = {**submit["data"], "to": ALEX, "note": HOSTILE}
    done = await act(teams, invoke(teams, "inquiry.transfer", data))
    assert done["type"] == CARD_TYPE, done
    [row] = await inquiries(teams)
    assert row.assignee_id == ALEX
    assert await _handoffs(teams) == [("inquiry", 1, STAFF, ALEX)]
    [handoff] = await _rows(teams, "handoff", ALEX)
    card = _card_text(card_in(await _rendered(teams, handoff)))
    assert "Login fails" in card and "휴가" in card
    assert "<at>Boss</at>" not in card and "<b>" not in card, "the reason is escaped"
    assert "](https://evil.example)" not in card
    told = [r for r in await outbox(teams) if r.recipient == f"person:{CUSTOMER}"]
    assert any("transferred" in r.payload for r in told), "the requester is told"


async def test_the_transfer_form_refuses_bad_input(teams: TeamsBot) -> None:
    await _opened(teams)
    data = {"number": 1, "form": "transfer"}
    empty = await act(teams, invoke(teams, "inquiry.transfer", {**data, "to": ""}))
    assert empty["type"] == CARD_TYPE and _error_after(empty["value"], "to")
    customer = await act(teams, invoke(teams, "inquiry.transfer", {**data, "to": CUSTOMER}))
    assert customer["type"] == CARD_TYPE and CUSTOMER in _error_after(customer["value"], "to")
    await ask(teams, "away until: 17:00 delegate: <@29:boss>", user=ALEX)
    away = await act(teams, invoke(teams, "inquiry.transfer", {**data, "to": ALEX}))
    assert away["type"] == MESSAGE_TYPE and "Alex" in away["value"], away
    assert "29:boss" in away["value"], "refused with the delegate suggested"
    unknown = await act(
        teams, invoke(teams, "inquiry.transfer", {"number": 99, "form": "transfer", "to": ALEX})
    )
    assert unknown["type"] == MESSAGE_TYPE and "#99" in unknown["value"]
    forbidden = await act(teams, invoke(teams, "inquiry.transfer", {"number": 1}, user=CUSTOMER))
    assert forbidden["type"] == MESSAGE_TYPE and "#1" in forbidden["value"]
    bad = await act(teams, invoke(teams, "inquiry.transfer", {"number": "1; drop"}))
    assert bad["type"] == MESSAGE_TYPE
    assert await _handoffs(teams) == []


# --------------------------------------------------------------------------- can't


async def test_cant_opens_a_form_and_hands_the_callback_to_a_colleague(teams: TeamsBot) -> None:
    await _opened(teams)
    await ask(teams, LOG + " 문의: #1", user=ALEX)
    answer = await act(teams, invoke(teams, "callback.pass", {"number": "1"}, user=STAFF))
    assert answer["type"] == CARD_TYPE
    form = answer["value"]
    colleague = _inputs(form)["colleague"]
    assert colleague["type"] == "Input.ChoiceSet" and not colleague.get("isRequired")
    [submit] = actions_of(form)
    data = {**submit["data"], "colleague": ALEX, "reason": HOSTILE}
    done = await act(teams, invoke(teams, "callback.pass", data, user=STAFF))
    assert done["type"] == CARD_TYPE and "CB1" in _card_text(done["value"])
    async with teams.runtime.deps.sessions() as s:
        row = await s.get(Callback, 1)
    assert row is not None and row.owner_id == ALEX
    assert await _handoffs(teams) == [("callback", 1, STAFF, ALEX)]
    [handoff] = await _rows(teams, "handoff", ALEX)
    card = card_in(await _rendered(teams, handoff))
    shown = _card_text(card)
    for fact in ("02-1234-5678", "홍길동", "Login fails", "휴가"):
        assert fact in shown, fact
    assert "<b>" not in shown and "<at>Boss</at>" not in shown
    assert [a["verb"] for a in actions_of(card)] == [
        "callback.claim",
        "callback.done",
        "callback.pass",
    ], "the handoff card carries the callback's buttons"


async def test_cant_without_a_colleague_passes_on_and_refuses_bad_input(teams: TeamsBot) -> None:
    await ask(teams, LOG, user=ALEX)
    data = {"number": "1", "form": "pass"}
    customer = await act(
        teams, invoke(teams, "callback.pass", {**data, "colleague": CUSTOMER}, user=STAFF)
    )
    assert customer["type"] == CARD_TYPE and _error_after(customer["value"], "colleague")
    unknown = await act(teams, invoke(teams, "callback.pass", {"number": "CB99"}, user=STAFF))
    assert unknown["type"] == MESSAGE_TYPE and "CB99" in unknown["value"]
    outsider = await act(teams, invoke(teams, "callback.pass", {"number": "1"}, user=CUSTOMER))
    assert outsider["type"] == MESSAGE_TYPE
    passed = await act(
        teams, invoke(teams, "callback.pass", {**data, "reason": "회의"}, user=STAFF)
    )
    assert passed["type"] == CARD_TYPE and "CB1" in _card_text(passed["value"])
    assert len(await _rows(teams, "callback", ALEX)) == 1, "on to the team at once"
    assert await _handoffs(teams) == []


# --------------------------------------------------------------------------- the log form


async def test_callback_alone_opens_the_log_form_that_logs_it(teams: TeamsBot) -> None:
    for words in ("callback", "콜백"):
        answer = await ask(teams, words, user=ALEX)
        form = card_in(answer)
        inputs = _inputs(form)
        assert set(inputs) == {"owner", "caller", "company", "phone", "topic", "inquiry", "urgent"}
    assert {"title": "Minji", "value": STAFF} in inputs["owner"]["choices"]
    assert inputs["phone"]["isRequired"] is True and inputs["urgent"]["type"] == "Input.Toggle"
    [submit] = actions_of(form)
    assert submit["verb"] == "callback.log"
    values = {
        **submit["data"],
        "owner": STAFF,
        "caller": "<b>홍길동</b> **님**",
        "company": "미래에셋증권",
        "phone": "12",
        "topic": "<at>Boss</at> 체결 통보",
        "inquiry": "",
        "urgent": "",
    }
    bad = await act(teams, invoke(teams, "callback.log", values, user=ALEX))
    assert bad["type"] == CARD_TYPE and _error_after(bad["value"], "phone")
    assert _inputs(bad["value"])["caller"]["value"] == values["caller"], "kept as typed"
    outsider = await act(teams, invoke(teams, "callback.log", {**values, "owner": CUSTOMER}))
    assert outsider["type"] == CARD_TYPE and _error_after(outsider["value"], "owner")
    no_inquiry = await act(teams, invoke(teams, "callback.log", {**values, "inquiry": "zz"}))
    assert _error_after(no_inquiry["value"], "inquiry")
    customer = await act(
        teams,
        invoke(teams, "callback.log", {**values, "phone": "02-1234-5678"}, user=CUSTOMER),
    )
    assert customer["type"] == MESSAGE_TYPE
    good = {**values, "phone": "010 1234 5678", "urgent": "urgent"}
    done = await act(teams, invoke(teams, "callback.log", good, user=ALEX))
    assert done["type"] == CARD_TYPE and "CB1" in _card_text(done["value"])
    async with teams.runtime.deps.sessions() as s:
        [row] = (await s.exec(select(Callback))).all()
    assert (row.owner_id, row.logged_by, row.platform) == (STAFF, ALEX, "teams")
    assert row.phone == "010-1234-5678" and row.urgent and row.caller == "<b>홍길동</b> **님**"
    [offer] = await _rows(teams, "callback", STAFF)
    shown = _card_text(card_in(await _rendered(teams, offer)))
    assert "010-1234-5678" in shown
    assert "<b>" not in shown and "<at>Boss</at>" not in shown, "user text is escaped"
    again = await act(teams, invoke(teams, "callback.log", good, user=ALEX, activity_id="f:x"))
    again2 = await act(teams, invoke(teams, "callback.log", good, user=ALEX, activity_id="f:x"))
    assert again["type"] == CARD_TYPE and again2["type"] == MESSAGE_TYPE, "a redelivery acts once"


# --------------------------------------------------------------------------- requester messages


async def test_the_handoff_card_carries_the_requesters_reply_chain(teams: TeamsBot) -> None:
    for body in (
        channel_post(teams, "VPN down", activity_id="1701900000010"),
        channel_post(teams, "since 9:00 <at>Boss</at> **all** users", root="1701900000010"),
        channel_post(teams, "looking", root="1701900000010", user=STAFF),
    ):
        status, _ = await teams.post(body)
        assert status in (200, 202)
    await ask(teams, f"inquiry transfer 1 <@{ALEX}> 휴가", user=STAFF)
    [handoff] = await _rows(teams, "handoff", ALEX)
    card = _card_text(card_in(await _rendered(teams, handoff)))
    assert "since 9:00" in card and "all" in card, "the requester's reply is on the card"
    assert "<at>Boss</at>" not in card and "**all**" not in card, "escaped"
    assert "looking" not in card, "a staff reply is no requester message"
