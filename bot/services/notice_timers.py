"""The notice timers (bot/services/timers.py): a reminder at each of `notices.reminders`
before the start, "started" at the start, "completed" at the end.

Each handler re-reads the notice and does nothing when the moment has passed: a cancelled or
finished notice, or times that changed since the timer was planned (its payload names the
start and end it was planned for; a change re-plans the timers).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.services import timers
from bot.services.notices import OPEN, post_notice, refresh_first_posts
from bot.services.timers import Due
from storage.models import Notice
from storage.repos.notices import get_notice


def _still(notice: Notice | None, due: Due, status: str) -> bool:
    """Whether the timer still stands: the notice has the status and the times it was for."""
    return (
        notice is not None
        and notice.status == status
        and _same(due.payload.get("start"), notice.start_at)
        and _same(due.payload.get("end"), notice.end_at)
    )


def _same(stamp: Any, moment: datetime) -> bool:
    """Whether a timer's payload time is this moment (the stored one comes back in UTC)."""
    return isinstance(stamp, str) and datetime.fromisoformat(stamp) == moment


async def _remind(session: AsyncSession, deps: Deps, due: Due) -> None:
    notice = await get_notice(session, due.subject_id, lock=True)
    if notice is None or not _still(notice, due, "planned"):
        return
    await post_notice(
        session,
        deps,
        notice,
        key=f"notice:{due.subject_id}:remind:{due.payload.get('before')}:{notice.start_at.isoformat()}",
        text_key="notice.post.reminder",
        extra={"duration": _span(timedelta(seconds=int(due.payload.get("before", 0))))},
    )


async def _start(session: AsyncSession, deps: Deps, due: Due) -> None:
    notice = await get_notice(session, due.subject_id, lock=True)
    if notice is None or not _still(notice, due, "planned"):
        return
    await _become(session, deps, notice, "running", "started")


async def _end(session: AsyncSession, deps: Deps, due: Due) -> None:
    notice = await get_notice(session, due.subject_id, lock=True)
    if notice is None or notice.status not in OPEN:
        return
    if not _same(due.payload.get("end"), notice.end_at):
        return  # extended: the new end has its own timer
    if notice.status == "planned":
        # the start timer has not run yet (both due in one sweep): it is over all the same
        await timers.cancel(session, keys=[f"notice:{notice.id}:start"])
    await _become(session, deps, notice, "completed", "completed")


async def _become(
    session: AsyncSession, deps: Deps, notice: Notice, status: str, event: str
) -> None:
    """Move the notice to `status` and post the `event` (key and text `notice.post.<event>`)."""
    notice.status = status
    notice.updated_at = deps.clock.now()
    await post_notice(
        session, deps, notice, key=f"notice:{notice.id}:{event}", text_key=f"notice.post.{event}"
    )
    await refresh_first_posts(session, deps, notice)


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if mins:
        parts.append(f"{mins}m")
    return " ".join(parts) or "0m"


TIMERS: dict[str, timers.Handler] = {
    "notice.remind": _remind,
    "notice.start": _start,
    "notice.end": _end,
}
