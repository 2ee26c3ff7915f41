"""What the digest, the dashboards and the monthly report read of the charter features
(visits, field visits, callbacks, handoffs, complaints, praise, outages): one query per call,
on indexed columns, whole windows at once (the caller filters per team). No commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Callback,
    Complaint,
    FieldVisit,
    Handoff,
    Notice,
    Outage,
    OutboxMessage,
    Praise,
    Visit,
)


async def list_visits_between(
    session: AsyncSession,
    *,
    since: datetime,
    until: datetime,
    host_ids: Sequence[str] | None = None,
    statuses: Collection[str] | None = None,
) -> list[Visit]:
    """Visits whose time is in [since, until) (of these hosts, in these statuses), soonest
    first; no limit (a day's or a month's visits, on the `visit_at` index)."""
    stmt = select(Visit).where(col(Visit.visit_at) >= since, col(Visit.visit_at) < until)
    if host_ids is not None:
        stmt = stmt.where(col(Visit.host_id).in_(list(host_ids)))
    if statuses is not None:
        stmt = stmt.where(col(Visit.status).in_(list(statuses)))
    stmt = stmt.order_by(col(Visit.visit_at), col(Visit.id))
    return list((await session.exec(stmt)).all())


async def list_field_visits_between(
    session: AsyncSession,
    *,
    since: datetime,
    until: datetime,
    statuses: Collection[str] | None = None,
) -> list[FieldVisit]:
    """Field visits whose time is in [since, until) (in these statuses), soonest first (the
    staff list is JSON: the caller picks a team's)."""
    stmt = select(FieldVisit).where(
        col(FieldVisit.visit_at) >= since, col(FieldVisit.visit_at) < until
    )
    if statuses is not None:
        stmt = stmt.where(col(FieldVisit.status).in_(list(statuses)))
    stmt = stmt.order_by(col(FieldVisit.visit_at), col(FieldVisit.id))
    return list((await session.exec(stmt)).all())


async def list_field_visits_due(
    session: AsyncSession, *, since: datetime, until: datetime
) -> list[FieldVisit]:
    """Field visits (not cancelled) whose result report fell due in [since, until)."""
    stmt = (
        select(FieldVisit)
        .where(col(FieldVisit.report_due_at) >= since, col(FieldVisit.report_due_at) < until)
        .where(col(FieldVisit.status) != "cancelled")
        .order_by(col(FieldVisit.id))
    )
    return list((await session.exec(stmt)).all())


async def list_callbacks_started(
    session: AsyncSession,
    *,
    since: datetime,
    until: datetime,
    owner_ids: Sequence[str] | None = None,
) -> list[Callback]:
    """Callbacks whose ladder started in [since, until) (owned by these people: on the
    `owner_id` index), oldest first."""
    stmt = select(Callback).where(col(Callback.start_at) >= since, col(Callback.start_at) < until)
    if owner_ids is not None:
        stmt = stmt.where(col(Callback.owner_id).in_(list(owner_ids)))
    stmt = stmt.order_by(col(Callback.start_at), col(Callback.id))
    return list((await session.exec(stmt)).all())


async def list_open_callbacks(
    session: AsyncSession, *, people: Sequence[str], states: Collection[str]
) -> list[Callback]:
    """Live callbacks (these states) owned or claimed by these people, oldest first."""
    who = list(people)
    stmt = (
        select(Callback)
        .where(col(Callback.state).in_(list(states)))
        .where(sa.or_(col(Callback.owner_id).in_(who), col(Callback.claimed_by).in_(who)))
        .order_by(col(Callback.start_at), col(Callback.id))
    )
    return list((await session.exec(stmt)).all())


async def list_complaints_awaiting(
    session: AsyncSession, *, statuses: Collection[str], staff_ids: Sequence[str] | None = None
) -> list[Complaint]:
    """Complaints in these statuses (about these staff), oldest review deadline first (on
    the `status` index)."""
    stmt = select(Complaint).where(col(Complaint.status).in_(list(statuses)))
    if staff_ids is not None:
        stmt = stmt.where(col(Complaint.staff_id).in_(list(staff_ids)))
    stmt = stmt.order_by(col(Complaint.review_due_at), col(Complaint.id))
    return list((await session.exec(stmt)).all())


async def list_complaints_for_month(
    session: AsyncSession, *, since: datetime, until: datetime
) -> list[Complaint]:
    """Complaints whose review fell due, or that were decided, in [since, until)."""
    stmt = (
        select(Complaint)
        .where(
            sa.or_(
                sa.and_(
                    col(Complaint.review_due_at) >= since, col(Complaint.review_due_at) < until
                ),
                sa.and_(col(Complaint.decided_at) >= since, col(Complaint.decided_at) < until),
            )
        )
        .order_by(col(Complaint.id))
    )
    return list((await session.exec(stmt)).all())


async def count_praise_by_kind(
    session: AsyncSession, *, since: datetime, until: datetime
) -> dict[str, int]:
    """How much praise of each kind (praise, exemplary) was given in [since, until)."""
    stmt = (
        select(Praise.kind, func.count())
        .where(col(Praise.created_at) >= since, col(Praise.created_at) < until)
        .group_by(col(Praise.kind))
    )
    return {str(kind): int(n) for kind, n in (await session.exec(stmt)).all()}


def _handoff_card_state(card_kinds: Collection[str], states: Collection[str] | None = None) -> Any:
    """The delivery state of the card a handoff's new owner was sent in the same transaction
    (an outbox row of one of `card_kinds` to them, queued at the handoff's moment; a card
    sent on any platform counts), as a subquery correlated to the handoff; only rows in
    `states` when given."""
    card = select(OutboxMessage.state).where(
        col(OutboxMessage.recipient) == sa.literal("person:") + col(Handoff.to_id),
        col(OutboxMessage.created_at) == col(Handoff.at),
        col(OutboxMessage.kind).in_(list(card_kinds)),
    )
    if states is not None:
        card = card.where(col(OutboxMessage.state).in_(list(states)))
    return (
        card.order_by(
            sa.case((col(OutboxMessage.state) == "sent", 0), else_=1),  # "sent" first
            col(OutboxMessage.id),
        )
        .limit(1)
        .correlate(Handoff)
        .scalar_subquery()
    )


async def list_handoff_cards(
    session: AsyncSession, *, since: datetime, until: datetime, card_kinds: Collection[str]
) -> list[tuple[Handoff, str | None]]:
    """The handoffs made in [since, until), each with the delivery state of its context card:
    the one kept on the handoff (see `settle_handoff_cards`), else its outbox row's; None when
    neither is (never queued, or deleted before it was settled)."""
    state = sa.func.coalesce(col(Handoff.card_state), _handoff_card_state(card_kinds))
    stmt = (
        select(Handoff, state)
        .where(col(Handoff.at) >= since, col(Handoff.at) < until)
        .order_by(col(Handoff.at), col(Handoff.id))
    )
    return [(h, s) for h, s in (await session.exec(stmt)).all()]


async def settle_handoff_cards(
    session: AsyncSession, *, card_kinds: Collection[str], final_states: Collection[str]
) -> int:
    """Copy the final delivery state of the context card onto every handoff that has none yet
    and whose card row is still kept (run before retention deletes finished outbox rows); a
    card still being delivered is left for a later run. Return how many were settled."""
    oldest = (await session.exec(select(func.min(OutboxMessage.created_at)))).first()
    if oldest is None:  # no outbox row at all: no card to copy
        return 0
    state = _handoff_card_state(card_kinds, final_states)
    result = await session.exec(
        sa.update(Handoff)
        .where(col(Handoff.card_state).is_(None), col(Handoff.at) >= oldest, state.is_not(None))
        .values(card_state=state)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


async def list_outages_overlapping(
    session: AsyncSession, *, since: datetime, until: datetime, planned: bool | None = None
) -> list[Outage]:
    """Outages that were down at some moment of [since, until) (still open, or resolved after
    `since`, and started before `until`), oldest first."""
    stmt = select(Outage).where(
        col(Outage.started_at) < until,
        sa.or_(col(Outage.resolved_at).is_(None), col(Outage.resolved_at) > since),
    )
    if planned is not None:
        stmt = stmt.where(col(Outage.planned).is_(planned))
    stmt = stmt.order_by(col(Outage.started_at), col(Outage.id))
    return list((await session.exec(stmt)).all())


async def first_service_record_at(session: AsyncSession) -> datetime | None:
    """When the service log began (C1): the first notice planned or outage recorded, read on
    the primary key and the `started_at` index; None before either was."""
    firsts = [
        (await session.exec(select(Notice.planned_at).order_by(col(Notice.id)).limit(1))).first(),
        (
            await session.exec(select(Outage.started_at).order_by(col(Outage.started_at)).limit(1))
        ).first(),
    ]
    found = [f for f in firsts if f is not None]
    return min(found) if found else None
