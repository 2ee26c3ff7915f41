"""`/charter`: Slack requests in, the charter command service's neutral lines out
(bot/services/charter.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.adapters.slack.blocks.commands import build_charter_reply
from bot.adapters.slack.blocks.report import build_report
from bot.adapters.slack.ids import Command
from bot.deps import Deps
from bot.services.charter import ReportShown, run_charter_command
from handlers.common import command_request, ephemeral, replayed
from handlers.errors import reported


def register(app: AsyncApp) -> None:
    """Attach the charter listeners."""
    app.command(Command.CHARTER)(reported(handle_charter_command))


async def handle_charter_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/charter …` ephemerally, in the person's language (after a language change:
    in the new one)."""
    await ack()
    user_id = command["user_id"]
    request = command_request(command)
    result = await run_charter_command(deps, request)
    if replayed(result):
        return
    lang = await deps.languages.language_of(user_id)
    if isinstance(result, ReportShown):
        text, blocks = build_report((lang,), result.report, link=result.link)
        await respond(**ephemeral(text, blocks))
        return
    await respond(**ephemeral(build_charter_reply(result, lang)))
