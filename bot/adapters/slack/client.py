"""The one AsyncWebClient, with rate-limit and server-error retries, and the user directory."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import UserInfo

log = logging.getLogger("charterbot.slack")


def make_client(token: str, base_url: str, *, timeout: float = 10) -> AsyncWebClient:
    """Build the Web API client every part of the bot shares."""
    url = base_url if base_url.endswith("/") else base_url + "/"
    return AsyncWebClient(
        token=token,
        base_url=url,
        timeout=timeout,  # type: ignore[arg-type]  # aiohttp accepts fractions of a second
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def make_delivery_client(
    client: AsyncWebClient, *, timeout: float | None = None, rate_limit_retries: int = 1
) -> AsyncWebClient:
    """A client for the outbox sender: same token and URL, but no blind retries.

    The shared client retries connection errors and 5xx by itself, which is fine for reads
    but can post a message twice: a request that timed out or got a 500 may still have been
    processed. The sender handles those outcomes itself (it checks the channel for the
    message before sending again), so its client only retries 429 — the one answer that
    guarantees Slack did nothing — sleeping `Retry-After` once before giving the row back to
    the sender, which then honours `Retry-After` itself.
    """
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout if timeout is None else timeout,  # type: ignore[arg-type]
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)]
        if rate_limit_retries > 0
        else [],
    )


class SlackDirectory:
    """Looks users up with users.info (locale included)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def user_info(self, user_id: str) -> UserInfo | None:
        """Return the user's locale and name, or None when Slack does not know them."""
        try:
            resp = await self._client.users_info(user=user_id, include_locale=True)
        except SlackApiError:
            return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Slack out of reach: the caller goes on with what it knows (defaults)
            log.warning("users.info unreachable: %s", type(exc).__name__)
            return None
        user = resp.get("user") or {}
        return UserInfo(
            user_id=user_id,
            locale=user.get("locale") or "",
            name=user.get("real_name") or user.get("name") or user_id,
            is_bot=bool(user.get("is_bot")),
            tz=user.get("tz") or "",
        )
