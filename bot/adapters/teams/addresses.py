"""Where a Teams message goes: people's 1:1 chats from the stored conversation references
(created when the bot never talked to them yet and the tenant allows it), and the Teams
Directory (name and locale of a person, from what their own activities told the bot).

Proactive messages are sent with the Bot Connector's conversation APIs directly (the same
calls the SDK's `continue_conversation` makes inside a synthetic turn): the outbox worker has
no turn to continue, and needs the status codes to classify failures (transport.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.adapters.teams.transport import TeamsSendError, TeamsTransport
from bot.ports import UserInfo
from storage.repos.teams_conversations import (
    add_conversation,
    get_personal_conversation,
    list_conversations,
)


@dataclass(frozen=True)
class Target:
    """A Teams conversation to post to (and the message to reply under, in a channel)."""

    service_url: str
    conversation_id: str
    reply_to_id: str = ""


class NotReachable(Exception):
    """The person cannot be messaged in Teams; `reason` is for the admins' failure list."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def person_target(
    sessions: async_sessionmaker[AsyncSession],
    transport: TeamsTransport,
    user_id: str,
    *,
    now: datetime,
    tenant_id: str = "",
) -> Target:
    """The 1:1 chat with a person (`29:…` id): the stored one, else a new one.

    A new chat needs the service URL and bot id Teams gave the bot in this tenant (any stored
    conversation has them); Teams refuses it (403) when the tenant does not let the bot start
    chats or the app is not installed for the person: that is a permanent NotReachable.
    """
    async with sessions() as session:
        row = await get_personal_conversation(session, user_id=user_id)
        if row is not None:
            return Target(row.service_url, row.conversation_id)
        known = [
            r
            for r in await list_conversations(session)
            if r.bot_id and (not tenant_id or r.tenant_id == tenant_id)
        ]
    if not known:
        raise NotReachable(
            "the Teams app is not installed anywhere in this tenant yet: nobody can be messaged"
        )
    base = max(known, key=lambda r: r.updated_at)
    try:
        conversation_id = await transport.create_personal(
            base.service_url, tenant_id=base.tenant_id, bot_id=base.bot_id, user_id=user_id
        )
    except TeamsSendError as exc:
        if exc.permanent:
            raise NotReachable(exc.reason) from None
        raise
    async with sessions.begin() as session:
        await add_conversation(
            session,
            conversation_id=conversation_id,
            reference={
                "channelId": "msteams",
                "serviceUrl": base.service_url,
                "conversation": {
                    "id": conversation_id,
                    "conversationType": "personal",
                    "tenantId": base.tenant_id,
                },
                "bot": {"id": base.bot_id},
                "user": {"id": user_id},
            },
            now=now,
            kind="personal",
            service_url=base.service_url,
            tenant_id=base.tenant_id,
            bot_id=base.bot_id,
            user_id=user_id,
        )
    return Target(base.service_url, conversation_id)


class TeamsDirectory:
    """The Directory port for Teams people: name and locale from their stored 1:1 chat.

    Teams has no `users.info`; what the bot knows of a person is what their activities said
    (display name, `locale`), refreshed on every message they send it.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def user_info(self, user_id: str) -> UserInfo | None:
        async with self._sessions() as session:
            row = await get_personal_conversation(session, user_id=user_id)
        if row is None:
            return None
        name = str(_reference_user(row.reference).get("name") or "")
        return UserInfo(user_id=user_id, locale=row.locale, name=name, is_bot=False)


def _reference_user(reference: str) -> dict[str, object]:
    try:
        data = json.loads(reference)
    except ValueError:
        return {}
    user = data.get("user") if isinstance(data, dict) else None
    return user if isinstance(user, dict) else {}
