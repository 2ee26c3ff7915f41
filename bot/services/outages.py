"""The outage log (C1): open, update, resolve; "days without an outage" and availability.

An outage is posted to the notice channels (its first post is its anchor, updates thread
under it) and to triage. One that starts inside a running (or due) notice of the same service
is that planned interruption: recorded as planned, it neither breaks the streak nor counts
against availability.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.notices import (
    Window,
    availability,
    covering_notice,
    split_services,
    streak_days,
    year_window,
)
from bot.domain.text import sanitize
from bot.errors import Conflict, NotFound
from bot.i18n import LANGS, template, timed
from bot.ports import ChannelRole
from bot.services.formatting import fmt_time
from bot.services.inquiries.reading import span
from bot.services.notices import may_operate, post, rewrite_first_posts
from storage.models import Outage
from storage.repos.notices import (
    OUTAGE,
    add_outage,
    first_outage_at,
    get_outage,
    list_notices,
    list_outages,
)


@dataclass(frozen=True)
class Uptime:
    """C1 at a moment: days without an unplanned outage, this year's availability per
    service (and overall), and the outages still open."""

    streak: int
    year: int
    overall: float
    per_service: list[tuple[str, float]]
    open: list[dict[str, Any]]


async def find_outage(session: AsyncSession, number: int, *, lock: bool = False) -> Outage:
    """The outage O<number>, or a refusal naming it."""
    outage = await get_outage(session, number, lock=lock)
    if outage is None:
        raise NotFound("outage.error.not_found", number=number)
    return outage


async def _open_outage(session: AsyncSession, deps: Deps, actor_id: str, number: int) -> Outage:
    """The open outage O<number> an operator acts on (locked), or a refusal."""
    may_operate(deps, actor_id)
    outage = await find_outage(session, number, lock=True)
    if outage.status != "open":
        raise Conflict("outage.error.resolved", number=number)
    return outage


async def _post_everywhere(
    session: AsyncSession,
    deps: Deps,
    outage: Outage,
    *,
    key: str,
    text_key: str,
    params: dict[str, Any],
    first: bool = False,
) -> None:
    """Post to the notice channels (row key `key`) and to triage (`key:triage`)."""
    assert outage.id is not None
    roles: tuple[tuple[ChannelRole, str], ...] = (("notices", ""), ("triage", ":triage"))
    for role, suffix in roles:
        await post(
            session,
            deps,
            kind=OUTAGE,
            object_id=outage.id,
            key=key + suffix,
            text_key=text_key,
            params=params,
            first=first,
            role=role,
        )


def _params(outage: Outage) -> dict[str, Any]:
    return {
        "number": outage.id,
        "title": outage.title,
        "services": outage.services,
        "impact": outage.impact or "-",
        "start": timed(outage.started_at),
    }


async def start_outage(
    session: AsyncSession,
    deps: Deps,
    actor_id: str,
    *,
    title: str,
    services: list[str],
    impact: str = "",
) -> Outage:
    """Open an outage now; inside a running notice of the same service it is planned."""
    may_operate(deps, actor_id)
    now = deps.clock.now()
    notices = await list_notices(
        session, statuses=("planned", "running"), ending_after=now, starting_before=now
    )
    windows = [
        Window(n.id or 0, tuple(split_services(n.services)), n.start_at, n.end_at) for n in notices
    ]
    covering = covering_notice(now, services, windows)
    outage = Outage(
        title=sanitize(title)[:200],
        services=", ".join(services)[:1000],
        impact=sanitize(impact)[:500],
        status="open",
        started_at=now,
        planned=covering is not None,
        notice_id=covering,
        created_by=actor_id,
        updated_at=now,
    )
    await add_outage(session, outage)
    assert outage.id is not None
    params = _params(outage)
    key = "outage.post.started_planned" if covering is not None else "outage.post.started"
    if covering is not None:
        params["notice"] = covering
    await _post_everywhere(
        session,
        deps,
        outage,
        key=f"outage:{outage.id}:started",
        text_key=key,
        params=params,
        first=True,
    )
    return outage


async def refresh_first_posts(session: AsyncSession, deps: Deps, outage: Outage) -> None:
    """Rewrite the outage's first post in every notice channel as the outage now stands
    (ongoing with its latest progress, or resolved with its duration and cause): the top of
    the channel stays current, the thread tells what happened."""
    assert outage.id is not None
    params = _params(outage)
    params.update(
        note=outage.last_note or "-", cause=outage.cause or "-", end="", duration="", planned=""
    )
    if outage.resolved_at is not None:
        params.update(
            end=timed(outage.resolved_at), duration=span(outage.resolved_at - outage.started_at)
        )
    localized: dict[str, dict[str, Any]] = {
        lang: {
            "planned": template(lang, "outage.post.planned_during").format(notice=outage.notice_id)
            if outage.planned
            else ""
        }
        for lang in LANGS
    }
    await rewrite_first_posts(
        session,
        deps,
        kind=OUTAGE,
        object_id=outage.id,
        text_key=f"outage.post.current_{outage.status}",
        params=params,
        localized=localized,
    )


async def update_outage(
    session: AsyncSession, deps: Deps, actor_id: str, number: int, note: str, impact: str = ""
) -> Outage:
    """Post progress on an open outage (in its thread)."""
    outage = await _open_outage(session, deps, actor_id, number)
    now = deps.clock.now()
    if impact:
        outage.impact = sanitize(impact)[:500]
    outage.last_note = sanitize(note)[:1000] or outage.last_note
    outage.updated_at = now
    assert outage.id is not None
    params = _params(outage)
    params["note"] = outage.last_note or "-"
    await post(
        session,
        deps,
        kind=OUTAGE,
        object_id=outage.id,
        key=f"outage:{outage.id}:update:{now.isoformat()}",
        text_key="outage.post.update",
        params=params,
    )
    await refresh_first_posts(session, deps, outage)
    return outage


async def resolve_outage(
    session: AsyncSession, deps: Deps, actor_id: str, number: int, cause: str
) -> Outage:
    """Close an outage with its cause; post it with its duration (notice channels, triage)."""
    outage = await _open_outage(session, deps, actor_id, number)
    now = deps.clock.now()
    outage.status = "resolved"
    outage.resolved_at = now
    outage.cause = sanitize(cause)[:1000]
    outage.updated_at = now
    assert outage.id is not None
    params = _params(outage)
    params.update(cause=outage.cause, duration=span(now - outage.started_at))
    await _post_everywhere(
        session,
        deps,
        outage,
        key=f"outage:{outage.id}:resolved",
        text_key="outage.post.resolved",
        params=params,
    )
    await refresh_first_posts(session, deps, outage)
    return outage


def describe_outage(outage: Outage, deps: Deps) -> dict[str, Any]:
    """Display strings of an outage (platform-neutral)."""
    end = outage.resolved_at or deps.clock.now()
    return {
        "number": outage.id,
        "title": outage.title,
        "services": outage.services,
        "status": outage.status,
        "start": fmt_time(outage.started_at, deps),
        "duration": span(end - outage.started_at),
        "planned": outage.planned,
        "notice": outage.notice_id,
        "note": outage.last_note,
    }


async def uptime(session: AsyncSession, deps: Deps, *, now: datetime | None = None) -> Uptime:
    """Days without an unplanned outage and this year's availability (for `/outage status`,
    the digest and the monthly report)."""
    now = now or deps.clock.now()
    tz = deps.tz
    today = now.astimezone(tz).date()
    year = today.year
    begin, end = year_window(year, tz, now)
    unplanned = await list_outages(session, planned=False, since=begin)
    last_day = None
    for o in unplanned:
        if o.status == "open":
            last_day = today
        elif o.resolved_at is not None:
            day = o.resolved_at.astimezone(tz).date()
            last_day = max(last_day, day) if last_day else day
    if last_day is None:
        # none this year: look further back (the streak runs over the new year)
        older = await list_outages(session, planned=False)
        ends = [o.resolved_at for o in older if o.resolved_at is not None]
        if ends:
            last_day = max(ends).astimezone(tz).date()
    first = await first_outage_at(session)
    since = (first or begin).astimezone(tz).date()
    intervals: dict[str, list[tuple[datetime, datetime]]] = {}
    every: list[tuple[datetime, datetime]] = []
    for o in unplanned:
        span_ = (o.started_at, o.resolved_at or now)
        every.append(span_)
        for service in split_services(o.services):
            intervals.setdefault(service, []).append(span_)
    per_service = sorted(
        ((name, availability(spans, begin, end)) for name, spans in intervals.items()),
        key=lambda p: p[0].lower(),
    )
    opened = await list_outages(session, status="open")
    return Uptime(
        streak=streak_days(today, last_day, min(since, begin.date())),
        year=year,
        overall=availability(every, begin, end),
        per_service=per_service,
        open=[describe_outage(o, deps) for o in opened],
    )
