"""Send to Teams through the Bot Connector REST API (the Agents SDK's ConnectorClient).

Operations: post to a conversation, reply in a reply chain, update an activity in place (the
card refresh, like Slack's `chat.update`), and create a 1:1 conversation with a person. Every
failure becomes a `TeamsSendError` saying whether to retry, after how long, and whether the
activity may have arrived anyway.

Delivery guarantee (what the outbox engine builds on)
-----------------------------------------------------
Slack lets the bot find its own message by metadata after a lost answer; Teams does not: a
bot cannot read a conversation's messages through the Bot Connector, and the connector
ignores an id the client puts on a new activity (it assigns its own). So after a lost answer
nothing can tell whether the message arrived. The transport therefore separates:
- *certainly not delivered*: 429 (paused for `Retry-After`), 412, 503, 401 (token refused),
  a connection that could not be opened, and every refusal (400, 403, 404, 413: permanent).
  Retrying these can never duplicate anything.
- *outcome unknown* (`uncertain=True`): the request was written but the answer is missing —
  a time-out, a dropped connection, 500, 502, 504 (Microsoft's gateway answers these also
  when the message was delivered; Teams' guidance is to retry them).
The outbox's Teams transport (bot/adapters/teams/delivery.py) re-sends a post of unknown
outcome at most `UNCERTAIN_RESENDS` (= 1) more time, so a notification reaches a
conversation at most twice, and only when Teams failed mid-request; the row records the
uncertainty (`last_error` "uncertain: …") and a second unknown outcome fails it for good,
listed to admins. An *update* is idempotent (PUT of the whole activity): it is retried like a
certain failure.

Pacing: Teams allows one bot 7 messages per second, 8 per 2 s, 60 per 30 s and 1800 per hour
in one conversation; delivery.py keeps every conversation within these windows, and the
engine adds its own one post per second per conversation (`CONVERSATION_INTERVAL`).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from microsoft_agents.activity import Activity, ChannelAccount, ConversationParameters
from microsoft_agents.hosting.core.connector.client import ConnectorClient

from bot.adapters.teams.host import TokenSource

CONVERSATION_INTERVAL = 1.0  # seconds between two messages to one conversation
UNCERTAIN_RESENDS = 1
REQUEST_TIMEOUT = 15.0
_CERTAIN_RETRY = frozenset({401, 408, 412, 429, 503})
_UNCERTAIN_RETRY = frozenset({500, 502, 504})


@dataclass(frozen=True)
class Delivered:
    """Where the activity now lives (its id in the conversation)."""

    conversation_id: str
    message_id: str


class TeamsSendError(Exception):
    """A call to the Bot Connector failed; how to go on."""

    def __init__(
        self,
        reason: str,
        *,
        retry: bool,
        uncertain: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.uncertain = uncertain
        self.retry_after = retry_after
        self.status = status

    @property
    def permanent(self) -> bool:
        return not self.retry


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds of a Retry-After header (delta seconds or an HTTP date), within 1 s .. 1 h."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 1.0), 3600.0)


def classify_status(
    status: int, retry_after: str | None = None, *, idempotent: bool = False
) -> TeamsSendError:
    """The error for an HTTP status the Bot Connector answered."""
    if status == 429:
        wait = retry_after_seconds(retry_after) or 1.0
        return TeamsSendError(
            f"429 rate limited (Retry-After {wait:g}s)", retry=True, retry_after=wait, status=status
        )
    if status in _CERTAIN_RETRY:
        return TeamsSendError(
            f"{status} from the Bot Connector",
            retry=True,
            retry_after=retry_after_seconds(retry_after),
            status=status,
        )
    if status in _UNCERTAIN_RETRY:
        return TeamsSendError(
            f"{status} from the Bot Connector: the activity may have been delivered",
            retry=True,
            uncertain=not idempotent,
            status=status,
        )
    if status == 403:
        reason = "403: the bot may not post there (removed, or blocked by the tenant)"
    elif status == 404:
        reason = "404: no such conversation or activity"
    elif status == 413:
        reason = "413: the message is too large for Teams"
    else:
        reason = f"{status}: the Bot Connector refused the request"
    return TeamsSendError(reason, retry=False, status=status)


class TeamsTransport:
    """Bot Connector calls with failures classified (see the module docstring)."""

    def __init__(self, tokens: TokenSource, *, timeout: float = REQUEST_TIMEOUT) -> None:
        self._tokens = tokens
        self._timeout = timeout

    @property
    def timeout(self) -> float:
        """Seconds one request may take (then its outcome is unknown)."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: float) -> None:
        self._timeout = value

    def use_tokens(self, tokens: TokenSource) -> None:
        """Sign later requests with these tokens (the composition root's test hook)."""
        self._tokens = tokens

    async def _client(self, service_url: str) -> ConnectorClient:
        token = await self._tokens.token()
        session = aiohttp.ClientSession(
            base_url=service_url if service_url.endswith("/") else service_url + "/",
            timeout=aiohttp.ClientTimeout(total=self._timeout),
        )
        return ConnectorClient(service_url, token, session=session)

    async def _call(self, service_url: str, op: Any, *, idempotent: bool = False) -> Any:
        client = await self._client(service_url)
        try:
            return await op(client)
        except aiohttp.ClientResponseError as exc:
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            raise classify_status(exc.status, retry_after, idempotent=idempotent) from None
        except aiohttp.ClientConnectorError as exc:
            # never connected: nothing was sent
            raise TeamsSendError(f"cannot connect: {type(exc).__name__}", retry=True) from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise TeamsSendError(
                f"no answer ({type(exc).__name__}): the activity may have been delivered",
                retry=True,
                uncertain=not idempotent,
            ) from None
        finally:
            await client.close()

    async def send(
        self, service_url: str, conversation_id: str, activity: dict[str, Any]
    ) -> Delivered:
        """Post a new activity to a conversation (a channel post, a DM, a group chat)."""
        body = Activity.model_validate(activity)

        async def op(client: ConnectorClient) -> Any:
            return await client.conversations.send_to_conversation(conversation_id, body)

        result = await self._call(service_url, op)
        return Delivered(conversation_id, str(result.id or ""))

    async def reply(
        self, service_url: str, conversation_id: str, reply_to_id: str, activity: dict[str, Any]
    ) -> Delivered:
        """Post into the reply chain of message `reply_to_id` (a channel thread)."""
        body = Activity.model_validate({**activity, "replyToId": reply_to_id})

        async def op(client: ConnectorClient) -> Any:
            return await client.conversations.reply_to_activity(conversation_id, reply_to_id, body)

        result = await self._call(service_url, op)
        return Delivered(conversation_id, str(result.id or ""))

    async def update(
        self, service_url: str, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> Delivered:
        """Replace an activity the bot sent (a card refreshed in place)."""
        body = Activity.model_validate({**activity, "id": activity_id})

        async def op(client: ConnectorClient) -> Any:
            return await client.conversations.update_activity(conversation_id, activity_id, body)

        await self._call(service_url, op, idempotent=True)
        return Delivered(conversation_id, activity_id)

    async def member_name(self, service_url: str, conversation_id: str, user_id: str) -> str | None:
        """A person's display name, as the members of a conversation the bot is in (a team)
        know it; None when they are not a member (404). Other failures raise."""

        async def op(client: ConnectorClient) -> Any:
            return await client.conversations.get_conversation_member(conversation_id, user_id)

        try:
            account = await self._call(service_url, op, idempotent=True)
        except TeamsSendError as exc:
            if exc.status == 404:
                return None
            raise
        return str(account.name or "")

    async def create_personal(
        self, service_url: str, *, tenant_id: str, bot_id: str, user_id: str
    ) -> str:
        """Open (or find: Teams returns the existing one) the 1:1 chat with a person.

        A 403 means the tenant does not let the bot start chats (or the app is not installed
        for that person): a permanent error with that reason, shown to admins.
        """
        params = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=bot_id),
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant_id,
            channel_data={"tenant": {"id": tenant_id}},
        )

        async def op(client: ConnectorClient) -> Any:
            return await client.conversations.create_conversation(params)

        try:
            result = await self._call(service_url, op, idempotent=True)
        except TeamsSendError as exc:
            if exc.status == 403:
                raise TeamsSendError(
                    "403: the tenant does not allow the bot to start a chat with this person "
                    "(install the app for them first)",
                    retry=False,
                    status=403,
                ) from None
            raise
        return str(result.id or "")
