"""A changed business calendar (`charterbot calendar reload`, SIGHUP): recompute what the old
calendar decided for open inquiries.

Deadlines are stored when an inquiry changes (`deadline_of`), and reminders are planned on the
calendar of that moment; after the operator adds or removes a day (`extra_holidays`,
`extra_workdays`) both are recomputed here. An inquiry whose deadline moved gets a `calendar`
history entry (old and new deadline) and a card update; the reminders of every open inquiry
are re-planned (a D-7 warning may move although the due date did not).

Safe in several processes at once (`serve` and `worker` both reload on SIGHUP): each inquiry
is locked while it is recomputed, and a second pass finds nothing to change.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.deps import Deps
from bot.services.inquiries.changes import deadline_of, record_event, sync_card
from bot.services.reminders import OPEN, sync_reminders
from storage.repos.inquiries import get_inquiry, list_inquiry_numbers

# The history's actor of a change nobody typed: shown as this word.
CALENDAR_ACTOR = "charterbot"
BATCH = 200  # inquiries per transaction


@dataclass(frozen=True)
class CalendarApplied:
    """What a reload changed: open inquiries looked at, and those whose deadline moved."""

    checked: int
    moved: list[int]


async def apply_calendar(deps: Deps, *, batch: int = BATCH) -> CalendarApplied:
    """Recompute every open inquiry's deadline and reminders on deps.calendar (one transaction
    per batch: the use case owns its units of work, like a scheduler job)."""
    checked, moved, after = 0, [], 0
    statuses = sorted(OPEN)
    while True:
        async with deps.sessions.begin() as session:
            numbers = await list_inquiry_numbers(
                session, statuses=statuses, after=after, limit=batch
            )
            for number in numbers:
                inquiry = await get_inquiry(session, number=number, for_update=True)
                if inquiry is None or inquiry.status not in OPEN:
                    continue
                checked += 1
                old, new = inquiry.deadline_at, deadline_of(inquiry, deps)
                if old == new:
                    await sync_reminders(session, deps, inquiry)
                    continue
                now = deps.clock.now()
                inquiry.deadline_at = new
                inquiry.updated_at = now
                event = await record_event(
                    session,
                    inquiry,
                    CALENDAR_ACTOR,
                    "calendar",
                    now,
                    old=old.isoformat() if old else None,
                    new=new.isoformat() if new else None,
                )
                await sync_card(session, inquiry, event, deps)
                moved.append(number)
        if moved:
            deps.outbox.kick()
        if len(numbers) < batch:
            return CalendarApplied(checked, moved)
        after = numbers[-1]
