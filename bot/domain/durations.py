"""Durations written in config and commands: wall clock (s m h d) or business time (bm bh bd)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["Duration", "DurationError", "DurationTooLong", "parse_duration", "too_far_ahead"]

GRAMMAR = (
    "use numbers with units s m h d (wall clock) or bm bh bd (business time), e.g. 2h30m, 90s, 1bd"
)

# Generous but finite: a business addition walks the calendar day by day, so an absurd
# "99999999bd" from a slash command must not pin the CPU.
MAX_WALL = timedelta(days=3660)
MAX_BUSINESS_DAYS = 3660
MAX_BUSINESS_MINUTES = 3660 * 24 * 60

_WALL_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_BUSINESS_MINUTES = {"bh": 60, "bm": 1}

_MAX_TEXT = 100
_TOKEN = r"([0-9]+)(bd|bh|bm|d|h|m|s)"
_WHOLE = re.compile(rf"\s*(?:{_TOKEN}\s*)+", re.IGNORECASE | re.ASCII)
_TOKENS = re.compile(_TOKEN, re.IGNORECASE | re.ASCII)


def too_far_ahead(later: date, today: date) -> bool:
    """Whether a date typed or picked by a person lies beyond what the bot plans for (the
    same bound as durations: business-time walks over centuries would pin the CPU)."""
    return later > today + MAX_WALL


class DurationError(ValueError):
    """A duration text or value that cannot be used; the message is safe to show to users."""


class DurationTooLong(DurationError):
    """A well-formed duration beyond the limits (about ten years)."""


@dataclass(frozen=True)
class Duration:
    """A length of time: either wall clock (``wall``) or business time, never both.

    ``business_days`` is kept apart from ``business_minutes`` because the length of one
    business day (``bd``) depends on the calendar's opening hours.
    """

    wall: timedelta = field(default_factory=timedelta)
    business_minutes: int = 0
    business_days: int = 0

    def __post_init__(self) -> None:
        """Reject negative, sub-second or mixed values."""
        if self.wall < timedelta(0) or self.business_minutes < 0 or self.business_days < 0:
            raise DurationError("a duration cannot be negative")
        if self.wall.microseconds:
            raise DurationError("a wall-clock duration must be whole seconds")
        if self.wall and self.is_business:
            raise DurationError(
                "a duration is either wall clock (s m h d) or business time (bm bh bd), not both"
            )

    @property
    def is_business(self) -> bool:
        """Tell whether the duration is measured in business time."""
        return bool(self.business_minutes or self.business_days)

    @property
    def is_zero(self) -> bool:
        """Tell whether the duration has no length at all."""
        return not (self.wall or self.is_business)

    def business_total(self, minutes_per_day: int) -> int:
        """Return the business part in minutes, counting one ``bd`` as ``minutes_per_day``."""
        return self.business_minutes + self.business_days * minutes_per_day

    def __str__(self) -> str:
        """Return the canonical text, e.g. ``1bd``, ``2h30m`` or ``1bd1bh30bm``."""
        parts: list[str] = []
        if self.is_business:
            hours, minutes = divmod(self.business_minutes, 60)
            for value, unit in ((self.business_days, "bd"), (hours, "bh"), (minutes, "bm")):
                if value:
                    parts.append(f"{value}{unit}")
        else:
            rest = int(self.wall.total_seconds())
            for unit, size in _WALL_SECONDS.items():
                value, rest = divmod(rest, size)
                if value:
                    parts.append(f"{value}{unit}")
        return "".join(parts) or "0s"


def parse_duration(text: str) -> Duration:
    """Parse text such as ``2h30m``, ``90s`` or ``1bd`` into a Duration."""
    if not isinstance(text, str) or len(text) > _MAX_TEXT or not _WHOLE.fullmatch(text):
        raise DurationError(f"bad duration {text!r}: {GRAMMAR}")
    seen: set[str] = set()
    wall_seconds = 0
    business_minutes = 0
    business_days = 0
    for number, raw_unit in _TOKENS.findall(text):
        unit = raw_unit.lower()
        if unit in seen:
            raise DurationError(f"bad duration {text!r}: unit {unit!r} appears twice; {GRAMMAR}")
        seen.add(unit)
        value = int(number)
        if unit == "bd":
            business_days = value
        elif unit in _BUSINESS_MINUTES:
            business_minutes += value * _BUSINESS_MINUTES[unit]
        else:
            wall_seconds += value * _WALL_SECONDS[unit]
    if wall_seconds and (business_minutes or business_days):
        raise DurationError(
            f"bad duration {text!r}: do not mix wall-clock units (s m h d) "
            "with business units (bm bh bd)"
        )
    if not (wall_seconds or business_minutes or business_days):
        raise DurationError(f"bad duration {text!r}: must be longer than zero; {GRAMMAR}")
    if (
        wall_seconds > MAX_WALL.total_seconds()
        or business_days > MAX_BUSINESS_DAYS
        or business_minutes > MAX_BUSINESS_MINUTES
    ):
        raise DurationTooLong(f"bad duration {text!r}: too long (at most about 10 years)")
    return Duration(
        wall=timedelta(seconds=wall_seconds),
        business_minutes=business_minutes,
        business_days=business_days,
    )
