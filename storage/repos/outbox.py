"""Outbox rows: add, claim due work, mark the result."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import insert_ignoring_duplicates
from storage.models import OutboxMessage

# States: pending -> sending -> sent | failed (sending -> pending again on a retry).
UNSENT = ("pending", "sending")
UNQUEUED_KINDS = ("home",)  # bot.services.home_refresh.HOME: not a message in anyone's queue
# Recipients excluded in SQL at most (the rest are skipped by the caller).
MAX_EXCLUDED = 500


async def add_outbox_message(session: AsyncSession, message: OutboxMessage) -> None:
    """Insert an outbox row; a row with the same idempotency key already queued wins."""
    await add_outbox_messages(session, [message])


async def add_outbox_messages(session: AsyncSession, messages: Sequence[OutboxMessage]) -> None:
    """Insert outbox rows in one executemany; existing idempotency keys are left alone."""
    if not messages:
        return
    rows = [m.model_dump(exclude={"id"}) for m in messages]
    stmt = insert_ignoring_duplicates(session, OutboxMessage, "idempotency_key")
    await session.exec(stmt, params=rows)


async def list_due_outbox(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int = 50,
    platforms: Collection[str] | None = None,
    exclude_recipients: Collection[str] = (),
) -> list[OutboxMessage]:
    """Return due pending rows that head their recipient's queue, oldest first.

    A row is returned only when no older row for the same platform and recipient is still
    pending or sending, so a recipient's messages go out in order even while one of them is
    retried (later rows wait behind it); rows of UNQUEUED_KINDS (a dashboard's re-publishing,
    due after its debounce) hold nobody back. `platforms`: only rows the caller can deliver.
    `exclude_recipients` leaves out recipients the caller must not post to right now (pacing;
    a plain list, which PostgreSQL hashes, rather than (platform, recipient) pairs: leaving a
    namesake on another platform out for a second costs nothing). On PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED` so concurrent
    workers pick disjoint rows.
    """
    earlier = aliased(OutboxMessage)
    blocked = (
        select(earlier.id)
        .where(
            col(earlier.recipient) == col(OutboxMessage.recipient),
            col(earlier.platform) == col(OutboxMessage.platform),
            col(earlier.id) < col(OutboxMessage.id),
            col(earlier.state).in_(UNSENT),
            # a dashboard re-publishing waits for its debounce: it holds back no message
            col(earlier.kind).not_in(UNQUEUED_KINDS),
        )
        .exists()
    )
    stmt = (
        select(OutboxMessage)
        .where(
            col(OutboxMessage.state) == "pending",
            col(OutboxMessage.available_at) <= now,
            ~blocked,
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    if platforms is not None:
        stmt = stmt.where(col(OutboxMessage.platform).in_(sorted(platforms)))
    excluded = sorted(exclude_recipients)[:MAX_EXCLUDED]
    if excluded:
        stmt = stmt.where(col(OutboxMessage.recipient).not_in(excluded))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=OutboxMessage)
    return list((await session.exec(stmt)).all())


async def list_unsent_keys(session: AsyncSession, *, keys: Collection[str]) -> set[str]:
    """Return which of these idempotency keys belong to rows still pending or sending."""
    if not keys:
        return set()
    stmt = select(OutboxMessage.idempotency_key).where(
        col(OutboxMessage.idempotency_key).in_(sorted(keys)),
        col(OutboxMessage.state).in_(UNSENT),
    )
    return set((await session.exec(stmt)).all())


async def claim_outbox_message(session: AsyncSession, *, message_id: int, now: datetime) -> bool:
    """Move a pending row to 'sending' (attempts + 1); False when another worker took it first.

    Loaded `OutboxMessage` objects are left as they were (they show the row before the claim).
    """
    stmt = (
        sa.update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.state) == "pending")
        .values(state="sending", attempts=OutboxMessage.attempts + 1, available_at=now)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


def _claimed(message_id: int, claim: int | None) -> list[sa.ColumnElement[bool]]:
    """WHERE of a row still 'sending' under the claim that made `attempts` == claim."""
    where = [col(OutboxMessage.id) == message_id, col(OutboxMessage.state) == "sending"]
    if claim is not None:
        where.append(col(OutboxMessage.attempts) == claim)
    return where


async def renew_outbox_lease(
    session: AsyncSession, *, message_id: int, now: datetime, claim: int | None = None
) -> bool:
    """Push a claimed row's lease forward (`available_at` = now); False when it is not ours.

    `claim` is the attempt number the claim produced: another worker that took the row over
    after the lease expired has claimed it again with a higher number.
    """
    stmt = sa.update(OutboxMessage).where(*_claimed(message_id, claim)).values(available_at=now)
    result = await session.exec(stmt)
    return bool(result.rowcount == 1)


async def renew_outbox_leases(
    session: AsyncSession, *, ids: Collection[int], now: datetime
) -> None:
    """Heartbeat of a sender: renew the leases of the rows it is working on."""
    if not ids:
        return
    await session.exec(
        sa.update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(list(ids)), col(OutboxMessage.state) == "sending")
        .values(available_at=now)
    )


async def release_stale_outbox(
    session: AsyncSession,
    *,
    before: datetime,
    now: datetime,
    error: str,
    keep: Collection[int] = (),
    limit: int = 100,
) -> list[int]:
    """Give rows stuck in 'sending' since `before` (lease expired) back as pending.

    Their sender died or hung between claiming and marking; whether the message reached
    Slack is unknown, so `error` (which the sender recognises) is recorded and the next
    attempt checks the channel before sending again. `keep` are rows this process is still
    sending. Returns the released ids; safe with concurrent workers (conditional update).
    """
    stmt = (
        select(col(OutboxMessage.id))
        .where(col(OutboxMessage.state) == "sending", col(OutboxMessage.available_at) <= before)
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    if keep:
        stmt = stmt.where(col(OutboxMessage.id).not_in(list(keep)))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    released: list[int] = []
    for message_id in (await session.exec(stmt)).all():
        assert message_id is not None
        result = await session.exec(
            sa.update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == message_id,
                col(OutboxMessage.state) == "sending",
                col(OutboxMessage.available_at) <= before,
            )
            .values(state="pending", available_at=now, last_error=error[:500])
        )
        if result.rowcount == 1:
            released.append(message_id)
    return released


async def mark_outbox_sent(
    session: AsyncSession, *, message_id: int, now: datetime, ts: str | None
) -> None:
    """Record a delivered row (with the platform's message id when there is one)."""
    await session.exec(
        sa.update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(state="sent", sent_at=now, sent_ts=ts)
    )


async def reschedule_outbox_message(
    session: AsyncSession,
    *,
    message_id: int,
    available_at: datetime,
    error: str,
    count_attempt: bool = True,
    claim: int | None = None,
) -> None:
    """Put a claimed row back as pending until `available_at`.

    With `count_attempt=False` the claim does not count towards the attempt limit (a 429
    or an unstarted row given back is Slack or the sender saying "later", not a failed
    delivery). With `claim`, only while the row is still held under that claim.
    """
    values: dict[str, object] = {
        "state": "pending",
        "available_at": available_at,
        "last_error": error[:500],
    }
    if not count_attempt:
        values["attempts"] = sa.case(
            (col(OutboxMessage.attempts) > 0, OutboxMessage.attempts - 1), else_=0
        )
    where = (
        _claimed(message_id, claim) if claim is not None else [col(OutboxMessage.id) == message_id]
    )
    await session.exec(sa.update(OutboxMessage).where(*where).values(**values))


async def fail_outbox_message(
    session: AsyncSession, *, message_id: int, error: str, claim: int | None = None
) -> None:
    """Give a row up for good, keeping the reason for admins (with `claim`: if still ours)."""
    where = (
        _claimed(message_id, claim) if claim is not None else [col(OutboxMessage.id) == message_id]
    )
    await session.exec(
        sa.update(OutboxMessage).where(*where).values(state="failed", last_error=error[:500])
    )


async def get_outbox_message(session: AsyncSession, message_id: int) -> OutboxMessage | None:
    """Return one outbox row."""
    return await session.get(OutboxMessage, message_id)


async def list_failed_outbox(session: AsyncSession, limit: int = 20) -> list[OutboxMessage]:
    """Rows the sender gave up on, newest first (for admins: nothing is dropped silently)."""
    stmt = (
        select(OutboxMessage)
        .where(col(OutboxMessage.state) == "failed")
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())


async def count_outbox(session: AsyncSession, *, state: str) -> int:
    """Count rows in a state."""
    stmt = (
        select(sa.func.count()).select_from(OutboxMessage).where(col(OutboxMessage.state) == state)
    )
    return int((await session.exec(stmt)).one())


async def retry_failed_outbox(session: AsyncSession, *, message_id: int, now: datetime) -> bool:
    """Put a failed row back in the queue, due now with fresh attempts (an admin's retry);
    False when it is not failed (any more)."""
    stmt = (
        sa.update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.state) == "failed")
        .values(state="pending", attempts=0, available_at=now, last_error="")
        .returning(col(OutboxMessage.id))
    )
    return (await session.exec(stmt)).first() is not None


async def discard_failed_outbox(session: AsyncSession, *, message_id: int, note: str) -> bool:
    """Close a failed row for good (an admin's discard: `cancelled`, the note kept); False
    when it is not failed (any more)."""
    stmt = (
        sa.update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.state) == "failed")
        .values(state="cancelled", last_error=note[:500])
        .returning(col(OutboxMessage.id))
    )
    return (await session.exec(stmt)).first() is not None
