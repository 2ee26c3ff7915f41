"""Message references: where an object's source message and card live on each platform.

The delivery engine hands back what a transport learned (a card posted, its permalink)
through `remember_message` and `remember_permalink`; services and adapters read with the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ports import MessageRef, Platform
from storage.models import MessageRefRecord
from storage.repos.message_refs import (
    add_message_ref,
    get_message_ref,
    list_message_refs,
    set_message_permalink,
)

SOURCE = "source"
CARD = "card"
MAX_REF = 20  # message_refs.ref's length


def named_ref(prefix: str, name: str) -> str:
    """The `ref` of one of an object's messages named after a place or a person (`post:` +
    a channel, `dm:` + a reviewer): the name itself, or a stable digest of a name too long
    for the column (a Teams id)."""
    ref = f"{prefix}{name}"
    if len(ref) <= MAX_REF:
        return ref
    return prefix + hashlib.sha256(name.encode()).hexdigest()[: MAX_REF - len(prefix)]


def _ref(row: MessageRefRecord) -> MessageRef:
    return MessageRef(
        platform=row.platform,  # type: ignore[arg-type]  # written from a Platform
        conversation_id=row.conversation_id,
        message_id=row.message_id,
    )


async def find_message(
    session: AsyncSession, object_kind: str, object_id: int, ref: str, platform: Platform
) -> MessageRef | None:
    """Where an object's `ref` message lives on a platform, or None."""
    row = await get_message_ref(
        session, object_kind=object_kind, object_id=object_id, ref=ref, platform=platform
    )
    return None if row is None else _ref(row)


async def messages_of(
    session: AsyncSession, object_kind: str, object_id: int, ref: str
) -> list[MessageRef]:
    """Every platform's `ref` message of an object (oldest record first)."""
    rows = await list_message_refs(
        session, object_kind=object_kind, object_ids=[object_id], ref=ref
    )
    return [_ref(r) for r in rows]


async def remember_message(
    session: AsyncSession,
    *,
    object_kind: str,
    object_id: int,
    ref: str,
    message: MessageRef,
    now: datetime,
    first_wins: bool = True,
) -> None:
    """Record where an object's message lives (a card learned twice keeps the first)."""
    await add_message_ref(
        session,
        object_kind=object_kind,
        object_id=object_id,
        ref=ref,
        platform=message.platform,
        conversation_id=message.conversation_id,
        message_id=message.message_id,
        now=now,
        keep_first=first_wins,
    )


async def remember_permalink(
    session: AsyncSession,
    *,
    object_kind: str,
    object_id: int,
    ref: str,
    platform: Platform,
    link: str,
) -> None:
    """Store a message's permalink once it is known (it never changes)."""
    await set_message_permalink(
        session,
        object_kind=object_kind,
        object_id=object_id,
        ref=ref,
        platform=platform,
        link=link,
    )


async def permalink_of(
    session: AsyncSession, object_kind: str, object_id: int, ref: str, platform: Platform
) -> str:
    """A message's stored permalink, "" when none is known yet."""
    row = await get_message_ref(
        session, object_kind=object_kind, object_id=object_id, ref=ref, platform=platform
    )
    return (row.permalink or "") if row is not None else ""


async def permalinks(
    session: AsyncSession,
    object_kind: str,
    object_ids: Collection[int],
    ref: str,
    platform: Platform,
) -> dict[int, str]:
    """Stored permalinks of many objects' `ref` messages on a platform, by object id."""
    rows = await list_message_refs(
        session, object_kind=object_kind, object_ids=object_ids, ref=ref, platform=platform
    )
    return {r.object_id: r.permalink for r in rows if r.permalink}
