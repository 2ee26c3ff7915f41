"""`/digest`: the command service's neutral result (bot/services/digest/command.py) as an
ephemeral Slack answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.adapters.slack.blocks.digest import build_digest
from bot.adapters.slack.ids import Command
from bot.adapters.slack.text import t, usage_text
from bot.deps import Deps
from bot.services.digest.command import DigestHelp, DigestRequest, DigestShown, run_digest_command
from bot.services.digest.features import digest_links
from bot.services.inquiry_commands import Refused, Usage
from bot.services.results import Said
from handlers.common import ephemeral
from handlers.errors import reported


def register(app: AsyncApp) -> None:
    """Attach the `/digest` listener."""
    app.command(Command.DIGEST)(reported(handle_digest_command))


async def handle_digest_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Answer `/digest …` ephemerally: the digest now, an opt-out, or the usage."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = DigestRequest(user_id=user_id, text=command.get("text") or "", platform="slack")
    result = await run_digest_command(deps, request)
    if isinstance(result, Refused):
        raise result.error  # answered like every refusal (handlers/errors.py)
    if isinstance(result, Usage):
        text = usage_text(lang, result)
        await respond(**ephemeral(text))
        return
    if isinstance(result, DigestHelp):
        await respond(**ephemeral(t(lang, "digest.usage")))
        return
    if isinstance(result, Said):
        await respond(**ephemeral(t(lang, result.key, **result.params)))
        return
    assert isinstance(result, DigestShown)
    links = await digest_links(deps, result.payload, "slack")
    payload = {**result.payload, "off": not result.enabled}
    text, blocks = build_digest(lang, payload, links)
    await respond(**ephemeral(text, blocks))
