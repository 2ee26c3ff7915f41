"""The one AsyncWebClient, with rate-limit and server-error retries, and the user directory."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import UserInfo


def make_client(token: str, base_url: str) -> AsyncWebClient:
    """Build the Web API client every part of the bot shares."""
    url = base_url if base_url.endswith("/") else base_url + "/"
    return AsyncWebClient(
        token=token,
        base_url=url,
        timeout=10,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
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
        user = resp.get("user") or {}
        return UserInfo(
            user_id=user_id,
            locale=user.get("locale") or "",
            name=user.get("real_name") or user.get("name") or user_id,
            is_bot=bool(user.get("is_bot")),
        )
