"""Snooze buttons on nudges."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.adapters.slack.ids import Action
from bot.adapters.slack.text import t
from bot.deps import Deps
from bot.i18n import Lang
from bot.ports import ActionVerb
from bot.services.inquiries import fmt_time
from bot.services.inquiry_actions import ActionRequest, SnoozedNudge, perform
from bot.services.reminders import Snoozed
from handlers.common import action_key, click_key, ephemeral
from handlers.errors import reported

MINUTES = {Action.SNOOZE_30: 30, Action.SNOOZE_60: 60, Action.SNOOZE_120: 120}
MAX_IDS = 200


def register(app: AsyncApp) -> None:
    """Attach the snooze listeners."""
    for action_id in MINUTES:
        app.action(action_id)(reported(handle_snooze_action))


def read_reminder_ids(value: object) -> list[int]:
    """The reminder ids of a snooze button's value (a JSON list); anything else is none."""
    if not isinstance(value, str):
        return []
    try:
        raw = json.loads(value or "[]")
    except ValueError:
        return []
    if not isinstance(raw, list):
        return []
    # database ids are 32-bit: a longer number cannot name a reminder
    return [int(i) for i in raw[:MAX_IDS] if str(i).isdigit() and len(str(i)) <= 9]


def snoozed_text(lang: Lang, snoozed: Snoozed, deps: Deps) -> str:
    """ "Snoozed #3 (a first response to the customer) until …"."""
    what = ", ".join(
        t(
            lang,
            "nudge.snoozed_item",
            number=number,
            what=", ".join(t(lang, f"owed.{o}") for o in obligations),
        )
        for number, obligations in snoozed.items
    )
    return t(lang, "nudge.snoozed", what=what, until=fmt_time(snoozed.until, deps, relative=True))


async def handle_snooze_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Postpone the nudge's obligations (only for whoever the nudge is for; a double click
    snoozes once) and say what was snoozed until when."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    request = ActionRequest(
        verb=ActionVerb.SNOOZE,
        user_id=user_id,
        reminder_ids=tuple(read_reminder_ids(action.get("value"))),
        minutes=MINUTES[action["action_id"]],
        key=action_key(body),
        intent=click_key(body, action),
    )
    async with deps.sessions.begin() as session:
        result = await perform(session, deps, request)
    if not isinstance(result, SnoozedNudge):
        return  # a replayed click: snoozed (and answered) once
    await respond(**ephemeral(snoozed_text(lang, result.snoozed, deps)))
