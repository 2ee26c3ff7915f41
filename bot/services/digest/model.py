"""The digest's types: whose digest (Scope), a section of it, a registered provider, and
the ranks that order the sections (bot.services.digest.sections and .features fill them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps

ITEMS_KEPT = 20  # items a section carries in the outbox payload; renderers show fewer


@dataclass(frozen=True)
class Scope:
    """Whose digest: the manager, every id of their teams' people, the window and the zone."""

    manager_id: str
    members: tuple[str, ...]
    teams: tuple[str, ...]
    since: datetime  # the previous digest's moment (a Monday's: the Friday's)
    now: datetime
    day: date  # the manager's local day
    zone: ZoneInfo
    cache: dict[str, Any] = field(default_factory=dict, compare=False)
    # what is the same for every manager of one run (the unassigned queue): read once
    shared: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Section:
    """One section: its catalogue key (`digest.section.<key>`), its first items, the total,
    and parameters of its heading (a share met, a count of days)."""

    key: str
    items: list[dict[str, Any]]
    total: int
    params: dict[str, Any] = field(default_factory=dict)
    always: bool = False  # shown even without items (a count of days in its heading)

    def as_payload(self) -> dict[str, Any]:
        """JSON for the outbox row."""
        return {
            "key": self.key,
            "items": self.items[:ITEMS_KEPT],
            "total": self.total,
            "params": self.params,
        }


Provider = Callable[[AsyncSession, Deps, Scope], Awaitable[Section | None]]
# Reads for every scope of a batch at once into scope.cache / scope.shared (see
# bot.services.digest.sections).
Loader = Callable[[AsyncSession, Deps, Sequence[Scope]], Awaitable[None]]


@dataclass(frozen=True)
class SectionSource:
    """A registered section: its rank (lower: more urgent, shown first), its provider, and
    optionally the loader that reads its data for a whole batch of scopes in one query."""

    rank: int
    provider: Provider
    load: Loader | None = None


# Where each section goes, most urgent first. Ranks left free are for the features that add
# their sections later (the order).
RANKS = {
    "overdue": 10,
    "due_today": 20,
    "at_risk": 30,
    "unassigned": 40,
    "on_hold": 50,
    "new": 60,
    "resolved": 70,
    "visits_today": 80,  # #12 visitors and field visits (bot.services.digest.features)
    "callbacks_missed": 90,  # #13 callbacks
    "notices": 100,  # #14 notices
    "outage_free_days": 110,  # #14 outages
    "complaints_open": 120,  # #15 complaints
}
