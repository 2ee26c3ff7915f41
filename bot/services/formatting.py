"""Formatting shared by the use cases; it depends on no use case, so any of them may import it."""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps
from bot.i18n import When


def fmt_time(
    moment: datetime | None, deps: Deps, *, zone: bool = False, relative: bool = False
) -> When | str:
    """A moment to show people, written in each reader's language when it is rendered
    (`12월 4일(금) 15:00`, `Fri 4 Dec, 15:00`; the year when not this year; ` KST` if zone;
    `오늘`/`내일` when relative); "-" for none."""
    if moment is None:
        return "-"
    today = deps.clock.now().astimezone(deps.tz).date()
    return When(moment, deps.tz, zone=zone, today=today, relative=relative)
