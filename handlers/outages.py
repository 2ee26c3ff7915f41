"""`/outage`: Slack commands in, the notice command service's neutral results out."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.adapters.slack.ids import Command
from bot.deps import Deps
from handlers.errors import reported
from handlers.notices import run_feature


def register(app: AsyncApp) -> None:
    """Attach the outage listener."""
    app.command(Command.OUTAGE)(reported(handle_outage_command))


async def handle_outage_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/outage …`."""
    await run_feature("outage", ack, command, respond, deps)
