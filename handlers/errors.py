"""One error handler: domain refusals are shown to the user; the rest get a reference id."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.errors import DomainError
from bot.i18n import t
from handlers.common import ephemeral, error_text

log = logging.getLogger("charterbot.errors")


def register(app: AsyncApp) -> None:
    """Attach the global error handler."""
    app.error(handle_error)


def _user_of(body: dict[str, Any]) -> str | None:
    user = body.get("user_id") or body.get("user") or (body.get("event") or {}).get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return user if isinstance(user, str) else None


async def handle_error(error: Exception, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient) -> None:
    """Tell the user what went wrong; log unexpected errors with a reference id."""
    deps = context.get("deps")
    user = _user_of(body)
    default = deps.config.language if deps else "en"
    lang = await deps.languages.language_of(user) if deps and user else default
    if isinstance(error, DomainError):
        text = error_text(lang, error)
    else:
        ref = uuid.uuid4().hex[:8]
        log.error("unexpected error ref=%s: %r", ref, error, exc_info=error)
        text = t(lang, "error.unexpected", ref=ref)
    response_url = body.get("response_url")
    if response_url:
        await AsyncWebhookClient(response_url).send(**ephemeral(text))
    elif user and (channel := (body.get("channel") or {}).get("id")):
        await client.chat_postEphemeral(channel=channel, user=user, text=text)
    elif user:
        await client.chat_postMessage(channel=user, text=text)
