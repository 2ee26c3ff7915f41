"""Build a manager's digest and queue it once per business day, in their own time zone."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.digest import DigestMoment, digest_due, digest_time
from bot.ports import ToPerson, ToRole
from bot.services.digest.sections import Scope, build_sections
from bot.services.outbox import DIGEST, configured_platforms, enqueue_rendered
from storage.repos.digest import claim_digest_run, list_disabled

log = logging.getLogger("charterbot.digest")


def managers(deps: Deps) -> list[str]:
    """Every configured manager once (by their primary id), in config order."""
    return list(dict.fromkeys(team.manager for team in deps.config.teams))


async def zone_of(deps: Deps, user_id: str) -> ZoneInfo:
    """The person's time zone (Slack users.info `tz`, Teams where known), else the config's."""
    tz = (await deps.languages.reader_of(user_id)).tz
    if tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown time zone %r of %s: using the configured one", tz, user_id)
    return deps.tz


def scope_of(
    deps: Deps,
    manager_id: str,
    moment: DigestMoment,
    now: datetime,
    zone: ZoneInfo,
    shared: dict[str, Any] | None = None,
) -> Scope:
    """The digest scope of a manager: everyone of the teams they manage, by every id."""
    teams = deps.config.teams_managed_by(manager_id)
    members = sorted(
        {i for team in teams for m in (*team.members, team.manager) for i in deps.config.ids_of(m)}
    )
    return Scope(
        manager_id=manager_id,
        members=tuple(members),
        teams=tuple(t.name for t in teams),
        since=moment.since,
        now=now,
        day=moment.day,
        zone=zone,
        shared=shared if shared is not None else {},
    )


async def digest_payload(session: AsyncSession, deps: Deps, scope: Scope) -> dict[str, Any]:
    """The outbox payload of a digest (rendered per platform at delivery)."""
    sections = await build_sections(session, deps, scope)
    return {
        "manager": scope.manager_id,
        "teams": list(scope.teams),
        "day": scope.day.isoformat(),
        "sections": [s.as_payload() for s in sections],
    }


def current_moment(deps: Deps, now: datetime, zone: ZoneInfo) -> DigestMoment:
    """The digest window as of now (for `/digest`: since the last business day's digest)."""
    at = digest_time(deps.config.scheduler.digest_time)
    local = now.astimezone(zone)
    day = local.date()
    since_day = deps.calendar.previous_business_day(day)
    return DigestMoment(day, now, datetime.combine(since_day, at, zone))


async def send_due_digests(deps: Deps) -> int:
    """Queue every digest due now (one transaction per manager); return how many.

    The (manager, day) run is claimed in the transaction that queues the digest, so two
    processes (or a restart within the minute) queue it once; a process that was down at the
    digest time sends it when it is back the same day, and never a past day's.
    """
    at = digest_time(deps.config.scheduler.digest_time)
    sent = 0
    shared: dict[str, Any] = {}  # read once per run: the same for every manager
    disabled: set[str] | None = None
    for manager in managers(deps):
        # Looked up before the transaction: a first lookup writes the profile it learnt.
        zone = await zone_of(deps, manager)
        now = deps.clock.now()
        moment = digest_due(now, at, zone, deps.calendar)
        if moment is None:
            continue
        if disabled is None:  # the opt-outs, read once a run (only when a digest is due)
            async with deps.reads() as session:
                disabled = await list_disabled(session)
        if disabled.intersection(deps.config.ids_of(manager)):
            continue
        async with deps.sessions.begin() as session:
            day = moment.day.isoformat()
            if not await claim_digest_run(session, manager_id=manager, day=day, now=now):
                continue
            scope = scope_of(deps, manager, moment, now, zone, shared)
            payload = await digest_payload(session, deps, scope)
            await enqueue_rendered(
                session,
                deps,
                key=f"digest:{manager}:{day}",
                kind=DIGEST,
                recipient=ToPerson(manager),
                payload=payload,
                now=now,
            )
            if deps.config.digest.post_to_reports and configured_platforms(deps, "reports"):
                await enqueue_rendered(
                    session,
                    deps,
                    key=f"digest-summary:{manager}:{day}",
                    kind=DIGEST,
                    recipient=ToRole("reports"),
                    payload={**payload, "summary": True},
                    now=now,
                )
        sent += 1
    return sent
