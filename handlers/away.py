"""`/away`: Slack requests in, the away command service's neutral results out
(bot/services/callback_commands.py run_away_command)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.adapters.slack.blocks.callbacks import build_callback_reply
from bot.adapters.slack.ids import Command
from bot.deps import Deps
from bot.services.callback_commands import FeatureRequest, run_away_command
from handlers.common import action_key, ephemeral, replayed
from handlers.errors import reported


def register(app: AsyncApp) -> None:
    """Attach the `/away` listener."""
    app.command(Command.AWAY)(reported(handle_away_command))


async def handle_away_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/away …` (set, off, status, help), ephemerally."""
    await ack()
    user_id = command["user_id"]
    request = FeatureRequest(
        user_id=user_id, text=command.get("text") or "", platform="slack", key=action_key(command)
    )
    result = await run_away_command(deps, request)
    if replayed(result):
        return
    lang = await deps.languages.language_of(user_id)
    text, blocks = build_callback_reply(result, lang)
    await respond(**ephemeral(text, blocks))
