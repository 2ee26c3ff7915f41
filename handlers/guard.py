"""Refuse signed requests whose ids are not Slack ids, before any listener runs.

Every id a listener takes from a request ends up in storage, in a mention or in a Web API
call; an id that is not shaped like Slack's (too long, markup such as `<!channel>`) is
answered here with a short, clear refusal and one log line, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.adapters.slack.text import t
from bot.domain.text import TRIGGER_ID, is_channel_id, is_user_id

log = logging.getLogger("charterbot.guard")


def register(app: AsyncApp) -> None:
    """Attach the id check to every request."""
    app.use(check_request_ids)


def _ids(body: dict[str, Any]) -> tuple[list[object], list[object], list[object]]:
    """(user ids, channel ids, trigger ids) the request names for its actor and place."""
    users: list[object] = []
    channels: list[object] = []
    triggers: list[object] = []
    if "user_id" in body:
        users.append(body["user_id"])
    if "channel_id" in body:
        channels.append(body["channel_id"])
    user = body.get("user")
    if user is not None:
        # interactive payloads name their person as {"id": …}; any other shape is no person
        users.append(user.get("id") if isinstance(user, dict) else None)
    channel = body.get("channel")
    if isinstance(channel, dict) and "id" in channel:
        channels.append(channel["id"])
    event = body.get("event")
    if isinstance(event, dict):
        if "user" in event or event.get("type") in PERSON_EVENTS:
            # every event the app subscribes to names its person as a string id
            users.append(event.get("user"))
        if "channel" in event and isinstance(event["channel"], str):
            channels.append(event["channel"])
    if "trigger_id" in body:
        triggers.append(body["trigger_id"])
    return users, channels, triggers


# Events that always name the person who acted (Slack sends no such event without one).
PERSON_EVENTS = frozenset({"app_home_opened", "reaction_added"})
# Interactive payloads whose listeners act for a person (and, but for view submissions, open
# something with a trigger id): both must be there.
ACTING = frozenset({"block_actions", "view_submission", "message_action", "shortcut"})
TRIGGERED = frozenset({"block_actions", "message_action", "shortcut"})
KNOWN_TYPES = ACTING | {"event_callback", "view_closed", "block_suggestion"}


def problem_of(body: dict[str, Any]) -> str | None:
    """What is malformed about the request's ids, or None."""
    users, channels, triggers = _ids(body)
    kind = body.get("type")
    is_command = "command" in body
    if (is_command or kind in ACTING) and not users:
        return "user id"
    if (is_command or kind in TRIGGERED) and not triggers:
        return "trigger id"
    if any(not is_user_id(u) for u in users):
        return "user id"
    if any(not is_channel_id(c) for c in channels):
        return "channel id"
    if any(not isinstance(x, str) or not TRIGGER_ID.match(x) for x in triggers):
        return "trigger id"
    return None


async def check_request_ids(
    body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
) -> BoltResponse | None:
    """Let well-formed requests through; answer the others at once."""
    problem = problem_of(body) if isinstance(body, dict) else "body"
    if problem is None:
        await next()
        return None
    kind = body.get("type") if isinstance(body, dict) else None
    # Only names of our own choosing reach the log line (request text could forge lines).
    shown = "slash command" if "command" in body else kind if kind in KNOWN_TYPES else "other"
    log.warning("refused a signed %s request: malformed %s", shown, problem)
    deps = context.get("deps")
    if "command" in body:
        # A slash command's answer can be given in the HTTP response itself: only its sender
        # sees it, and no id from the request is used to deliver it.
        text = t(deps.config.language if deps else "en", "error.bad_request")
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    return BoltResponse(status=200, body="")
