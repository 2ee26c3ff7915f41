"""Snooze buttons on nudges."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.deps import Deps
from bot.i18n import t
from bot.services.inquiries import fmt_time
from bot.services.receipts import claim_action
from bot.services.reminders import snooze_reminders
from handlers.common import action_key, ephemeral, id_list
from handlers.errors import reported
from handlers.ids import Action

MINUTES = {Action.SNOOZE_30: 30, Action.SNOOZE_60: 60, Action.SNOOZE_120: 120}


def register(app: AsyncApp) -> None:
    """Attach the snooze listeners."""
    for action_id in MINUTES:
        app.action(action_id)(reported(handle_snooze_action))


async def handle_snooze_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Fire the nudge's reminders again later (a double click snoozes once)."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    ids = id_list(action.get("value"))
    async with deps.sessions.begin() as session:
        if not await claim_action(session, deps, action_key(body)):
            return  # a replayed click
        until = await snooze_reminders(
            session, deps, ids=ids, minutes=MINUTES[action["action_id"]], user_id=user_id
        )
    await respond(**ephemeral(t(lang, "nudge.snoozed", until=fmt_time(until, deps))))
