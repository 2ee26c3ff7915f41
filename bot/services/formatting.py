"""Formatting shared by the use cases; it depends on no use case, so any of them may import it."""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps


def fmt_time(moment: datetime | None, deps: Deps, *, zone: bool = False) -> str:
    """Format a moment in the configured time zone as `YYYY-MM-DD HH:MM` (` KST` if zone)."""
    if moment is None:
        return "-"
    local = moment.astimezone(deps.tz)
    text = local.strftime("%Y-%m-%d %H:%M")
    return f"{text} {local.tzname() or deps.tz.key}" if zone else text
