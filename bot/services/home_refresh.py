"""Dashboards kept current: re-published (debounced) after a change that affects the viewer.

Each feature calls one function where its changes are recorded (an inquiry's card sync, a
visit's event, a callback's step, a complaint's change, a delivery given up on); it names
whose dashboard shows the object. Only people who have opened their dashboard get it again
(`opened_home`): on Slack, the App Home; on Teams, the `home` card, updated in place.

The debounce is a column of their `home_views` row (storage.repos.home.arm_home_refresh):
the first change arms it for REFRESH_DELAY later and queues one outbox row of kind `home`
available at that moment; changes until then find it armed and queue nothing. The row is
rendered when it is delivered, so it shows every change of the burst. Both are stored, so a
restart loses nothing; the outbox (polled every second) publishes it on time, where a timer
would wait for the next sweep (`scheduler.sweep_interval`, 30 s by default).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.ports import PLATFORMS, Platform, ToPerson, platform_of_user
from bot.services.outbox import enqueue_kind
from storage.models import Callback, Complaint, Inquiry, InquiryEvent, Visit
from storage.repos.home import add_home_view, arm_home_refresh

HOME = "home"  # the outbox kind: publish a person's dashboard as it is when sent
REFRESH_DELAY = timedelta(seconds=3)
_PEOPLE_EVENTS = ("assigned", "transferred")  # an inquiry event whose old value is a person


async def opened_home(
    session: AsyncSession,
    deps: Deps,
    *,
    platform: Platform,
    user_id: str,
    conversation_id: str | None = None,
    message_id: str | None = None,
) -> None:
    """Remember that user_id opened their dashboard (Teams: the card's message, to update)."""
    await add_home_view(
        session,
        platform=platform,
        user_id=user_id,
        now=deps.clock.now(),
        conversation_id=conversation_id,
        message_id=message_id,
    )


async def refresh_homes(
    session: AsyncSession, deps: Deps, people: Iterable[str | None], *, now: datetime | None = None
) -> list[str]:
    """Queue one re-publishing, REFRESH_DELAY from now, of the dashboard of each of `people`
    (by any of their ids) who opened theirs and has none queued; return whose were queued."""
    ids: dict[Platform, set[str]] = {p: set() for p in PLATFORMS}
    for person in people:
        if not person:
            continue
        for user_id in (person, *deps.config.ids_of(person)):
            platform = platform_of_user(user_id)
            if platform is not None:
                ids[platform].add(user_id)
    now = now or deps.clock.now()
    due = now + REFRESH_DELAY
    queued: list[str] = []
    for platform, user_ids in ids.items():
        for user_id in await arm_home_refresh(
            session, platform=platform, user_ids=user_ids, now=now, due_at=due
        ):
            await enqueue_kind(
                session,
                deps,
                # one row per burst: a later burst arms a later moment
                key=f"home:{platform}:{user_id}:{due.isoformat()}",
                kind=HOME,
                recipient=ToPerson(user_id),
                payload={},
                now=due,
                platform=platform,
            )
            queued.append(user_id)
    return queued


# ----------------------------------------------------------------------- who sees what


def managers_of(deps: Deps, people: Iterable[str | None]) -> set[str]:
    """The managers of the teams these people are in (as member or manager)."""
    out: set[str] = set()
    for person in people:
        if not person:
            continue
        for team in deps.config.teams:
            if any(deps.config.same_person(person, m) for m in (*team.members, team.manager)):
                out.add(team.manager)
    return out


def all_managers(deps: Deps) -> set[str]:
    """Every team manager (their `overdue` list shows every overdue inquiry)."""
    return {team.manager for team in deps.config.teams}


async def refresh_for_inquiry(
    session: AsyncSession, deps: Deps, inquiry: Inquiry, event: InquiryEvent
) -> None:
    """After an inquiry's change: its assignee (and the one before, on a reassignment), its
    requester when staff, their teams' managers; every manager when it is overdue."""
    people: set[str | None] = {inquiry.assignee_id}
    if event.kind in _PEOPLE_EVENTS and event.old_value:
        people.add(event.old_value)
    if deps.is_staff(inquiry.requester_id):
        people.add(inquiry.requester_id)
    people |= managers_of(deps, people)
    if inquiry.deadline_at is not None and inquiry.deadline_at <= event.at:
        people |= all_managers(deps)
    await refresh_homes(session, deps, people, now=event.at)


async def refresh_for_visit(session: AsyncSession, deps: Deps, visit: Visit) -> None:
    """After a visit's change: its host, the host's manager and the receptionists."""
    people: set[str | None] = {visit.host_id, *deps.config.roles.receptionists}
    people |= managers_of(deps, [visit.host_id])
    await refresh_homes(session, deps, people)


async def refresh_for_field_visit(session: AsyncSession, deps: Deps, staff: Iterable[str]) -> None:
    """After a field visit is planned, reported or cancelled: its staff and their managers."""
    people: set[str | None] = set(staff)
    people |= managers_of(deps, people)
    await refresh_homes(session, deps, people)


async def refresh_for_callback(
    session: AsyncSession, deps: Deps, cb: Callback, *, also: Iterable[str] = ()
) -> None:
    """After a callback's step: its owner, whoever claimed it, the people of the step (`also`:
    who it was offered to, who acted) and the owner's manager."""
    people: set[str | None] = {cb.owner_id, cb.claimed_by, *also}
    people |= managers_of(deps, [cb.owner_id])
    await refresh_homes(session, deps, people)


async def refresh_for_complaint(session: AsyncSession, deps: Deps, complaint: Complaint) -> None:
    """After a complaint's change: its reviewer (the staff member's manager) and the admins,
    who review when there is no manager."""
    people: set[str | None] = {complaint.manager_id or None, *deps.config.roles.admins}
    people |= managers_of(deps, [complaint.staff_id])
    await refresh_homes(session, deps, people)


async def refresh_for_admins(session: AsyncSession, deps: Deps) -> None:
    """After the delivery failures changed (a row given up on, retried or discarded)."""
    await refresh_homes(session, deps, deps.config.roles.admins)
