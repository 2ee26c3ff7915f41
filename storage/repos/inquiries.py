"""Queries for inquiries and their events (no commits: the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import insert_ignoring_duplicates
from storage.models import Counter, Inquiry, InquiryEvent, MessageRefRecord

INQUIRY_COUNTER = "inquiry"
INQUIRY = "inquiry"  # message_refs.object_kind of inquiries


async def next_number(session: AsyncSession, name: str = INQUIRY_COUNTER) -> int:
    """Take the next number of a counter; the row lock serialises concurrent writers."""
    stmt = (
        sa.update(Counter)
        .where(col(Counter.name) == name)
        .values(value=Counter.value + 1)
        .returning(col(Counter.value))
    )
    value = (await session.exec(stmt)).scalar_one_or_none()
    if value is not None:
        return int(value)
    # First use: create the row, tolerating a concurrent creator.
    await session.exec(
        insert_ignoring_duplicates(session, Counter, "name").values(name=name, value=0)
    )
    value = (await session.exec(stmt)).scalar_one()
    return int(value)


async def add_inquiry(session: AsyncSession, inquiry: Inquiry) -> Inquiry:
    """Insert an inquiry and flush to get its id."""
    session.add(inquiry)
    await session.flush()
    return inquiry


async def get_inquiry(
    session: AsyncSession, *, number: int, for_update: bool = False
) -> Inquiry | None:
    """Return the inquiry with that number, or None."""
    stmt = select(Inquiry).where(Inquiry.number == number)
    if for_update:
        # FOR NO KEY UPDATE (key_share=True), not FOR UPDATE: it still serialises two changes
        # of one inquiry, but lets other transactions insert rows that reference it (the
        # foreign-key check takes FOR KEY SHARE). With FOR UPDATE, a change that cancels
        # reminders deadlocked on PostgreSQL with a sweep that had claimed one of them and
        # was inserting its repeat (each waited for the other's lock).
        # populate_existing: a row read earlier in this session must not hide the locked version
        stmt = stmt.with_for_update(key_share=True).execution_options(populate_existing=True)
    return (await session.exec(stmt)).first()


async def get_inquiry_by_id(session: AsyncSession, inquiry_id: int) -> Inquiry | None:
    """Return the inquiry with that primary key, or None."""
    return await session.get(Inquiry, inquiry_id)


async def _inquiry_of_message(
    session: AsyncSession, ref: str, platform: str, conversation_id: str, message_id: str
) -> Inquiry | None:
    stmt = select(Inquiry).join(
        MessageRefRecord,
        sa.and_(
            col(MessageRefRecord.object_id) == col(Inquiry.id),
            col(MessageRefRecord.object_kind) == INQUIRY,
            col(MessageRefRecord.ref) == ref,
            col(MessageRefRecord.platform) == platform,
            col(MessageRefRecord.conversation_id) == conversation_id,
            col(MessageRefRecord.message_id) == message_id,
        ),
    )
    return (await session.exec(stmt)).first()


async def get_inquiry_by_card(
    session: AsyncSession, *, channel: str, ts: str, platform: str = "slack"
) -> Inquiry | None:
    """Return the inquiry whose triage card is the message channel/ts, or None."""
    return await _inquiry_of_message(session, "card", platform, channel, ts)


async def get_inquiry_by_source(
    session: AsyncSession, *, channel: str, ts: str, platform: str = "slack"
) -> Inquiry | None:
    """Return the inquiry created from the message channel/ts, or None."""
    return await _inquiry_of_message(session, "source", platform, channel, ts)


async def list_inquiries(
    session: AsyncSession,
    *,
    statuses: Sequence[str] | None = None,
    requester_id: str | None = None,
    assignee_ids: Sequence[str] | None = None,
    requester_or_assignee: str | None = None,
    deadline_before: datetime | None = None,
    limit: int = 20,
) -> tuple[list[Inquiry], int]:
    """Return up to limit inquiries sorted by deadline (none last) and the total count."""
    conds: list[sa.ColumnElement[bool]] = []
    if requester_id is not None:
        conds.append(col(Inquiry.requester_id) == requester_id)
    if assignee_ids is not None:
        conds.append(col(Inquiry.assignee_id).in_(list(assignee_ids)))
    if requester_or_assignee is not None:
        conds.append(
            sa.or_(
                col(Inquiry.requester_id) == requester_or_assignee,
                col(Inquiry.assignee_id) == requester_or_assignee,
            )
        )
    if deadline_before is not None:
        conds.append(col(Inquiry.deadline_at) < deadline_before)
    selective = bool(conds)  # a person's inquiries: few rows, found through their index
    status_in: sa.ColumnElement[bool] = sa.true()
    dated_status_in = status_in
    if statuses is not None:
        status_in = dated_status_in = col(Inquiry.status).in_(list(statuses))
        if not selective and session.get_bind().dialect.name == "sqlite":
            # Without statistics (nobody runs ANALYZE) SQLite takes the status index for
            # "status IN (open ones)" and sorts every open inquiry to return 20 (16 ms at
            # 9,000 open); `status || ''` hides that index, so the query walks the deadline
            # index and stops after `limit` rows (0.4 ms). PostgreSQL plans by its statistics.
            dated_status_in = col(Inquiry.status).concat("").in_(list(statuses))
    where = sa.and_(sa.true(), *conds)
    counted = select(func.count()).select_from(Inquiry).where(where, status_in)
    # Two queries so each can walk the deadline index and stop after `limit` rows, instead of
    # sorting every matching row ("deadline IS NULL" first would defeat the index). The total
    # rides along the first as an uncorrelated subquery (computed once): one round trip less.
    dated = (
        select(Inquiry, counted.scalar_subquery().label("total"))
        .where(where, dated_status_in, col(Inquiry.deadline_at).is_not(None))
        .order_by(col(Inquiry.deadline_at), col(Inquiry.number))
        .limit(limit)
    )
    found = (await session.exec(dated)).all()
    rows = [inquiry for inquiry, _total in found]
    total = found[0][1] if found else (await session.exec(counted)).one()
    if len(rows) < limit and deadline_before is None:
        undated = (
            select(Inquiry)
            .where(where, status_in, col(Inquiry.deadline_at).is_(None))
            .order_by(col(Inquiry.number))
            .limit(limit - len(rows))
        )
        rows += list((await session.exec(undated)).all())
    return rows, int(total)


async def list_inquiry_numbers(
    session: AsyncSession, *, statuses: Sequence[str], after: int = 0, limit: int = 200
) -> list[int]:
    """Numbers of the inquiries in the given statuses above `after`, ascending (a batch)."""
    stmt = (
        select(Inquiry.number)
        .where(col(Inquiry.status).in_(list(statuses)), col(Inquiry.number) > after)
        .order_by(col(Inquiry.number))
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())


async def add_event(session: AsyncSession, event: InquiryEvent) -> InquiryEvent:
    """Append a history row."""
    session.add(event)
    return event


async def list_events(session: AsyncSession, *, inquiry_id: int) -> list[InquiryEvent]:
    """Return the inquiry's history, oldest first."""
    stmt = (
        select(InquiryEvent)
        .where(InquiryEvent.inquiry_id == inquiry_id)
        .order_by(col(InquiryEvent.at), col(InquiryEvent.id))
    )
    return list((await session.exec(stmt)).all())
