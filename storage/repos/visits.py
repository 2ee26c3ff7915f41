"""Visits, their events, room bookings and field visits (no commit: the caller owns it)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import FieldVisit, RoomBooking, Visit, VisitEvent

VISIT = "visit"
FIELD_VISIT = "fieldvisit"


async def add_visit(session: AsyncSession, visit: Visit) -> Visit:
    """Insert a visit and give it its number (its id)."""
    session.add(visit)
    await session.flush()
    return visit


async def get_visit(session: AsyncSession, visit_id: int, *, lock: bool = False) -> Visit | None:
    """The visit with this number (locked for update when asked)."""
    query = select(Visit).where(Visit.id == visit_id)
    if lock:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def list_visits(
    session: AsyncSession,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    statuses: Collection[str] | None = None,
    limit: int = 200,
) -> list[Visit]:
    """Visits whose time is in [since, until), soonest first."""
    query = select(Visit)
    if since is not None:
        query = query.where(Visit.visit_at >= since)
    if until is not None:
        query = query.where(Visit.visit_at < until)
    if statuses is not None:
        query = query.where(col(Visit.status).in_(list(statuses)))
    query = query.order_by(col(Visit.visit_at), col(Visit.id)).limit(limit)
    return list((await session.exec(query)).all())


async def list_unreturned(session: AsyncSession, *, arrived_before: datetime) -> list[Visit]:
    """Visits that arrived before a moment whose badge or ID is still at large / at the desk."""
    query = (
        select(Visit)
        .where(col(Visit.arrived_at).is_not(None))
        .where(col(Visit.arrived_at) < arrived_before)
        .where(
            sa.or_(
                sa.and_(col(Visit.badge) != "", col(Visit.badge_returned).is_(False)),
                sa.and_(col(Visit.id_type) != "", col(Visit.id_returned).is_(False)),
            )
        )
        .order_by(col(Visit.id))
    )
    return list((await session.exec(query)).all())


async def add_visit_event(
    session: AsyncSession, *, visit_id: int, at: datetime, actor_id: str, kind: str, note: str = ""
) -> None:
    """Append one event to a visit's history."""
    session.add(VisitEvent(visit_id=visit_id, at=at, actor_id=actor_id, kind=kind, note=note))


async def list_visit_events(session: AsyncSession, *, visit_id: int) -> list[VisitEvent]:
    """A visit's history, oldest first."""
    query = select(VisitEvent).where(VisitEvent.visit_id == visit_id).order_by(col(VisitEvent.id))
    return list((await session.exec(query)).all())


async def anonymise_visits(session: AsyncSession, *, before: datetime, now: datetime) -> int:
    """Blank the personal data (name, company, phone, notes, reasons) of visits before a moment
    that still hold it; return how many were anonymised (0 on a second run: idempotent)."""
    ids = list(
        (
            await session.exec(
                select(Visit.id)
                .where(Visit.visit_at < before)
                .where(col(Visit.anonymised_at).is_(None))
            )
        ).all()
    )
    if not ids:
        return 0
    await session.exec(
        sa.update(Visit)
        .where(col(Visit.id).in_(ids))
        .values(
            visitor="-", company="", phone="", notes="", reason="", purpose="", anonymised_at=now
        )
    )
    await session.exec(
        sa.update(VisitEvent).where(col(VisitEvent.visit_id).in_(ids)).values(note="")
    )
    await session.exec(
        sa.update(RoomBooking).where(col(RoomBooking.visit_id).in_(ids)).values(purpose="")
    )
    return len(ids)


async def lock_room(session: AsyncSession, room: str) -> None:
    """Hold a room's bookings until the transaction ends, so two bookings checked at the same
    moment cannot both pass the overlap check (PostgreSQL: a transaction-scoped advisory lock
    keyed by the room's name; SQLite serialises writers by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"room:{room}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    await session.exec(select(sa.func.pg_advisory_xact_lock(key)))


async def add_booking(session: AsyncSession, booking: RoomBooking) -> RoomBooking:
    """Insert a room booking and give it its number."""
    session.add(booking)
    await session.flush()
    return booking


async def get_booking(session: AsyncSession, booking_id: int) -> RoomBooking | None:
    """The booking with this number."""
    return (await session.exec(select(RoomBooking).where(RoomBooking.id == booking_id))).first()


async def list_bookings(
    session: AsyncSession,
    *,
    room: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    visit_id: int | None = None,
) -> list[RoomBooking]:
    """Bookings not released that overlap [since, until) (of a room / a visit), soonest first."""
    query = select(RoomBooking).where(col(RoomBooking.released_at).is_(None))
    if room is not None:
        query = query.where(RoomBooking.room == room)
    if since is not None:
        query = query.where(RoomBooking.ends_at > since)
    if until is not None:
        query = query.where(RoomBooking.starts_at < until)
    if visit_id is not None:
        query = query.where(RoomBooking.visit_id == visit_id)
    query = query.order_by(col(RoomBooking.starts_at), col(RoomBooking.id))
    return list((await session.exec(query)).all())


async def add_field_visit(session: AsyncSession, visit: FieldVisit) -> FieldVisit:
    """Insert a field visit and give it its number."""
    session.add(visit)
    await session.flush()
    return visit


async def get_field_visit(
    session: AsyncSession, visit_id: int, *, lock: bool = False
) -> FieldVisit | None:
    """The field visit with this number."""
    query = select(FieldVisit).where(FieldVisit.id == visit_id)
    if lock:
        query = query.with_for_update()
    return (await session.exec(query)).first()


async def list_field_visits(
    session: AsyncSession, *, statuses: Collection[str] | None = None, limit: int = 50
) -> list[FieldVisit]:
    """Field visits (of some statuses), soonest first."""
    query = select(FieldVisit)
    if statuses is not None:
        query = query.where(col(FieldVisit.status).in_(list(statuses)))
    query = query.order_by(col(FieldVisit.visit_at), col(FieldVisit.id)).limit(limit)
    return list((await session.exec(query)).all())
