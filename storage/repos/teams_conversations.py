"""Teams conversation references: save on install / first contact, look up to post."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import insert_ignoring_duplicates
from storage.models import TeamsConversation

_FIELDS = (
    "kind",
    "service_url",
    "tenant_id",
    "bot_id",
    "user_id",
    "aad_object_id",
    "team_id",
    "channel_id",
    "locale",
)


async def add_conversation(
    session: AsyncSession,
    *,
    conversation_id: str,
    reference: dict[str, Any],
    now: datetime,
    **fields: str,
) -> None:
    """Save (or refresh) one conversation's reference; empty fields keep their stored value.

    `fields` are the columns of `_FIELDS`. The insert-or-ignore then update is one statement
    pair that two concurrent installs of the same conversation cannot turn into an error.
    """
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise TypeError(f"unknown conversation fields: {sorted(unknown)}")
    values = {name: fields.get(name, "") for name in _FIELDS}
    doc = json.dumps(reference, ensure_ascii=False, sort_keys=True)
    await session.exec(
        insert_ignoring_duplicates(session, TeamsConversation, "conversation_id").values(
            conversation_id=conversation_id,
            reference=doc,
            created_at=now,
            updated_at=now,
            **values,
        )
    )
    changes: dict[str, Any] = {k: v for k, v in values.items() if v}
    await session.exec(
        sa.update(TeamsConversation)
        .where(col(TeamsConversation.conversation_id) == conversation_id)
        .values(reference=doc, updated_at=now, **changes)
    )


async def get_conversation(
    session: AsyncSession, *, conversation_id: str
) -> TeamsConversation | None:
    """The stored conversation of that id."""
    result = await session.exec(
        select(TeamsConversation).where(col(TeamsConversation.conversation_id) == conversation_id)
    )
    return result.first()


async def get_personal_conversation(
    session: AsyncSession, *, user_id: str = "", aad_object_id: str = ""
) -> TeamsConversation | None:
    """The newest 1:1 chat with a person, by Teams user id (`29:…`) or Entra object id."""
    if not user_id and not aad_object_id:
        return None
    who = (
        col(TeamsConversation.user_id) == user_id
        if user_id
        else col(TeamsConversation.aad_object_id) == aad_object_id
    )
    result = await session.exec(
        select(TeamsConversation)
        .where(col(TeamsConversation.kind) == "personal", who)
        .order_by(col(TeamsConversation.updated_at).desc(), col(TeamsConversation.id).desc())
        .limit(1)
    )
    return result.first()


async def list_conversations(
    session: AsyncSession, *, kind: str | None = None, team_id: str | None = None
) -> list[TeamsConversation]:
    """Stored conversations, optionally of one kind or one team, oldest first."""
    query = select(TeamsConversation)
    if kind is not None:
        query = query.where(col(TeamsConversation.kind) == kind)
    if team_id is not None:
        query = query.where(col(TeamsConversation.team_id) == team_id)
    result = await session.exec(query.order_by(col(TeamsConversation.id)))
    return list(result.all())


async def delete_conversation(session: AsyncSession, *, conversation_id: str) -> bool:
    """Forget a conversation (the app was uninstalled there); True when one was stored."""
    result = await session.exec(
        sa.delete(TeamsConversation).where(
            col(TeamsConversation.conversation_id) == conversation_id
        )
    )
    return bool(result.rowcount)


def reference_of(row: TeamsConversation) -> dict[str, Any]:
    """The stored ConversationReference (JSON) of a row."""
    data: dict[str, Any] = json.loads(row.reference)
    return data
