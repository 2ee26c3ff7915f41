"""The `visitor …`, `room …` and `fieldvisit …` commands on any platform: parse, run the
subcommand, answer with a neutral result (as bot/services/inquiry_commands.py does).

PIPA: before anything is parsed, stored or logged, the whole text is checked for what looks
like an ID number; such a request is refused with the reason and leaves no trace.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import UsageError
from bot.domain.visit_commands import VisitCommand, parse_visit_command
from bot.domain.visits import id_number_in
from bot.errors import DomainError
from bot.i18n import Phrase, dated, timed
from bot.ports import Platform
from bot.services.inquiry_commands import Refused, Usage
from bot.services.receipts import claim_action
from bot.services.results import Replayed, Said
from bot.services.visits import checkout, desk, fieldvisits, host, rooms
from bot.services.visits.common import (
    at_local,
    find_field_visit,
    find_visit,
    is_desk,
    local_day_bounds,
    refuse_non_staff,
    wall,
)
from storage.repos.visits import list_field_visits, list_visits


@dataclass(frozen=True)
class VisitRequest:
    """One `visitor|room|fieldvisit …` command: who typed what, where, on which platform."""

    user_id: str
    command: str  # visitor | room | fieldvisit
    text: str
    platform: Platform = "slack"
    conversation_id: str | None = None
    key: str | None = None  # this delivery's idempotency key


@dataclass(frozen=True)
class VisitHelp:
    """The command's help."""

    command: str


@dataclass(frozen=True)
class OpenVisitForm:
    """Show the visit pre-registration form."""

    conversation_id: str | None
    rooms: list[str]


@dataclass(frozen=True)
class OpenReportForm:
    """Show a field visit's result form."""

    number: int


@dataclass(frozen=True)
class VisitList:
    """The visits of a day with their status (rows: bot.services.visits.desk.describe_visit)."""

    day: str
    rows: list[dict[str, Any]]
    desk: bool


@dataclass(frozen=True)
class CheckOut:
    """A visitor checked out: the badge and the ID still to confirm (buttons)."""

    said: Said
    number: int
    badge_out: bool
    id_out: bool


@dataclass(frozen=True)
class RoomBoard:
    """Each room's state now and bookings of the day."""

    day: str
    rooms: list[rooms.RoomLine]


@dataclass(frozen=True)
class FieldVisitList:
    """Planned (and recent) field visits."""

    rows: list[dict[str, Any]] = field(default_factory=list)


VisitResult = (
    Said
    | Usage
    | Refused
    | VisitHelp
    | OpenVisitForm
    | OpenReportForm
    | VisitList
    | CheckOut
    | RoomBoard
    | FieldVisitList
    | Replayed
)
Executor = Callable[[AsyncSession, Deps, str, VisitCommand], Awaitable[VisitResult]]


def _ref(cmd: VisitCommand) -> int:
    assert cmd.ref is not None
    return cmd.ref


def draft_of(cmd: VisitCommand, usage: str) -> desk.VisitDraft:
    """The visit a `register`/`walkin` command describes."""
    opts = cmd.options
    return desk.VisitDraft(
        visitor=cmd.words,
        host=cmd.host,
        day=cmd.day,
        at=cmd.at,
        company=opts.get("company", ""),
        room=opts.get("room", ""),
        purpose=opts.get("purpose", ""),
        headcount=desk.headcount_of(opts.get("count", ""), usage),
        phone=opts.get("phone", ""),
        notes=opts.get("notes", ""),
    )


