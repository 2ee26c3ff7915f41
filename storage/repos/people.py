"""Cached Slack user profiles."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import UserProfile


async def get_profile(session: AsyncSession, *, user_id: str) -> UserProfile | None:
    """Return the cached profile of user_id, or None."""
    return await session.get(UserProfile, user_id)


async def add_profile(session: AsyncSession, profile: UserProfile) -> None:
    """Insert or refresh a cached profile (two lookups at once may race: last one wins)."""
    values = profile.model_dump()
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        ins = pg_insert(UserProfile).values(**values)
        stmt: sa.Insert = ins.on_conflict_do_update(
            index_elements=["user_id"],
            set_={k: ins.excluded[k] for k in values if k != "user_id"},
        )
    else:
        stmt = sa.insert(UserProfile).values(**values).prefix_with("OR REPLACE")
    await session.exec(stmt)
