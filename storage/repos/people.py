"""Cached user profiles, and the language a person chose."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import PersonLanguage, UserProfile


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


async def get_person_language(session: AsyncSession, *, user_id: str) -> PersonLanguage | None:
    """The language user_id chose (`/charter language`), or None (their locale decides)."""
    return await session.get(PersonLanguage, user_id)


async def set_person_language(
    session: AsyncSession, *, user_ids: Sequence[str], lang: str | None, at: datetime
) -> None:
    """Store (or with None remove) the chosen language of a person under each of their ids."""
    await session.exec(
        sa.delete(PersonLanguage).where(col(PersonLanguage.user_id).in_(list(user_ids)))
    )
    if lang is not None:
        for user_id in user_ids:
            session.add(PersonLanguage(user_id=user_id, lang=lang, set_at=at))
    await session.flush()
