"""Who has opened their dashboard, and the debounce of its re-publishing (storage.models.HomeView)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import HomeView


async def add_home_view(
    session: AsyncSession,
    *,
    platform: str,
    user_id: str,
    now: datetime,
    conversation_id: str | None = None,
    message_id: str | None = None,
) -> None:
    """Record that user_id opened their dashboard on `platform` (and, given, where its message
    lives); one statement, so two openings at once never make two rows."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = {
        "platform": platform,
        "user_id": user_id,
        "opened_at": now,
        "conversation_id": conversation_id or "",
        "message_id": message_id or "",
        "refresh_due_at": None,
    }
    stmt = insert(HomeView).values(**values)
    update: dict[str, object] = {"opened_at": stmt.excluded.opened_at}
    if message_id:
        update |= {
            "conversation_id": stmt.excluded.conversation_id,
            "message_id": stmt.excluded.message_id,
        }
    await session.exec(
        stmt.on_conflict_do_update(index_elements=["platform", "user_id"], set_=update)
    )


async def get_home_view(session: AsyncSession, *, platform: str, user_id: str) -> HomeView | None:
    """The dashboard record of user_id on `platform`, or None (never opened)."""
    return await session.get(HomeView, (platform, user_id))


async def arm_home_refresh(
    session: AsyncSession,
    *,
    platform: str,
    user_ids: Collection[str],
    now: datetime,
    due_at: datetime,
) -> list[str]:
    """Arm the re-publishing of the dashboards of those of user_ids who opened theirs on
    `platform` and have none armed for later than now; return whose were armed.

    One UPDATE: of two transactions arming the same person at once only one sees the row
    unarmed (PostgreSQL re-checks the condition on the row it waited for; SQLite serialises
    writers), so a burst of changes queues one re-publish.
    """
    if not user_ids:
        return []
    table = HomeView.__table__  # type: ignore[attr-defined]
    due = table.c.refresh_due_at
    result = await session.exec(
        sa.update(HomeView)
        .where(
            col(HomeView.platform) == platform,
            col(HomeView.user_id).in_(sorted(set(user_ids))),
            sa.or_(due.is_(None), due <= now),
        )
        .values(refresh_due_at=due_at)
        .returning(table.c.user_id)
    )
    return sorted(str(row[0]) for row in result.all())
