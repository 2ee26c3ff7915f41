"""Where a Teams message goes: people's 1:1 chats from the stored conversation references
(created when the bot never talked to them yet and the tenant allows it), and the Teams
Directory (name and locale of a person, from what their own activities told the bot).

Proactive messages are sent with the Bot Connector's conversation APIs directly (the same
calls the SDK's `continue_conversation` makes inside a synthetic turn): the outbox worker has
no turn to continue, and needs the status codes to classify failures (transport.py).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.adapters.teams.transport import TeamsSendError, TeamsTransport
from bot.domain.text import is_entra_id
from bot.ports import UserInfo
from storage.repos.teams_conversations import (
    add_conversation,
    get_conversation,
    get_personal_conversation,
    list_conversations,
)

log = logging.getLogger("charterbot.teams")

# A team's channel (`19:…@thread.tacv2`, older `@thread.skype`); group chats are `@thread.v2`.
_CHANNEL = re.compile(r"^19:[^;\s]+@thread\.(?:tacv2|skype)$")


@dataclass(frozen=True)
class Target:
    """A Teams conversation to post to (and the message to reply under, in a channel)."""

    service_url: str
    conversation_id: str
    reply_to_id: str = ""
    tenant_id: str = ""


def base_conversation(conversation_id: str) -> str:
    """A conversation id without a channel reply chain's `;messageid=…`."""
    return conversation_id.split(";", 1)[0]


def is_channel(conversation_id: str) -> bool:
    """Whether the id is a team's channel (posts there start or continue reply chains)."""
    return _CHANNEL.match(base_conversation(conversation_id)) is not None


def thread_conversation(conversation_id: str, root_id: str) -> str:
    """The id of a channel message's reply chain (`<channel>;messageid=<root>`), as Teams names
    the conversation of a reply in a channel thread."""
    return f"{base_conversation(conversation_id)};messageid={root_id}"


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
    by_aad = is_entra_id(user_id)  # an Entra object id instead of a `29:` id
    async with sessions() as session:
        row = await get_personal_conversation(
            session, **({"aad_object_id": user_id} if by_aad else {"user_id": user_id})
        )
        if row is not None:
            return Target(row.service_url, row.conversation_id, tenant_id=row.tenant_id)
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
            **({"aad_object_id": user_id} if by_aad else {"user_id": user_id}),
        )
    return Target(base.service_url, conversation_id, tenant_id=base.tenant_id)


async def conversation_target(
    sessions: async_sessionmaker[AsyncSession], conversation_id: str, *, reply_to_id: str = ""
) -> Target:
    """A known conversation (a channel, a group chat, a 1:1 chat) with its service URL.

    The service URL comes from the conversation's stored reference. A channel the bot has no
    reference of yet (a configured triage channel nobody wrote in) takes the service URL of
    the newest team installation: Teams gives one service URL per tenant and region, and
    posting in a channel only needs the app installed in that channel's team (Teams refuses
    it otherwise: 403/404, a permanent failure). No team installation at all is NotReachable.
    """
    conversation_id = base_conversation(conversation_id)
    async with sessions() as session:
        row = await get_conversation(session, conversation_id=conversation_id)
        rows = [] if row is not None else await list_conversations(session)
    if row is None:
        row = next((r for r in reversed(rows) if r.channel_id == conversation_id), None)
    if row is None and is_channel(conversation_id):
        teams = [r for r in rows if r.team_id]
        if not teams:
            raise NotReachable(
                f"the Teams app was never installed in a team, so it cannot post to channel "
                f"{conversation_id}: add the app to that channel's team"
            )
        row = max(teams, key=lambda r: r.updated_at)
    if row is None:
        raise NotReachable(f"the bot has no Teams conversation {conversation_id}")
    return Target(row.service_url, conversation_id, reply_to_id, row.tenant_id)


class TeamsDirectory:
    """The Directory port for Teams people: name and locale from their stored 1:1 chat.

    Teams has no `users.info`; what the bot knows of a person is what their activities said
    (display name, `locale`), refreshed on every message they send it. Someone who never
    wrote to the bot is looked up by name among the members of the teams it is installed in
    (the Bot Connector's conversation member API, once `transport` is set), so that cards and
    refusals name them instead of showing their id.
    """

    TEAMS_ASKED = 3  # teams asked at most per look-up (the first ones the bot was added to)

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], transport: TeamsTransport | None = None
    ) -> None:
        self._sessions = sessions
        self.transport = transport

    async def user_info(self, user_id: str) -> UserInfo | None:
        async with self._sessions() as session:
            row = await get_personal_conversation(session, user_id=user_id)
            channels = [] if row is not None else await list_conversations(session, kind="channel")
        if row is not None:
            name = str(_reference_user(row.reference).get("name") or "")
            return UserInfo(user_id=user_id, locale=row.locale, name=name, is_bot=False)
        if self.transport is None or not channels:
            return None
        teams = {c.team_id or c.conversation_id: c.service_url for c in channels}
        for team, service_url in list(teams.items())[: self.TEAMS_ASKED]:
            try:
                found = await self.transport.member_name(service_url, team, user_id)
            except TeamsSendError as exc:  # not answered now: asked again next time
                log.warning("Teams member look-up of %s failed: %s", user_id, exc)
                return None
            if found is not None:
                return UserInfo(user_id=user_id, locale="", name=found, is_bot=False)
        # in none of the bot's teams: remembered as nameless (asked again after a day)
        return UserInfo(user_id=user_id, locale="", name="", is_bot=False)


def _reference_user(reference: str) -> dict[str, object]:
    try:
        data = json.loads(reference)
    except ValueError:
        return {}
    user = data.get("user") if isinstance(data, dict) else None
    return user if isinstance(user, dict) else {}
