"""Formatting shared by the use cases; it depends on no use case, so any of them may import it."""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps


def fmt_time(moment: datetime | None, deps: Deps) -> str:
    """Format a moment in the configured time zone as `YYYY-MM-DD HH:MM`."""
    if moment is None:
        return "-"
    return moment.astimezone(deps.tz).strftime("%Y-%m-%d %H:%M")
