"""Clocks: the system clock for production, a settable one for tests and the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A source of the current time (always timezone-aware UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


class SettableClock:
    """A clock that runs with real time from an offset that can be moved forward."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = False) -> None:
        self._frozen = frozen
        self._start = start or datetime.now(UTC)
        self._offset = self._start - datetime.now(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        if self._frozen:
            return self._start
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by delta and return the new time."""
        self._start += delta
        self._offset += delta
        return self.now()

    def set(self, at: datetime) -> None:
        """Jump to `at` (must be timezone-aware)."""
        self.advance(at - self.now())
