"""What every visit use case needs: who may do what, finding a visit, the PIPA refusal, the
neutral verbs of the desk's buttons, and queueing alerts through the outbox.

Every alert goes through the outbox (bot.services.outbox); an alert with buttons is an outbox
row of kind `visit` (text as a `message`, plus `buttons`: neutral verbs each platform renders
as its own buttons). A host is asked of the absence hook first (`people.absence_of`): an
absent host's alerts go to their delegate, or to their team's manager when none is named.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.domain.visits import id_number_in_any
from bot.errors import Conflict, DomainError, Forbidden, NotFound
from bot.i18n import Phrase

# A room's own channel is configured by platform id: the one place a service addresses a
# conversation directly (ToConversation), as an operator's `[[rooms]]` entry names it.
from bot.ports import Address, Platform, Recipient, ToConversation, ToPerson, ToRole
from bot.services.outbox import configured_platforms, enqueue_kind, enqueue_message
from bot.services.people import absence_of
from storage.models import FieldVisit, Visit
from storage.repos.visits import get_field_visit, get_visit

log = logging.getLogger("charterbot.visits")
VISIT_KIND = "visit"  # the outbox kind of an alert with buttons
_V = "visit"  # verbs are built, so no literal reads as a catalogue key
_F = "fieldvisit"


class VisitVerb(StrEnum):
    """What a person does from a visit's (or field visit's) buttons, on any platform."""

    COMING = f"{_V}.coming"  # the host: "coming down"
    SEND_ROOM = f"{_V}.send_room"  # the host: "send to room …" (data: room)
    DECLINE = f"{_V}.decline"  # the host: "can't meet now" (asks for a reason)
    MET = f"{_V}.met"  # the host: "I'm in the room"
    BADGE_BACK = f"{_V}.badge_back"  # reception: the badge came back
    ID_BACK = f"{_V}.id_back"  # reception: the ID was handed back
    REGISTER = f"{_V}.register"  # the pre-registration form, submitted
    REPORT = f"{_F}.report"  # the field visit's result form (outcome, next steps)


# ------------------------------------------------------------------ people and permissions


def is_desk(deps: Deps, user_id: str) -> bool:
    """Receptionists and admins run the desk (arrivals, walk-ins, seating, check-out)."""
    return deps.config.is_receptionist(user_id) or deps.config.is_admin(user_id)


def refuse_non_staff(deps: Deps, user_id: str) -> None:
    """Customers have no visit commands."""
    if not deps.is_staff(user_id):
        raise Forbidden("visit.error.staff_only")


def refuse_non_desk(deps: Deps, user_id: str) -> None:
    """Only reception (receptionists and admins) may do desk steps."""
    if not is_desk(deps, user_id):
        raise Forbidden("visit.error.desk_only")


def is_host(deps: Deps, visit: Visit, user_id: str) -> bool:
    """Whether user_id is the visit's host (on any platform)."""
    return deps.config.same_person(visit.host_id, user_id)


def refuse_stranger(deps: Deps, visit: Visit, user_id: str) -> None:
    """Hosts act on their own visits; reception and admins on any."""
    if not (is_host(deps, visit, user_id) or is_desk(deps, user_id)):
        raise Forbidden("visit.error.host_only", number=visit.id or 0)


def refuse_id_numbers(texts: Iterable[str | None]) -> None:
    """Refuse a request any of whose visitor fields looks like it holds an ID number.

    The refusal names the kind of number and the law, never the text: nothing of such a
    request is stored or logged (the caller raises before any write).
    """
    found = id_number_in_any(texts)
    if found is not None:
        raise DomainError(f"visit.error.id_number_{found.value}")


# ------------------------------------------------------------------ finding things


async def find_visit(session: AsyncSession, number: int, *, lock: bool = False) -> Visit:
    """The visit `V<number>`, or "no such visit"."""
    visit = await get_visit(session, number, lock=lock)
    if visit is None:
        raise NotFound("visit.error.not_found", number=number)
    return visit


async def find_field_visit(session: AsyncSession, number: int, *, lock: bool = False) -> FieldVisit:
    """The field visit `F<number>`, or "no such field visit"."""
    visit = await get_field_visit(session, number, lock=lock)
    if visit is None:
        raise NotFound("visit.error.fieldvisit_not_found", number=number)
    return visit


def refuse_step(visit: Visit, step: str, allowed: bool) -> None:
    """A step the visit's status does not allow is refused with its status."""
    if not allowed:
        # the status in the reader's words (`퇴실`, not `left`)
        state = Phrase(f"visit.status.{visit.status}")
        raise Conflict(f"visit.error.cannot_{step}", number=visit.id or 0, state=state)


# ------------------------------------------------------------------ time


