"""Helpers shared by the feature handlers: actor, language, reply rendering."""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.domain.inquiry import Actor
from bot.errors import DomainError
from bot.i18n import Lang, t


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
