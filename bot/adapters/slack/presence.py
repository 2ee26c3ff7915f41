"""Slack presence and status for absence (`bot.ports.Presence`): `users.getPresence` (set
away by hand: `manual_away`) and `users.profile.get` (the status emoji).

Answers are kept for a minute (a ladder asks about the same people at every rung); an
error or a slow Slack counts as "unknown", never as away: `/away` records work without it.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.domain.text import is_user_id
from bot.ports import PresenceStatus

log = logging.getLogger("charterbot.presence")
KEEP_SECONDS = 60.0
ASK_SECONDS = 2.0


class SlackPresence:
    """Reads a Slack user's presence and status emoji (cached for a minute)."""

    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock
        self._memory: dict[str, tuple[PresenceStatus | None, float]] = {}

    async def status_of(self, user_id: str) -> PresenceStatus | None:
        """The person's presence and status emoji; None for non-Slack ids or on errors."""
        if not is_user_id(user_id):
            return None
        now = self._clock.now().timestamp()
        hit = self._memory.get(user_id)
        if hit is not None and hit[1] > now:
            return hit[0]
        status: PresenceStatus | None
        try:
            # asked inside a ladder's transaction: a slow Slack must not hold it long
            async with asyncio.timeout(ASK_SECONDS):
                presence = await self._client.users_getPresence(user=user_id)
                profile = await self._client.users_profile_get(user=user_id)
        except (SlackApiError, TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning("presence of %s unknown: %r", user_id, exc)
            status = None
        else:
            emoji = str((profile.get("profile") or {}).get("status_emoji") or "")
            away = presence.get("presence") == "away" and bool(presence.get("manual_away"))
            status = PresenceStatus(away=away, emoji=emoji)
        if len(self._memory) > 10_000:
            self._memory.clear()
        self._memory[user_id] = (status, now + KEEP_SECONDS)
        return status
