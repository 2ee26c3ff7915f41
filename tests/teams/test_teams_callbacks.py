"""Callbacks, `away` and transfers typed to the bot in Teams, the offer card's buttons, and
the ladder climbing in Teams (the real server in anonymous mode; SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from bot.adapters.teams.render import RENDERERS
from bot.ports import Outgoing, decode_recipient
from storage.models import Callback, OutboxMessage
from teams.inbound_world import (
    ALEX,
    STAFF,
    act,
    actions_of,
    ask,
    card_in,
    invoke,
    outbox,
    teams,
    text_of,
)
from teams.support import TeamsBot

__all__ = ["teams"]
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
LOG = f'callback <@{STAFF}> 홍길동 회사: "미래에셋증권" 전화: 02-1234-5678 주제: 체결 통보'


async def _offers(bot: TeamsBot, user: str) -> list[OutboxMessage]:
    return [
        r for r in await outbox(bot) if r.kind == "callback" and r.recipient == f"person:{user}"
    ]


async def _rendered(bot: TeamsBot, row: OutboxMessage) -> dict[str, object]:
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


async def test_log_a_callback_in_teams_and_climb_the_ladder(teams: TeamsBot) -> None:
    answer = await ask(teams, LOG, user=ALEX)
    assert "CB1" in text_of(answer)
    [offer] = await _offers(teams, STAFF)
    assert offer.platform == "teams"
    card = card_in(await _rendered(teams, offer))
    shown = text_of({"attachments": [{"content": card}]})
    assert "02-1234-5678" in shown and "홍길동" in shown
    assert [a["verb"] for a in actions_of(card)] == [
        "callback.claim",
        "callback.done",
        "callback.pass",
    ]
    teams.runtime.deps.clock.advance(timedelta(minutes=2))  # type: ignore[attr-defined]
    await teams.runtime.run_due_work()
    assert len(await _offers(teams, ALEX)) == 1, "the team rung, by Alex's Teams id"


async def test_the_card_buttons_claim_once_and_call_back(teams: TeamsBot) -> None:
    await ask(teams, LOG, user=ALEX)
    claim = invoke(teams, "callback.claim", {"number": "1"}, reply_to="cb-1", user=STAFF)
    answer = await act(teams, claim)
    assert answer["type"] == MESSAGE_TYPE and "CB1" in answer["value"]
    again = await act(teams, invoke(teams, "callback.claim", {"number": "1"}, user=ALEX))
    assert "Minji" in again["value"], "the other is told who has it"
    done = await act(teams, invoke(teams, "callback.done", {"number": "CB1"}, user=STAFF))
    assert "CB1" in done["value"]
    async with teams.runtime.deps.sessions() as s:
        row = await s.get(Callback, 1)
    assert row is not None and row.state == "done" and row.called_back_by == STAFF


async def test_away_and_transfer_typed_in_teams(teams: TeamsBot) -> None:
    answer = await ask(teams, f"부재 까지: 17:00 대리: <@{ALEX}> 외근", user=STAFF)
    assert "17:00" in text_of(answer)
    await ask(teams, LOG, user=ALEX)
    assert await _offers(teams, STAFF) == []
    assert len(await _offers(teams, ALEX)) == 1, "the delegate gets it"
    await ask(teams, "inquiry new support Login fails", user=ALEX)
    refused = await ask(teams, f"inquiry transfer 1 <@{STAFF}> 휴가", user=ALEX)
    assert ALEX in text_of(refused), "refused: away, the delegate is suggested"
    back = await ask(teams, "away off", user=STAFF)
    assert text_of(back)
    moved = await ask(teams, f"inquiry 이관 1 <@{STAFF}> 휴가", user=ALEX)
    assert "#1" in text_of(moved)
    rows = [r for r in await outbox(teams) if r.kind == "handoff"]
    assert [r.recipient for r in rows] == [f"person:{STAFF}"]
    card = text_of(await _rendered(teams, rows[0]))
    assert "Login fails" in card and "휴가" in card


async def test_help_lists_the_commands(teams: TeamsBot) -> None:
    answer = await ask(teams, "help")
    text = text_of(answer)
    assert "callback" in text and "away" in text and "transfer" in text
    usage = await ask(teams, "콜백 도움말")
    assert "/callback" in text_of(usage) or "callback" in text_of(usage)
    async with teams.runtime.deps.sessions() as s:
        assert (await s.exec(select(Callback))).all() == []


def test_teams_renders_every_kind_slack_does() -> None:
    from bot.adapters.slack.render import RENDERERS as SLACK_RENDERERS

    assert set(RENDERERS) == set(SLACK_RENDERERS)
