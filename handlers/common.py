"""Helpers shared by the feature handlers: actor, language, reply rendering."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.deps import Deps
from bot.domain.inquiry import Actor
from bot.errors import DomainError
from bot.i18n import Lang, t
from storage.models import Inquiry


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


def tracked_text(deps: Deps, lang: Lang, inquiry: Inquiry, user_id: str) -> str:
    """ "Already tracked as #N": the number only for staff and the inquiry's own requester."""
    if deps.is_staff(user_id) or inquiry.requester_id == user_id:
        return t(lang, "inquiry.already_tracked", number=inquiry.number)
    return t(lang, "inquiry.already_tracked_other")


async def assignee_options(deps: Deps, user_id: str) -> list[tuple[str, str]] | None:
    """The people the modal's assignee picker offers: team members for staff, none for others."""
    if not deps.is_staff(user_id):
        return None
    people = deps.config.assignable_in_order()
    names = await asyncio.gather(*(deps.languages.name_of(p) for p in people))
    return list(zip(people, names, strict=True))
