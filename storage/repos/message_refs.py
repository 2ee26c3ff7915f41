"""Where objects' messages live on each platform (sources, cards); no commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import MessageRefRecord


async def get_message_ref(
    session: AsyncSession, *, object_kind: str, object_id: int, ref: str, platform: str
) -> MessageRefRecord | None:
    """Return where an object's `ref` message (source, card) lives on a platform, or None."""
    stmt = select(MessageRefRecord).where(
        col(MessageRefRecord.object_kind) == object_kind,
        col(MessageRefRecord.object_id) == object_id,
        col(MessageRefRecord.ref) == ref,
        col(MessageRefRecord.platform) == platform,
    )
    return (await session.exec(stmt)).first()


async def list_message_refs(
    session: AsyncSession,
    *,
    object_kind: str,
    object_ids: Collection[int],
    ref: str | None = None,
    platform: str | None = None,
) -> list[MessageRefRecord]:
    """Return the refs of these objects (optionally of one ref role and one platform)."""
    if not object_ids:
        return []
    stmt = select(MessageRefRecord).where(
        col(MessageRefRecord.object_kind) == object_kind,
        col(MessageRefRecord.object_id).in_(sorted(object_ids)),
    )
    if ref is not None:
        stmt = stmt.where(col(MessageRefRecord.ref) == ref)
    if platform is not None:
        stmt = stmt.where(col(MessageRefRecord.platform) == platform)
    return list((await session.exec(stmt.order_by(col(MessageRefRecord.id)))).all())


async def add_message_ref(
    session: AsyncSession,
    *,
    object_kind: str,
    object_id: int,
    ref: str,
    platform: str,
    conversation_id: str,
    message_id: str,
    now: datetime,
    permalink: str | None = None,
    keep_first: bool = False,
) -> bool:
    """Record where an object's message lives.

    Without `keep_first` a second record for the object or the message raises IntegrityError
    (two inquiries from one source message); with it the first record wins and False says
    one was there (a card learned twice).
    """
    stmt: sa.Insert = sa.insert(MessageRefRecord)
    if keep_first:
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = pg_insert(MessageRefRecord).on_conflict_do_nothing()
        else:
            stmt = stmt.prefix_with("OR IGNORE")
    stmt = stmt.values(
        object_kind=object_kind,
        object_id=object_id,
        ref=ref,
        platform=platform,
        conversation_id=conversation_id,
        message_id=message_id,
        permalink=permalink,
        created_at=now,
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


async def set_message_permalink(
    session: AsyncSession, *, object_kind: str, object_id: int, ref: str, platform: str, link: str
) -> None:
    """Store a message's permalink once it is known (it never changes; the first one stays)."""
    await session.exec(
        sa.update(MessageRefRecord)
        .where(
            col(MessageRefRecord.object_kind) == object_kind,
            col(MessageRefRecord.object_id) == object_id,
            col(MessageRefRecord.ref) == ref,
            col(MessageRefRecord.platform) == platform,
            col(MessageRefRecord.permalink).is_(None),
        )
        .values(permalink=link[:1000])
    )