async def _register(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    visit, over = await desk.register_visit(
        s, deps, user, draft_of(cmd, "visit.usage.visitor.register")
    )
    params = desk.params_of(visit, deps)
    return Said("visit.registered_over" if over else "visit.registered", params)


async def _walkin(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    visit = await desk.walk_in(
        s,
        deps,
        user,
        draft_of(cmd, "visit.usage.visitor.walkin"),
        badge=cmd.options.get("badge", ""),
        kind=cmd.id_type,
        slot=cmd.options.get("slot", ""),
    )
    return Said("visit.walked_in", desk.params_of(visit, deps))


async def _list(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    refuse_non_staff(deps, user)
    assert cmd.day is not None
    start, end = local_day_bounds(deps, cmd.day)
    now = deps.clock.now()
    rows = [
        checkout.describe_visit(v, deps, now) for v in await list_visits(s, since=start, until=end)
    ]
    return VisitList(cmd.day.isoformat(), rows, is_desk(deps, user))


async def _show(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    refuse_non_staff(deps, user)
    visit = await find_visit(s, _ref(cmd))
    row = checkout.describe_visit(visit, deps, deps.clock.now())
    day = visit.visit_at.astimezone(deps.tz).date().isoformat()
    return VisitList(day, [row], is_desk(deps, user))


async def _arrived(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    visit = await desk.arrive(
        s,
        deps,
        user,
        _ref(cmd),
        badge=cmd.options.get("badge", ""),
        kind=cmd.id_type,
        slot=cmd.options.get("slot", ""),
    )
    return Said("visit.arrived", desk.params_of(visit, deps))


async def _seated(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    visit, over = await desk.seat(s, deps, user, _ref(cmd), cmd.options.get("room", ""))
    return Said("visit.seated_over" if over else "visit.seated", desk.params_of(visit, deps))


async def _met(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    visit, late = await host.meet(s, deps, user, _ref(cmd))
    return Said(
        "visit.met" if late else "visit.met_on_time", {**desk.params_of(visit, deps), "late": late}
    )


async def _left(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    out = await checkout.leave(s, deps, user, _ref(cmd))
    key = "visit.left" if out.badge_out or out.id_out else "visit.left_clear"
    said = Said(key, desk.params_of(out.visit, deps))
    return CheckOut(said, _ref(cmd), out.badge_out, out.id_out)


async def _returned(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    out = await checkout.returned(s, deps, user, _ref(cmd), set(cmd.words.split()))
    key = "visit.all_returned" if not (out.badge_out or out.id_out) else "visit.still_out"
    return CheckOut(
        Said(key, desk.params_of(out.visit, deps)), _ref(cmd), out.badge_out, out.id_out
    )


async def _cancel(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    visit = await checkout.cancel_visit(
        s, deps, user, _ref(cmd), cmd.words or cmd.options.get("reason", "")
    )
    return Said("visit.cancelled", desk.params_of(visit, deps))


async def _noshow(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    visit = await checkout.no_show(s, deps, user, _ref(cmd))
    return Said("visit.no_show", desk.params_of(visit, deps))


async def _room_today(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    refuse_non_staff(deps, user)
    assert cmd.day is not None
    return RoomBoard(cmd.day.isoformat(), await rooms.room_board(s, deps, cmd.day))


async def _room_book(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    refuse_non_staff(deps, user)
    assert cmd.day is not None and cmd.at is not None
    start = at_local(deps, cmd.day, cmd.at)
    end = (
        at_local(deps, cmd.day, cmd.until)
        if cmd.until is not None
        else start + wall(deps.config.visitors.default_length)
    )
    booked = await rooms.book_by_hand(
        s,
        deps,
        user_id=user,
        room=cmd.words,
        start=start,
        end=end,
        purpose=cmd.options.get("purpose", ""),
    )
    b = booked.booking
    return Said(
        "visit.room_booked",
        {
            "number": b.id or 0,
            "room": b.room,
            "day": dated(cmd.day, deps.clock.now().astimezone(deps.tz).date()),
            "start": start.strftime("%H:%M"),
            "end": end.astimezone(deps.tz).strftime("%H:%M"),
        },
    )


async def _room_release(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    refuse_non_staff(deps, user)
    booking = await rooms.release_booking(s, deps, _ref(cmd), user)
    return Said("visit.room_released", {"number": booking.id or 0, "room": booking.room})


async def _fv_plan(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    assert cmd.day is not None and cmd.at is not None
    inquiry = cmd.options.get("inquiry")
    visit = await fieldvisits.plan_field_visit(
        s,
        deps,
        user,
        customer=cmd.words,
        day=cmd.day,
        at=cmd.at,
        purpose=cmd.options.get("purpose", ""),
        people=list(cmd.people),
        inquiry=int(inquiry) if inquiry else None,
    )
    return Said("visit.fieldvisit.planned", fieldvisits.params_of(visit))


async def _fv_list(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    refuse_non_staff(deps, user)
    rows = []
    for v in await list_field_visits(s, statuses=["planned"]):
        rows.append(
            {
                "number": v.id or 0,
                "customer": v.customer,
                "at": timed(v.visit_at, deps.tz),  # written for each reader
                "due": timed(v.report_due_at, deps.tz),
                "staff": fieldvisits.staff_of(v),
                "purpose": v.purpose,
            }
        )
    return FieldVisitList(rows)


async def _fv_show(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    refuse_non_staff(deps, user)
    visit = await find_field_visit(s, _ref(cmd))  # "no such field visit F9"
    return Said(
        "visit.fieldvisit.show",
        {
            **fieldvisits.params_of(visit),
            "status": Phrase(f"visit.fieldvisit.status.{visit.status}"),
            "outcome": visit.outcome or "-",
            "next": visit.next_steps or "-",
        },
    )


async def _fv_report(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    outcome = cmd.options.get("outcome", "")
    if not outcome:
        refuse_non_staff(deps, user)
        await find_field_visit(s, _ref(cmd))
        return OpenReportForm(_ref(cmd))
    visit = await fieldvisits.report_field_visit(
        s, deps, user, _ref(cmd), outcome=outcome, next_steps=cmd.options.get("next", "")
    )
    return Said("visit.fieldvisit.report_recorded", fieldvisits.params_of(visit))


async def _fv_cancel(s: AsyncSession, deps: Deps, user: str, cmd: VisitCommand) -> VisitResult:
    visit = await fieldvisits.cancel_field_visit(s, deps, user, _ref(cmd), cmd.words)
    return Said("visit.fieldvisit.cancelled", fieldvisits.params_of(visit))


# (command, action) → (writes, executor)
SUBCOMMANDS: dict[tuple[str, str], tuple[bool, Executor]] = {
    ("visitor", "register"): (True, _register),
    ("visitor", "walkin"): (True, _walkin),
    ("visitor", "list"): (False, _list),
    ("visitor", "show"): (False, _show),
    ("visitor", "arrived"): (True, _arrived),
    ("visitor", "seated"): (True, _seated),
    ("visitor", "met"): (True, _met),
    ("visitor", "left"): (True, _left),
    ("visitor", "returned"): (True, _returned),
    ("visitor", "cancel"): (True, _cancel),
    ("visitor", "noshow"): (True, _noshow),
    ("room", "today"): (False, _room_today),
    ("room", "book"): (True, _room_book),
    ("room", "release"): (True, _room_release),
    ("fieldvisit", "plan"): (True, _fv_plan),
    ("fieldvisit", "list"): (False, _fv_list),
    ("fieldvisit", "show"): (False, _fv_show),
    ("fieldvisit", "report"): (True, _fv_report),
    ("fieldvisit", "cancel"): (True, _fv_cancel),
}


async def run_visit_command(deps: Deps, request: VisitRequest) -> VisitResult:
    """Parse and run one visit command in its own unit of work (reads on the read sessions, a
    write in one transaction that first claims the request's key: a retry acts once)."""
    found = id_number_in(request.text)
    if found is not None:
        # Refused before anything is parsed, stored or logged (PIPA Art. 24-2).
        return Refused(DomainError(f"visit.error.id_number_{found.value}"))
    today = deps.clock.now().astimezone(deps.tz).date()
    try:
        cmd = parse_visit_command(request.command, request.text, today)
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)
    if cmd.action == "help":
        return VisitHelp(request.command)
    if not deps.is_staff(request.user_id):
        return Refused(DomainError("visit.error.staff_only"))
    if cmd.action == "form":
        return OpenVisitForm(request.conversation_id, [r.name for r in deps.config.rooms])
    writes, run = SUBCOMMANDS[(cmd.command, cmd.action)]
    factory = deps.sessions if writes else deps.reads
    try:
        async with factory.begin() as session:
            if writes and request.key and not await claim_action(session, deps, request.key):
                return Replayed()
            return await run(session, deps, request.user_id, cmd)
    except DomainError as exc:
        return Refused(exc)
