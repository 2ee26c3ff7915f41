"""The frozen bag of dependencies every handler, service and job receives."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.config import CharterConfig, EnvSettings
from bot.domain.calendar import BusinessCalendar
from bot.domain.nudges import NudgePolicy
from bot.domain.sla import SlaPolicy
from bot.ports import Directory, LanguageLookup, Presence


class Wakeup:
    """Wakes the outbox sender when a transaction queued something."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def kick(self) -> None:
        """Signal that there is work."""
        self._event.set()

    async def wait(self, timeout: float) -> None:
        """Wait for a kick or the timeout, then re-arm.

        Not `asyncio.wait_for`: on Python 3.11 it swallows a cancellation that arrives after
        the awaited event fired but before the waiting task resumed (a kick and a stop in the
        same loop iteration: `wait_for` sees its inner wait done and returns its result). The
        outbox sender then ran on after `stop_background` had cancelled it, and
        `cancel_and_wait` waited for it forever: the intermittent hang of the e2e suite's
        teardown (tests kick the sender every 20 ms while they settle). `asyncio.timeout`
        re-raises every cancellation that is not its own.
        """
        try:
            async with asyncio.timeout(timeout):
                await self._event.wait()
        except TimeoutError:
            pass
        self._event.clear()


@dataclass(frozen=True)
class Deps:
    """Settings, storage, clock, calendar and the platform ports."""

    env: EnvSettings
    config: CharterConfig
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    reads: async_sessionmaker[AsyncSession]  # read-only work (the same as sessions on PostgreSQL)
    clock: Clock
    calendar: BusinessCalendar
    policy: SlaPolicy
    nudges: NudgePolicy
    directory: Directory
    # bot.services.people.Languages; typed by its port so that deps imports no service.
    languages: LanguageLookup
    outbox: Wakeup = field(default_factory=Wakeup)
    # Platform presence/status for absence (Slack); None: only `/away` records count.
    presence: Presence | None = None
    # How many listeners may do their post-ack work at once (see handlers/errors.py).
    work_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(8))
    # Chance decisions (survey sampling) draw from here: tests seed it to make them repeatable.
    rng: random.Random = field(default_factory=random.Random)

    def use_calendar(self, config: CharterConfig, calendar: BusinessCalendar) -> None:
        """Swap in a reloaded `[calendar]` (and the config that carries it).

        The one change Deps allows at run time (`charterbot calendar reload`, SIGHUP): both
        fields are replaced together between two awaits of the one event loop, so every use
        case that starts afterwards computes on the new calendar and none sees half of it.
        """
        object.__setattr__(self, "config", config)
        object.__setattr__(self, "calendar", calendar)

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.config.timezone)

    def is_staff(self, user_id: str) -> bool:
        """Return whether config names user_id in a team or a role."""
        return user_id in self.config.staff

    def is_assignable(self, user_id: str) -> bool:
        """Return whether user_id may be an inquiry's assignee (a team member or manager)."""
        return user_id in self.config.assignable
