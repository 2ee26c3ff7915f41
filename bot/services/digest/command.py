"""The `digest …` command on any platform: show my digest now, an admin's look at a
manager's, opt out and back in. Neutral results; each adapter renders them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.domain.grammar import digest_word
from bot.errors import DomainError, Forbidden
from bot.ports import Platform
from bot.services.digest.run import current_moment, digest_payload, scope_of, zone_of
from bot.services.inquiry_commands import Refused, Usage
from bot.services.results import Said
from storage.repos.digest import get_digest_enabled, set_digest_enabled

MENTION = re.compile(r"<@([A-Za-z0-9:_\-.]{2,255})(?:\|[^>]*)?>")
USAGE = "digest.usage"


@dataclass(frozen=True)
class DigestRequest:
    """One `digest …` command: who typed what, on which platform."""

    user_id: str
    text: str
    platform: Platform = "slack"


@dataclass(frozen=True)
class DigestShown:
    """A digest to show now (the payload a daily digest carries)."""

    payload: dict[str, Any]
    enabled: bool  # whether its manager gets it every business day


@dataclass(frozen=True)
class DigestHelp:
    """The command's usage."""


DigestResult = DigestShown | Said | Usage | Refused | DigestHelp


async def _show(deps: Deps, manager: str) -> DigestShown:
    zone = await zone_of(deps, manager)
    now = deps.clock.now()
    scope = scope_of(deps, manager, current_moment(deps, now, zone), now, zone)
    async with deps.reads() as session:
        payload = await digest_payload(session, deps, scope)
        enabled = await get_digest_enabled(session, user_ids=deps.config.ids_of(manager))
    return DigestShown(payload, enabled)


async def run_digest_command(deps: Deps, request: DigestRequest) -> DigestResult:
    """Parse and run one `digest …` command (the adapter calls it outside any transaction)."""
    words = request.text.split()
    user = request.user_id
    is_manager = bool(deps.config.teams_managed_by(user))
    try:
        if not words:
            if not is_manager:
                raise Forbidden("digest.error.not_manager")
            return await _show(deps, user)
        if len(words) > 1:
            return Usage("digest.error.unknown", {"word": " ".join(words)[:80]}, USAGE)
        word = digest_word(words[0])
        if word == "help":
            return DigestHelp()
        if word in ("on", "off"):
            if not is_manager:
                raise Forbidden("digest.error.not_manager")
            async with deps.sessions.begin() as session:
                await set_digest_enabled(
                    session, user_id=user, enabled=word == "on", now=deps.clock.now()
                )
            return Said(f"digest.turned_{word}", {"time": deps.config.scheduler.digest_time})
        match = MENTION.fullmatch(words[0])
        if match is None:
            return Usage("digest.error.unknown", {"word": words[0][:80]}, USAGE)
        target = match.group(1)
        if not deps.config.is_admin(user) and not deps.config.same_person(user, target):
            raise Forbidden("digest.error.admins_only")
        managed = deps.config.teams_managed_by(target)
        if not managed:
            raise DomainError("digest.error.no_such_manager", user=target)
        return await _show(deps, managed[0].manager)
    except DomainError as exc:
        return Refused(exc)
