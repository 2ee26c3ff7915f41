"""Who people are: staff or customer, and which language they read."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.domain.text import is_teams_user_id, is_user_id
from bot.i18n import LANGS, Lang, lang_of_locale
from bot.ports import Directory, Platform, Reader, platform_of_user
from storage.models import UserProfile
from storage.repos.absences import get_absence
from storage.repos.people import add_profile, get_person_language, get_profile

if TYPE_CHECKING:
    from bot.deps import Deps

PROFILE_TTL = timedelta(days=1)
# The in-memory cache is bounded: least recently used people go first, and nobody's
# language is remembered in memory for longer than an hour.
CACHE_SIZE = 10_000
CACHE_TTL = timedelta(hours=1)


class Languages:
    """Resolve a user's language: their own choice (`/charter language`), else their locale on
    their platform (cached in memory and in the DB), else a configured person's `lang`, else
    the default.

    Memory holds a person for at most CACHE_TTL: a choice made through another process (the
    web server, when a separate worker sends) reaches that one within the hour; the process
    that stores it forgets its copy at once (`forget`)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        directory: Directory | Mapping[Platform, Directory],
        clock: Clock,
        default: Lang,
        *,
        reads: async_sessionmaker[AsyncSession] | None = None,
        configured_lang: Callable[[str], Lang | None] | None = None,
    ) -> None:
        """`directory`: one per platform, or one alone for Slack. `configured_lang`: the
        `lang` config gives a person (`CharterConfig.lang_of`)."""
        self._sessions = sessions
        self._reads = reads or sessions
        self._directories: dict[Platform, Directory] = (
            dict(directory) if isinstance(directory, Mapping) else {"slack": directory}
        )
        self._configured_lang = configured_lang or _nobody
        self._clock = clock
        self._default = default
        self._memory: OrderedDict[str, tuple[Reader, float]] = OrderedDict()

    async def language_of(self, user_id: str) -> Lang:
        """Return the catalogue language for user_id (the default when unknown)."""
        return (await self.reader_of(user_id)).lang

    async def reader_of(self, user_id: str) -> Reader:
        """Return user_id's language, whether their locale is known, and their time zone."""
        platform = platform_of_user(user_id)
        if platform is None or not _WELL_FORMED[platform](user_id):
            # not a user id on any platform: nothing to look up, nothing to remember
            return Reader(lang=self._default, known=False, tz="")
        now = self._clock.now()
        hit = self._memory.get(user_id)
        if hit and hit[1] > now.timestamp():
            self._memory.move_to_end(user_id)
            return hit[0]
        profile = await self._profile(user_id, platform)
        async with self._reads() as session:
            chosen = await get_person_language(session, user_id=user_id)
        locale = profile.locale if profile else None
        configured = None if locale else self._configured_lang(user_id)
        own: Lang | None = chosen.lang if chosen and chosen.lang in LANGS else None
        reader = Reader(
            # their own choice (`/charter language`) first: for people whose client is wrong
            lang=own or configured or lang_of_locale(locale, self._default),
            known=bool(own or locale or configured),
            tz=profile.tz if profile else "",
            name=profile.name if profile else "",
        )
        self._memory[user_id] = (reader, (now + CACHE_TTL).timestamp())
        self._memory.move_to_end(user_id)
        while len(self._memory) > CACHE_SIZE:
            self._memory.popitem(last=False)
        return reader

    def directory_for(self, platform: Platform) -> Directory | None:
        """The directory asked about a platform's people (None: only what is stored)."""
        return self._directories.get(platform)

    def forget(self, user_id: str) -> None:
        """Drop what memory holds of user_id (their platform told something new)."""
        self._memory.pop(user_id, None)

    def cached_count(self) -> int:
        """How many people's languages are held in memory."""
        return len(self._memory)

    async def name_of(self, user_id: str) -> str:
        """Return the user's display name (their id when the platform does not know them)."""
        return (await self.reader_of(user_id)).name or user_id

    async def _profile(self, user_id: str, platform: Platform) -> UserProfile | None:
        """The stored profile, refreshed from the platform's directory when missing or older
        than a day (a platform without a directory: only what is stored)."""
        now = self._clock.now()
        async with self._reads() as session:
            profile = await get_profile(session, user_id=user_id)
        directory = self._directories.get(platform)
        if directory is not None and (profile is None or now - profile.fetched_at > PROFILE_TTL):
            info = await directory.user_info(user_id)
            if info is not None:
                profile = UserProfile(
                    user_id=user_id,
                    locale=info.locale,
                    name=info.name,
                    # a directory that knows no zone (Teams') keeps the one an activity told
                    tz=info.tz or (profile.tz if profile else ""),
                    is_bot=info.is_bot,
                    fetched_at=now,
                )
                async with self._sessions.begin() as session:
                    await add_profile(session, profile)
        return profile


def _nobody(user_id: str) -> Lang | None:
    del user_id
    return None


# What a user id must look like on each platform before anyone is asked about it.
_WELL_FORMED: dict[Platform, Callable[[object], bool]] = {
    "slack": is_user_id,
    "teams": is_teams_user_id,
}


@dataclass(frozen=True)
class Absence:
    """Someone away until a time, with the colleague who stands in for them (if named)."""

    user_id: str
    until: datetime
    delegate: str | None = None
    reason: str = ""
    source: str = "away"  # away (`/away`) | status (the platform's presence or status emoji)


# A presence/status absence is read again after this long (the platform says nothing of when).
STATUS_ABSENCE = timedelta(minutes=5)


async def absence_of(
    session: AsyncSession, user_id: str, *, at: datetime, deps: Deps | None = None
) -> Absence | None:
    """The absence of user_id at `at`, or None.

    The one hook every feature asks before it alerts a person (nudges, visitor alerts,
    callbacks): an `/away` record in force (it ends by itself at its `until`, or early with
    `/away off`); else, given `deps` with a platform presence port, the person set away by
    themselves or showing a status emoji of `callbacks.away_status_emoji` (merely idle is
    not absent: someone on the phone is idle).
    """
    row = await get_absence(session, user_id=user_id, at=at)
    if row is not None:
        return Absence(row.user_id, row.until, row.delegate, row.reason)
    if deps is None or deps.presence is None:
        return None
    status = await deps.presence.status_of(user_id)
    if status is None:
        return None
    emoji = status.emoji if status.emoji in deps.config.callbacks.away_status_emoji else ""
    if not (status.away or emoji):
        return None
    return Absence(user_id, at + STATUS_ABSENCE, None, emoji or "away", source="status")


async def is_absent(
    session: AsyncSession, user_id: str, *, at: datetime, deps: Deps | None = None
) -> bool:
    """Tell whether user_id is away at `at` (see absence_of).

    The hook the nudge rules use: an absent assignee's manager is told at the deadline
    instead of after `sla.escalation_grace`.
    """
    return await absence_of(session, user_id, at=at, deps=deps) is not None
