"""Who people are: staff or customer, and which language they read."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain.text import is_user_id
from bot.i18n import Lang, lang_of_locale
from bot.ports import Directory, Reader
from storage.models import UserProfile
from storage.repos.people import add_profile, get_profile

PROFILE_TTL = timedelta(days=1)
# The in-memory cache is bounded: least recently used people go first, and nobody's
# language is remembered in memory for longer than an hour.
CACHE_SIZE = 10_000
CACHE_TTL = timedelta(hours=1)


class Languages:
    """Resolve a user's language from their Slack locale, cached in memory and in the DB."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        directory: Directory,
        clock: Clock,
        default: Lang,
        *,
        reads: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        self._reads = reads or sessions
        self._directory = directory
        self._clock = clock
        self._default = default
        self._memory: OrderedDict[str, tuple[Reader, float]] = OrderedDict()

    async def language_of(self, user_id: str) -> Lang:
        """Return the catalogue language for user_id (the default when unknown)."""
        return (await self.reader_of(user_id)).lang

    async def reader_of(self, user_id: str) -> Reader:
        """Return user_id's language, whether their locale is known, and their time zone."""
        if not is_user_id(user_id):
            # not a Slack id: nothing to look up, nothing to remember
            return Reader(lang=self._default, known=False, tz="")
        now = self._clock.now()
        hit = self._memory.get(user_id)
        if hit and hit[1] > now.timestamp():
            self._memory.move_to_end(user_id)
            return hit[0]
        profile = await self._profile(user_id)
        locale = profile.locale if profile else None
        reader = Reader(
            lang=lang_of_locale(locale, self._default),
            known=bool(locale),
            tz=profile.tz if profile else "",
            name=profile.name if profile else "",
        )
        self._memory[user_id] = (reader, (now + CACHE_TTL).timestamp())
        self._memory.move_to_end(user_id)
        while len(self._memory) > CACHE_SIZE:
            self._memory.popitem(last=False)
        return reader

    def cached_count(self) -> int:
        """How many people's languages are held in memory."""
        return len(self._memory)

    async def name_of(self, user_id: str) -> str:
        """Return the user's display name (their id when the platform does not know them)."""
        return (await self.reader_of(user_id)).name or user_id

    async def _profile(self, user_id: str) -> UserProfile | None:
        """The stored profile, refreshed from the directory when missing or older than a day."""
        now = self._clock.now()
        async with self._reads() as session:
            profile = await get_profile(session, user_id=user_id)
        if profile is None or now - profile.fetched_at > PROFILE_TTL:
            info = await self._directory.user_info(user_id)
            if info is not None:
                profile = UserProfile(
                    user_id=user_id,
                    locale=info.locale,
                    name=info.name,
                    tz=info.tz,
                    is_bot=info.is_bot,
                    fetched_at=now,
                )
                async with self._sessions.begin() as session:
                    await add_profile(session, profile)
        return profile


async def is_absent(session: AsyncSession, user_id: str, *, at: datetime) -> bool:
    """Tell whether user_id is away at `at` (always False: there is no absence record yet).

    The hook the nudge rules use: an absent assignee's manager is told at the deadline
    instead of after `sla.escalation_grace`. `/away` (a later feature) will answer it from
    its records and re-plan the reminders of the inquiries it affects.
    """
    del session, user_id, at
    return False
