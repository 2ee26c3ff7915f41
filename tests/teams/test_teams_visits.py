"""The desk in Teams: `visitor …`, `room …`, `fieldvisit …` typed to the bot, the desk's card
buttons and forms (`visit.*` verbs), and the alert cards delivered through the fake Bot
Connector (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from support.polling import eventually

from storage.models import FieldVisit, OutboxMessage, Visit
from teams.inbound_world import (
    ALEX,
    STAFF,
    TEAMS_CONFIG,
    act,
    actions_of,
    ask,
    card_in,
    invoke,
    text_of,
)
from teams.support import TeamsBot, start_teams_bot

DESK = "29:sujin"
RECEPTION = "19:reception@thread.tacv2"
CONFIG: dict[str, Any] = {
    **TEAMS_CONFIG,
    "channels": {
        **TEAMS_CONFIG["channels"],
        "teams": {**TEAMS_CONFIG["channels"]["teams"], "reception": RECEPTION},
    },
    "people": [*TEAMS_CONFIG["people"], {"name": "Sujin", "teams": DESK}],
    "roles": {"admins": ["UADMIN"], "receptionists": ["URECEPTION", "Sujin"]},
    "rooms": [{"name": "접견실 1", "capacity": 4}, {"name": "접견실 2", "capacity": 2}],
}
RRN = "900101-1234567"


@pytest.fixture
async def desk(db_url: str) -> AsyncIterator[TeamsBot]:
    bot, stop = await start_teams_bot(db_url, anonymous=True, config=CONFIG)
    yield bot
    await stop()


async def visits(bot: TeamsBot) -> list[Visit]:
    async with bot.runtime.deps.sessions() as s:
        return list((await s.exec(select(Visit).order_by(Visit.id))).all())  # type: ignore[arg-type]


async def rows(bot: TeamsBot, kind: str) -> list[OutboxMessage]:
    async with bot.runtime.deps.sessions() as s:
        found = (await s.exec(select(OutboxMessage).where(OutboxMessage.kind == kind))).all()
    return list(found)


async def test_the_desk_runs_a_visit_from_teams(desk: TeamsBot) -> None:
    bot = desk
    answer = await ask(
        bot, 'visitor register 홍길동 company:"미래에셋증권" at:2026-12-01 15:00 room:"접견실 1"'
    )
    assert "V1" in text_of(answer)
    answer = await ask(
        bot, "방문객 도착 V1 출입증:17 신분증:여권 보관함:4", user=DESK, locale="ko-KR"
    )
    assert "V1" in text_of(answer) and "도착" in text_of(answer)
    # the host's alert is a card with the desk's buttons, queued for Teams
    [alert] = [r for r in await rows(bot, "visit") if r.recipient == f"person:{STAFF}"]
    assert alert.platform == "teams"
    await bot.runtime.sender.deliver_due()
    await eventually(lambda: any(c.body.get("attachments") for c in bot.connector.calls))
    cards = [card_in(c.body) for c in bot.connector.calls if c.body.get("attachments")]
    verbs = {a["verb"] for card in cards for a in actions_of(card)}
    assert {"visit.coming", "visit.send_room", "visit.decline"} <= verbs
    # the host answers from the card
    response = await act(bot, invoke(bot, "visit.coming", {"number": 1}))
    assert "V1" in json.dumps(response, ensure_ascii=False)
    await ask(bot, 'visitor seated V1 room:"접견실 2"', user=DESK)
    response = await act(bot, invoke(bot, "visit.met", {"number": 1}))
    assert "V1" in json.dumps(response, ensure_ascii=False)
    [v] = await visits(bot)
    assert v.status == "met" and v.met_at is not None
    answer = await ask(bot, "visitor left V1", user=DESK)
    verbs = {a["verb"] for a in actions_of(card_in(answer))}
    assert verbs == {"visit.badge_back", "visit.id_back"}
    await act(bot, invoke(bot, "visit.badge_back", {"number": 1}, user=DESK))
    await act(bot, invoke(bot, "visit.id_back", {"number": 1}, user=DESK))
    [v] = await visits(bot)
    assert (v.status, v.badge_returned, v.id_returned) == ("left", True, True)
    today = await ask(bot, "visitor today")
    assert "V1" in text_of(today) and "left" in text_of(today)


async def test_rooms_field_visits_and_help(desk: TeamsBot) -> None:
    bot = desk
    booked = await ask(bot, 'room book "접견실 1" 2026-12-01 14:00-15:00 review')
    assert "R1" in text_of(booked)
    clash = await ask(bot, '접견실 예약 "접견실 1" 2026-12-01 14:30-15:00')
    assert "R1" in text_of(clash)
    board = await ask(bot, "room")
    assert "접견실 1" in text_of(board) and "14:00-15:00" in text_of(board)
    mention = {
        "type": "mention",
        "text": "<at>Alex</at>",
        "mentioned": {"id": ALEX, "name": "Alex"},
    }
    planned = await ask(
        bot, "외근 계획 미래에셋증권 시각:2026-12-02 10:00 동행:<at>Alex</at>", entities=[mention]
    )
    assert "F1" in text_of(planned)
    async with bot.runtime.deps.sessions() as s:
        [f] = (await s.exec(select(FieldVisit))).all()
    assert f.status == "planned" and json.loads(f.staff) == [STAFF, ALEX]
    form = await act(bot, invoke(bot, "fieldvisit.report", {"number": 1}))
    assert form["type"] == "application/vnd.microsoft.card.adaptive"
    done = await act(
        bot,
        invoke(bot, "fieldvisit.report", {"number": 1, "form": "report", "outcome": "설명 완료"}),
    )
    assert "F1" in json.dumps(done, ensure_ascii=False)
    help_text = text_of(await ask(bot, "help"))
    assert "visitor today" in help_text and "fieldvisit" in help_text


async def test_id_numbers_are_refused_in_teams_commands_and_forms(desk: TeamsBot) -> None:
    bot = desk
    answer = await ask(bot, f"visitor register 홍길동 at:2026-12-01 15:00 notes:{RRN}")
    assert "24" in text_of(answer) and "1234567" not in text_of(answer)
    form = await ask(bot, "visitor")
    assert any(a["verb"] == "visit.register" for a in actions_of(card_in(form)))
    values = {
        "form": "visit",
        "visitor": "홍길동",
        "date": "2026-12-01",
        "time": "15:00",
        "notes": f"여권 M12345678 주민 {RRN}",
    }
    response = await act(bot, invoke(bot, "visit.register", values))
    shown = json.dumps(response, ensure_ascii=False)
    assert "24" in shown and "1234567" not in shown, "the refused value is not sent back"
    assert await visits(bot) == []
    url = bot.runtime.deps.env.DATABASE_URL
    if url.startswith("sqlite"):
        assert b"1234567" not in Path(url.split("///", 1)[1]).read_bytes()
    values["notes"] = "주차 필요"
    response = await act(bot, invoke(bot, "visit.register", values))
    [v] = await visits(bot)
    assert v.host_id == STAFF and v.notes == "주차 필요"
