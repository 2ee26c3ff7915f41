"""Errors reach the user: domain refusals are explained; anything else gets a reference id.

Every listener is registered through `reported(...)`. Bolt's async runner loses an
already-sent ack when a listener raises within its 10 ms polling interval (the HTTP answer
becomes a 404 after 3 s), so errors are answered inside the listener task instead of being
left to `app.error`, which stays as the net for middleware failures.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.text import t
from bot.adapters.slack.verify import allowed_response_url, host_of
from bot.errors import DomainError
from bot.i18n import Lang
from handlers.common import ephemeral, error_text

log = logging.getLogger("charterbot.errors")
Listener = Callable[..., Awaitable[None]]
_NEEDED = ("body", "context", "client")


def register(app: AsyncApp) -> None:
    """Attach the global error handler."""
    app.error(handle_error)


def _user_of(body: dict[str, Any]) -> str | None:
    user = body.get("user_id") or body.get("user") or (body.get("event") or {}).get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return user if isinstance(user, str) else None


async def handle_error(
    error: Exception, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """Tell the user what went wrong; log unexpected errors with a reference id.

    Only a request that reached the listeners is answered: deps enter the context in the first
    user middleware (every request Bolt sees was verified by bot/app.py's /slack/events before
    it), so an error raised before it is logged by its type alone and nothing of the body is
    used.
    """
    deps = context.get("deps")
    if deps is None:
        log.warning("error before the request was verified: %s", type(error).__name__)
        return
    user = _user_of(body)
    lang: Lang = await deps.languages.language_of(user) if user else deps.config.language
    if isinstance(error, DomainError):
        text = error_text(lang, error)
    else:
        ref = uuid.uuid4().hex[:8]
        log.error("unexpected error ref=%s: %r", ref, error, exc_info=error)
        text = t(lang, "error.unexpected", ref=ref)
    response_url = body.get("response_url")
    if response_url and not allowed_response_url(response_url, deps.env.SLACK_API_URL):
        log.warning("dropped an answer to a response_url on host %s", host_of(response_url))
        return
    if response_url:
        await AsyncWebhookClient(response_url).send(**ephemeral(text))
    elif user and (channel := (body.get("channel") or {}).get("id")):
        await client.chat_postEphemeral(channel=channel, user=user, text=text)
    elif user and body.get("type") != "event_callback":
        await client.chat_postMessage(channel=user, text=text)


def reported(func: Listener) -> Listener:
    """Wrap a listener so its errors are answered to the user from inside the listener."""
    sig = inspect.signature(func)
    own = list(sig.parameters)
    params = list(sig.parameters.values()) + [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for name in _NEEDED
        if name not in own
    ]

    async def listener(**kwargs: Any) -> None:
        call = {k: v for k, v in kwargs.items() if k in own}
        deps = kwargs["context"].get("deps")
        held = acked = False
        if "ack" in own and deps is not None:
            real_ack = kwargs["ack"]

            async def ack(*args: Any, **kw: Any) -> None:
                # The answer to Slack goes out at once; the work after it waits for one of a
                # few slots, so a burst queues cheaply instead of starving the acks.
                nonlocal held, acked
                acked = True
                await real_ack(*args, **kw)
                if not held:
                    await deps.work_slots.acquire()
                    held = True

            call["ack"] = ack
        try:
            await func(**call)
        except Exception as exc:  # noqa: BLE001 - the one place errors are answered
            if "ack" in own and deps is not None and not acked:
                # Failed before answering: answer now, or Slack shows a 404 after 3 s.
                await kwargs["ack"]()
            await handle_error(exc, kwargs["body"], kwargs["context"], kwargs["client"])
        finally:
            if held:
                deps.work_slots.release()

    listener.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    listener.__name__ = func.__name__
    listener.__qualname__ = func.__qualname__
    listener.__doc__ = func.__doc__
    return listener
