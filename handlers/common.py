"""Helpers shared by the feature handlers: actor, language, reply rendering, reading
untrusted request values, and the identity of an action (for acting on it once)."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.text import t
from bot.deps import Deps
from bot.domain.inquiry import Actor
from bot.errors import DomainError
from bot.i18n import Lang
from bot.services.inquiry_commands import CommandRequest, Refused
from bot.services.receipts import DOUBLE_CLICK, claim_action, receipt_key
from bot.services.results import Replayed, Said


def actor_of(deps: Deps, user_id: str) -> Actor:
    """Return the acting user with their staff flag from config."""
    return Actor(user_id=user_id, is_staff=deps.is_staff(user_id))


def error_text(lang: Lang, error: DomainError) -> str:
    """Render a domain refusal, with the usage help it names."""
    params = dict(error.params)
    who_key = params.pop("who_key", None)
    if who_key:
        params["who"] = t(lang, str(who_key))
    if "action" in params:
        params["action"] = t(lang, f"action.{params['action']}")
    if "status" in params:
        params["status"] = t(lang, f"status.{params['status']}")
    if "scope" in params:  # a list scope in the reader's words (`팀`, not `team`)
        params["scope"] = t(lang, f"scope.{params['scope']}")
    text = t(lang, error.key, **params)
    if error.usage:
        text += "\n" + t(lang, error.usage)
    return text


def ephemeral(text: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Keyword arguments for respond() that only the user sees."""
    out: dict[str, Any] = {"text": text, "response_type": "ephemeral", "replace_original": False}
    if blocks is not None:
        out["blocks"] = blocks
    return out


def is_bot_message(message: dict[str, Any], bot_user_id: str | None) -> bool:
    """Return whether a message was posted by a bot (ours or another app), not a person."""
    return bool(
        message.get("bot_id")
        or message.get("subtype") == "bot_message"
        or (bot_user_id and message.get("user") == bot_user_id)
    )


def said_text(lang: Lang, said: Said) -> str:
    """Render a service's answer in lang."""
    return t(lang, said.key, **said.params)


def action_key(body: dict[str, Any]) -> str:
    """The identity of a command or click: Slack's one-time trigger id (else the whole body)."""
    trigger = body.get("trigger_id")
    if isinstance(trigger, str) and trigger:
        return receipt_key("trigger", trigger)
    return receipt_key("body", json.dumps(body, sort_keys=True, default=str))


def command_request(command: dict[str, Any]) -> CommandRequest:
    """A slash command as the command services take it: who typed what, in which channel,
    and its identity (`action_key`)."""
    return CommandRequest(
        user_id=command["user_id"],
        text=command.get("text") or "",
        platform="slack",
        conversation_id=command.get("channel_id"),
        key=action_key(command),
    )


def replayed(result: object) -> bool:
    """Whether a service's result is a replay, acted on (and answered) the first time; a
    refusal is raised, to be answered like every refusal (handlers/errors.py)."""
    if isinstance(result, Refused):
        raise result.error
    return isinstance(result, Replayed)


def submission_key(body: dict[str, Any], view: dict[str, Any]) -> str:
    """The identity of a modal submission: the view's id and what was submitted in it."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    submitted = json.dumps(values or {}, sort_keys=True, default=str)
    user = body.get("user")
    user_id = str(user.get("id") or "") if isinstance(user, dict) else ""
    return receipt_key(
        "view", str(view.get("id") or ""), str(view.get("hash") or ""), user_id, submitted
    )


def click_key(body: dict[str, Any], action: dict[str, Any]) -> str:
    """Which button of which message a person pressed (the same for both clicks of a double
    click, which Slack sends with two trigger ids)."""
    container = body.get("container")
    container = container if isinstance(container, dict) else {}
    user = body.get("user")
    return receipt_key(
        "click",
        str(user.get("id") or "") if isinstance(user, dict) else "",
        str(action.get("action_id") or ""),
        str(action.get("value") or ""),
        str(container.get("message_ts") or container.get("view_id") or ""),
    )


async def first_time(deps: Deps, key: str, click: str | None = None) -> bool:
    """Claim an action that changes nothing stored (opening a modal) in its own transaction;
    with `click`, a double click of the same button counts once too."""
    async with deps.sessions.begin() as session:
        if not await claim_action(session, deps, key):
            return False
        return click is None or await claim_action(session, deps, click, window=DOUBLE_CLICK)
