"""Retention: delete rows that have served their purpose, on the configured schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.domain.inquiry import Status
from bot.services.callbacks.ladder import OFFER
from bot.services.handoffs import HANDOFF
from storage.repos.absences import delete_old_absences
from storage.repos.agenda import settle_handoff_cards
from storage.repos.callbacks import anonymise_callbacks
from storage.repos.receipts import delete_expired_receipts
from storage.repos.retention import (
    delete_done_reminders,
    delete_finished_outbox,
    delete_processed_events,
)
from storage.repos.timers import delete_done_timers

FINISHED_OUTBOX = ("sent", "cancelled", "failed")
HANDOFF_CARDS = (HANDOFF, OFFER)  # the outbox kinds of the context card a handoff sends (C8)
OPEN_STATUSES = tuple(
    s.value for s in (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD)
)


def _before(now: datetime, keep: str) -> datetime:
    return now - parse_duration(keep).wall


async def purge_expired(session: AsyncSession, deps: Deps, *, limit: int) -> dict[str, int]:
    """Delete old processed events, finished outbox rows, done reminders, expired receipts and done timers
    (at most `limit` of each); return how many rows of each went."""
    now = deps.clock.now()
    keep = deps.config.retention
    # C8 is judged from the handoff's context card: its final state is kept on the handoff
    # before its outbox row may go
    settled = await settle_handoff_cards(
        session, card_kinds=HANDOFF_CARDS, final_states=FINISHED_OUTBOX
    )
    return {
        "handoff_cards": settled,
        "events": await delete_processed_events(
            session, before=_before(now, keep.events), limit=limit
        ),
        "outbox": await delete_finished_outbox(
            session, before=_before(now, keep.outbox), states=FINISHED_OUTBOX, limit=limit
        ),
        "reminders": await delete_done_reminders(
            session, before=_before(now, keep.reminders), open_statuses=OPEN_STATUSES, limit=limit
        ),
        "receipts": await delete_expired_receipts(session, now=now, limit=limit),
        "timers": await delete_done_timers(
            session, before=_before(now, keep.reminders), limit=limit
        ),
        # callbacks keep their steps (C7 compliance) but lose the caller's personal data
        "callbacks": await anonymise_callbacks(
            session,
            before=now - timedelta(days=deps.config.callbacks.retention_days),
            now=now,
            limit=limit,
        ),
        "absences": await delete_old_absences(
            session, before=_before(now, keep.reminders), limit=limit
        ),
    }
