"""`digest`, `charter report` and `home` typed to the bot in Teams: the manager's digest card,
the report card, and the dashboard card whose retry and discard buttons only an admin may use
(the real server in anonymous mode, the fake Bot Connector; SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from storage.models import OutboxMessage
from storage.repos.outbox import add_outbox_messages, get_outbox_message, list_failed_outbox
from teams.inbound_world import (
    ADMIN,
    STAFF,
    act,
    actions_of,
    ask,
    card_in,
    invoke,
    teams,
    text_of,
)
from teams.support import TeamsBot

__all__ = ["teams"]
BOSS = "29:boss"


async def test_digest_for_the_manager_and_refusals(teams: TeamsBot) -> None:
    await ask(teams, "inquiry new support Login fails")
    answer = await ask(teams, "digest", user=BOSS)
    card_in(answer)
    text = text_of(answer)
    assert "Daily digest" in text and "HTS support" in text
    assert "Unassigned** (1)" in text and "#1 Login fails" in text.replace("\\", "")
    assert "Only team managers" in text_of(await ask(teams, "요약"))
    assert "No more daily digests" in text_of(await ask(teams, "digest off", user=BOSS))
    assert "Usage" in text_of(await ask(teams, "digest nonsense", user=BOSS))


async def test_charter_report_card(teams: TeamsBot) -> None:
    answer = await ask(teams, "charter report 2026-11")
    card_in(answer)
    text = text_of(answer)
    assert "2026-11" in text and "no data" in text and "C15" in text
    assert "not a month" in text_of(await ask(teams, "헌장 보고서 11월"))


async def test_home_card_and_admin_retry(teams: TeamsBot) -> None:
    runtime = teams.runtime
    now = runtime.deps.clock.now()
    async with runtime.deps.sessions.begin() as s:
        await add_outbox_messages(
            s,
            [
                OutboxMessage(
                    idempotency_key="broken:1",
                    kind="message",
                    platform="teams",
                    recipient=f"person:{STAFF}",
                    payload=json.dumps({"text_key": "digest.empty", "params": {}}),
                    state="failed",
                    available_at=now,
                    created_at=now,
                    last_error="conversation gone",
                )
            ],
        )
    async with runtime.deps.sessions() as s:
        [row] = await list_failed_outbox(s)
    staff = await ask(teams, "홈")
    assert "Delivery failures" not in text_of(staff) and not actions_of(card_in(staff))
    admin = await ask(teams, "home", user=ADMIN)
    card = card_in(admin)
    assert "Delivery failures (1)" in text_of(admin).replace("**", "")
    verbs = {a["verb"] for a in actions_of(card)}
    assert verbs == {"outbox.retry", "outbox.discard"}
    refused = await act(teams, invoke(teams, "outbox.retry", {"id": str(row.id)}))
    assert "Only admins" in refused["value"]
    answer = await act(teams, invoke(teams, "outbox.retry", {"id": str(row.id)}, user=ADMIN))
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Delivery failures (0)" in json.dumps(answer["value"]).replace("**", "")
    async with runtime.deps.sessions() as s:
        again = await get_outbox_message(s, row.id or 0)
        assert again is not None and again.state == "pending"
