"""`/notice` and `/outage`: Slack commands in, the notice command service's neutral results
out (bot/services/notice_commands.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.adapters.slack.blocks.notices import build_feature_reply
from bot.adapters.slack.ids import Command
from bot.deps import Deps
from bot.services.inquiry_commands import Refused
from bot.services.notice_commands import Feature, FeatureRequest, run_feature_command
from bot.services.results import Replayed
from handlers.common import action_key, ephemeral
from handlers.errors import reported


def register(app: AsyncApp) -> None:
    """Attach the notice listener."""
    app.command(Command.NOTICE)(reported(handle_notice_command))


async def run_feature(
    feature: Feature, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Run `/notice …` or `/outage …` and answer ephemerally."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = FeatureRequest(
        user_id=user_id,
        text=command.get("text") or "",
        platform="slack",
        key=action_key(command),
    )
    result = await run_feature_command(deps, feature, request)
    if isinstance(result, Replayed):
        return
    if isinstance(result, Refused):
        raise result.error  # answered like every refusal (handlers/errors.py)
    text, blocks = build_feature_reply(result, lang)
    deps.outbox.kick()
    await respond(**ephemeral(text, blocks))


async def handle_notice_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/notice …`."""
    await run_feature("notice", ack, command, respond, deps)
