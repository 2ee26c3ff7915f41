"""The report's types: the promises, a month, a measured figure, a team's line, the report,
and a figure provider (bot.services.reports.figures and .features fill them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.digest import month_bounds

PROMISES = tuple(f"C{n}" for n in range(1, 16))


@dataclass(frozen=True)
class Month:
    """The month a report covers, and its bounds in the company's zone."""

    year: int
    month: int
    zone: ZoneInfo

    @property
    def label(self) -> str:
        """`2026-11`."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The first moment of the month and of the next one."""
        return month_bounds(self.year, self.month, self.zone)


@dataclass(frozen=True)
class Figure:
    """One measured figure of a promise: how many of how many were on time (or a count).

    `unit` says how to read it: `share` (met of total), `percent` (`value` percent, e.g.
    availability), `count` (`value` things, e.g. praise), `average` (`value` over `total`
    answers, e.g. a rating of 5). `named` figures show their measure's name
    (`report.measure.<measure>`): a promise measured more than one way.
    """

    promise: str  # C1 … C15
    measure: str  # catalogue key suffix: report.measure.<measure>
    met: int
    total: int
    median_hours: float | None = None
    target: str = "100"  # the promise's target, in percent ("" : none)
    unit: str = "share"
    value: float | None = None
    named: bool = False

    @property
    def measured(self) -> bool:
        """Whether anything was measured (else "no data", never 100%)."""
        return bool(self.total) if self.unit == "share" else self.value is not None

    @property
    def share(self) -> float | None:
        """Percent met; None when nothing was measured (shown as "no data", never 100%)."""
        if self.unit == "percent":
            return self.value
        if self.unit != "share":
            return None
        return round(100 * self.met / self.total, 1) if self.total else None


@dataclass(frozen=True)
class TeamLine:
    """A team's line of the report (staff appear only as their team, customers never)."""

    team: str
    resolved: int
    met: int

    @property
    def share(self) -> float | None:
        """Percent of its judged obligations met."""
        return round(100 * self.met / self.resolved, 1) if self.resolved else None


@dataclass(frozen=True)
class Report:
    """The figures of every promise for one month, and the teams' lines."""

    month: str
    figures: dict[str, list[Figure]]
    teams: list[TeamLine] = field(default_factory=list)


FigureProvider = Callable[[AsyncSession, Deps, Month], Awaitable[list[Figure]]]
