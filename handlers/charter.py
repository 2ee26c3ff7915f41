"""`/charter`: the command service's neutral result (bot/services/charter.py) as an ephemeral
Slack answer. Today: `report [YYYY-MM]` and `help`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.adapters.slack.blocks.report import build_report
from bot.adapters.slack.ids import Command
from bot.adapters.slack.text import t
from bot.deps import Deps
from bot.services.charter import CharterHelp, CharterRequest, ReportShown, run_charter_command
from bot.services.inquiry_commands import Refused, Usage
from handlers.common import ephemeral
from handlers.errors import reported


def register(app: AsyncApp) -> None:
    """Attach the `/charter` listener."""
    app.command(Command.CHARTER)(reported(handle_charter_command))


async def handle_charter_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/charter …` ephemerally."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = CharterRequest(user_id=user_id, text=command.get("text") or "", platform="slack")
    result = await run_charter_command(deps, request)
    if isinstance(result, Refused):
        raise result.error
    if isinstance(result, Usage):
        text = t(lang, result.key, **result.params) + "\n" + t(lang, result.usage)
        await respond(**ephemeral(text))
        return
    if isinstance(result, CharterHelp):
        await respond(**ephemeral(t(lang, "charter.usage")))
        return
    assert isinstance(result, ReportShown)
    text, blocks = build_report((lang,), result.report, link=result.link)
    await respond(**ephemeral(text, blocks))
