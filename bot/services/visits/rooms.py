"""Reception rooms: bookings (by hand or by a visit), overlaps refused, the live board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.visits import ON_SITE, Slot, first_conflict, room_state
from bot.errors import Conflict, DomainError, Forbidden, NotFound
from bot.services.visits.common import is_desk, local_day_bounds, refuse_id_numbers
from storage.models import RoomBooking
from storage.repos.visits import add_booking, get_booking, list_bookings, list_visits, lock_room


@dataclass(frozen=True)
class Booked:
    """A booking made; `over_capacity`: the room holds fewer people than the visit brings."""

    booking: RoomBooking
    capacity: int
    over_capacity: bool


def room_of(deps: Deps, name: str) -> str:
    """The configured room's own name for what was typed (`접견실1` → `접견실 1`); any name
    when no rooms are configured; else "no such room" with the list."""
    if not deps.config.rooms:
        return name
    room = deps.config.room_named(name)
    if room is None:
        names = ", ".join(r.name for r in deps.config.rooms)
        raise DomainError("visit.error.no_such_room", room=name[:100], rooms=names)
    return room.name


def _label(booking: RoomBooking) -> str:
    return f"V{booking.visit_id}" if booking.visit_id else f"R{booking.id}"


async def book_room(
    session: AsyncSession,
    deps: Deps,
    *,
    room: str,
    start: datetime,
    end: datetime,
    purpose: str,
    booked_by: str,
    visit_id: int | None = None,
    headcount: int = 1,
) -> Booked:
    """Book a room for [start, end); an overlap is refused with the conflicting booking."""
    if end <= start:
        raise DomainError("visit.error.bad_range")
    await lock_room(session, room)  # the check and the insert as one step
    existing = await list_bookings(session, room=room, since=start, until=end)
    slots = [
        Slot(b.starts_at, b.ends_at, _label(b))
        for b in existing
        if visit_id is None or b.visit_id != visit_id
    ]
    clash = first_conflict(slots, start, end)
    if clash is not None:
        raise Conflict(
            "visit.error.room_taken",
            room=room,
            other=clash.label,
            start=clash.start.astimezone(deps.tz).strftime("%H:%M"),
            end=clash.end.astimezone(deps.tz).strftime("%H:%M"),
        )
    booking = await add_booking(
        session,
        RoomBooking(
            room=room,
            starts_at=start,
            ends_at=end,
            purpose=purpose,
            visit_id=visit_id,
            booked_by=booked_by,
            created_at=deps.clock.now(),
        ),
    )
    configured = deps.config.room_named(room)
    capacity = configured.capacity if configured else 0
    return Booked(booking, capacity, bool(capacity) and headcount > capacity)


async def release_booking(
    session: AsyncSession, deps: Deps, number: int, user_id: str
) -> RoomBooking:
    """Free a booking made by hand (its booker, reception or admins)."""
    booking = await get_booking(session, number)
    if booking is None or booking.released_at is not None:
        raise NotFound("visit.error.booking_not_found", number=number)
    if booking.visit_id is not None:
        raise Conflict("visit.error.booking_of_visit", number=number, visit=booking.visit_id)
    if not (deps.config.same_person(booking.booked_by, user_id) or is_desk(deps, user_id)):
        raise Forbidden("visit.error.booker_only", number=number)
    booking.released_at = deps.clock.now()
    session.add(booking)
    return booking


async def release_visit_rooms(session: AsyncSession, deps: Deps, visit_id: int) -> list[str]:
    """Free what a visit still holds from now on; return the rooms freed."""
    now = deps.clock.now()
    freed = []
    for booking in await list_bookings(session, visit_id=visit_id):
        if booking.ends_at > now:
            booking.released_at = now
            session.add(booking)
            freed.append(booking.room)
    return freed


async def book_by_hand(
    session: AsyncSession,
    deps: Deps,
    *,
    user_id: str,
    room: str,
    start: datetime,
    end: datetime,
    purpose: str,
) -> Booked:
    """`/room book`: staff book a room for a meeting (not one that is already over)."""
    refuse_id_numbers([purpose])
    if end <= deps.clock.now():
        raise DomainError("visit.error.in_the_past", "visit.usage.room.book")
    return await book_room(
        session,
        deps,
        room=room_of(deps, room),
        start=start,
        end=end,
        purpose=purpose,
        booked_by=user_id,
    )


@dataclass(frozen=True)
class RoomLine:
    """One room on the board: its live state and the day's bookings."""

    name: str
    capacity: int
    floor: str
    state: str  # free | booked | occupied | waiting
    visit: int | None
    waiting_minutes: int
    bookings: list[dict[str, object]]


async def room_board(session: AsyncSession, deps: Deps, day: date) -> list[RoomLine]:
    """Each room's bookings of `day` and its state now (free, booked, occupied by V3, the
    host not yet in the room for N minutes)."""
    now = deps.clock.now()
    start, end = local_day_bounds(deps, day)
    bookings = await list_bookings(session, since=start, until=end)
    on_site = {
        v.id: v
        for v in await list_visits(session, since=start, until=end, statuses=ON_SITE)
        if v.room
    }
    names = [r.name for r in deps.config.rooms] or sorted({b.room for b in bookings})
    lines = []
    for name in names:
        configured = deps.config.room_named(name)
        mine = [b for b in bookings if b.room == name]
        here = next((v for v in on_site.values() if v.room == name and v.status != "arrived"), None)
        booked_now = any(b.starts_at <= now < b.ends_at for b in mine)
        state, minutes = room_state(
            booked_now=booked_now,
            occupied_by=here.id if here else None,
            host_in_room=bool(here and here.met_at),
            waiting_since=here.host_due_at if here else None,
            now=now,
        )
        lines.append(
            RoomLine(
                name=name,
                capacity=configured.capacity if configured else 0,
                floor=configured.floor if configured else "",
                state=state,
                visit=here.id if here else None,
                waiting_minutes=minutes,
                bookings=[
                    {
                        "ref": _label(b),
                        "start": b.starts_at.astimezone(deps.tz).strftime("%H:%M"),
                        "end": b.ends_at.astimezone(deps.tz).strftime("%H:%M"),
                        "purpose": b.purpose,
                    }
                    for b in mine
                ],
            )
        )
    return lines
