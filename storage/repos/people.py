"""Cached Slack user profiles."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import UserProfile


async def get_profile(session: AsyncSession, *, user_id: str) -> UserProfile | None:
    """Return the cached profile of user_id, or None."""
    return await session.get(UserProfile, user_id)


async def add_profile(session: AsyncSession, profile: UserProfile) -> UserProfile:
    """Insert or replace a cached profile."""
    return await session.merge(profile)