def local_day_bounds(deps: Deps, day: date) -> tuple[datetime, datetime]:
    """The start and end of a day on the company's zone."""
    start = datetime.combine(day, time(0, 0), tzinfo=deps.tz)
    return start, start + timedelta(days=1)


def at_local(deps: Deps, day: date, at: time) -> datetime:
    """A day and time on the company's zone."""
    return datetime.combine(day, at, tzinfo=deps.tz)


def wall(text: str) -> timedelta:
    """A wall-clock duration from config (`5m`, `1h`)."""
    return parse_duration(text).wall


def clock_of(text: str) -> time:
    """An `HH:MM` from config."""
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


# ------------------------------------------------------------------ alerts


async def host_recipients(session: AsyncSession, deps: Deps, host_id: str) -> list[str]:
    """Who gets a host's alert now: the host, or their delegate (else their team's manager)
    while the absence hook says they are away."""
    absence = await absence_of(session, host_id, at=deps.clock.now())
    if absence is None:
        return [host_id]
    if absence.delegate:
        return [absence.delegate]
    team = deps.config.team_of(host_id)
    if team is not None and not deps.config.same_person(team.manager, host_id):
        return [team.manager]
    return [host_id]


def team_and_manager(deps: Deps, host_id: str) -> list[str]:
    """The host's team colleagues and manager (the host left out)."""
    team = deps.config.team_of(host_id)
    if team is None:
        return []
    people = [*team.members, team.manager]
    return [p for p in dict.fromkeys(people) if not deps.config.same_person(p, host_id)]


async def tell(
    session: AsyncSession,
    deps: Deps,
    *,
    key: str,
    to: Recipient,
    text_key: str,
    params: dict[str, Any],
    buttons: Sequence[dict[str, Any]] = (),
    localized: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Queue one alert (with buttons: an outbox `visit` row) for a person or a channel role
    (`localized`: parameters written per language, see `enqueue_message`).

    A person who is not staff never gets a visit alert (visitor data is internal)."""
    now = deps.clock.now()
    if isinstance(to, ToPerson) and not deps.is_staff(to.user_id):
        log.warning("visit alert to non-staff %s skipped", to.user_id)
        return
    if isinstance(to, ToRole) and not configured_platforms(deps, to.role):
        return  # no such channel configured: the alert has nowhere to go
    if not buttons:
        await enqueue_message(
            session,
            key=key,
            recipient=to,
            text_key=text_key,
            params=params,
            now=now,
            deps=deps,
            localized=localized,
        )
        return
    payload = {"text_key": text_key, "params": params, "buttons": list(buttons)}
    await enqueue_kind(
        session, deps, key=key, kind=VISIT_KIND, recipient=to, payload=payload, now=now
    )


async def tell_reception(
    session: AsyncSession,
    deps: Deps,
    *,
    key: str,
    text_key: str,
    params: dict[str, Any],
    buttons: Sequence[dict[str, Any]] = (),
    localized: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Queue an alert for the reception channel (bilingual when configured)."""
    await tell(
        session,
        deps,
        key=key,
        to=ToRole("reception"),
        text_key=text_key,
        params=params,
        buttons=buttons,
        localized=localized,
    )


async def tell_room(
    session: AsyncSession,
    deps: Deps,
    room: str,
    *,
    key: str,
    text_key: str,
    params: dict[str, Any],
) -> None:
    """Queue a room alert (seated, host in the room, left, free again, overstay): to the room's
    own channel on each platform that has one (`[[rooms]] slack_channel` / `teams_channel`),
    else to the reception channel there."""
    configured = deps.config.room_named(room) if room else None
    platforms: list[Platform] = ["slack", "teams"] if deps.env.teams_enabled else ["slack"]
    now = deps.clock.now()
    for platform in platforms:
        own = ""
        if configured is not None:
            own = configured.slack_channel if platform == "slack" else configured.teams_channel
        if own:
            to: Address = ToConversation(own)
        elif platform in configured_platforms(deps, "reception"):
            to = ToRole("reception")
        else:
            continue
        await enqueue_message(
            session,
            key=key if platform == "slack" else f"{key}@{platform}",
            recipient=to,
            text_key=text_key,
            params=params,
            now=now,
            platform=platform,
            deps=deps,
        )


def button(verb: VisitVerb, number: int, **data: Any) -> dict[str, Any]:
    """A neutral button: its verb and the object number (and e.g. the room)."""
    return {"verb": str(verb), "number": number, **data}


def room_names(deps: Deps) -> list[str]:
    """The configured reception rooms, in config order."""
    return [r.name for r in deps.config.rooms]


def platforms_of(deps: Deps) -> list[Platform]:
    """Where the reception channel is configured."""
    return configured_platforms(deps, "reception")
