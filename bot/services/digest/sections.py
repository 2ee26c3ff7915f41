"""The digest's sections: a registry of providers, each `async (session, deps, scope) ->
Section | None`, most urgent first.

A feature adds its own section by adding one `SectionSource` to `SECTIONS` (its `rank` puts
it among the others). This module's providers cover the inquiries (C2/C3/C4/C5/C12); the
charter features' sections (bot.services.digest.features) take the ranks after them (see
RANKS): today's visitors and field visits (#12), callbacks missed (#13), running and upcoming
notices and days without an unplanned outage (#14), open complaints awaiting the manager (#15).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import OPEN_STATUSES, Kind, Status
from bot.domain.opentime import OpenTime, span_of
from bot.domain.sla import verdicts
from bot.services.digest.features import FEATURE_SECTIONS
from bot.services.digest.model import ITEMS_KEPT, RANKS, Provider, Scope, Section, SectionSource
from bot.services.formatting import fmt_time
from bot.services.inquiries.reading import span
from storage.models import Inquiry
from storage.repos.digest import TeamRow, list_team_window, list_unassigned

# the types live in .model (the features' sections use them too); callers read them here
__all__ = ["ITEMS_KEPT", "RANKS", "SECTIONS", "Provider", "Scope", "Section", "SectionSource"]
OPEN = sorted(s.value for s in OPEN_STATUSES)


def item(inquiry: Inquiry | TeamRow, note_key: str = "", **note: Any) -> dict[str, Any]:
    """One line of a section: the inquiry, its assignee, a note, and what it links to."""
    return {
        "ref": f"#{inquiry.number}",
        "title": inquiry.title,
        "who": inquiry.assignee_id or "",
        "note_key": note_key,
        "note": note,
        "object": ["inquiry", inquiry.id],
    }


async def team_rows(session: AsyncSession, scope: Scope) -> list[TeamRow]:
    """The team's open inquiries and those opened or resolved since the last digest, read
    once per digest in one query (the sections classify them)."""
    if "rows" not in scope.cache:
        scope.cache["rows"] = await list_team_window(
            session, assignee_ids=scope.members, statuses=OPEN, since=scope.since, until=scope.now
        )
    found: list[TeamRow] = scope.cache["rows"]
    return found


async def team_open(session: AsyncSession, scope: Scope) -> list[TeamRow]:
    """The team's open inquiries, by deadline (no deadline last)."""
    if "open" not in scope.cache:
        rows = [i for i in await team_rows(session, scope) if i.status in OPEN]
        rows.sort(key=lambda i: (i.deadline_at is None, i.deadline_at or scope.now, i.number))
        scope.cache["open"] = rows
    found: list[TeamRow] = scope.cache["open"]
    return found


def open_time(deps: Deps, scope: Scope, moments: list[datetime]) -> OpenTime:
    """The run's open-time index, grown when these moments fall outside it (shared by every
    manager of one run: most inquiries fall inside the span of the first ones)."""
    index: OpenTime | None = scope.shared.get("open_time")
    wanted = [min(moments, default=scope.now), max(moments, default=scope.now), scope.now]
    if index is None or not all(index.covers(m) for m in wanted):
        if index is not None:
            wanted += [
                datetime.combine(index.first, time(12), deps.tz),
                datetime.combine(index.last, time(12), deps.tz),
            ]
        index = span_of(deps.calendar, wanted)
        scope.shared["open_time"] = index
    return index


def _running(rows: list[TeamRow]) -> list[TeamRow]:
    return [i for i in rows if i.status != Status.ON_HOLD and i.deadline_at is not None]


def _section(
    key: str, rows: list[TeamRow], make: Callable[[TeamRow], dict[str, Any]], **params: Any
) -> Section | None:
    """A section of these rows: items made for the first ITEMS_KEPT only, all counted."""
    if not rows:
        return None
    return Section(key, [make(i) for i in rows[:ITEMS_KEPT]], len(rows), params)


async def overdue(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Open inquiries past their deadline: how long overdue, who."""
    rows = [i for i in _running(await team_open(session, scope)) if i.deadline_at <= scope.now]  # type: ignore[operator]
    return _section(
        "overdue",
        rows,
        lambda i: item(i, "digest.note.overdue_by", span=span(scope.now - i.deadline_at)),  # type: ignore[operator]
    )


def _end_of_day(scope: Scope) -> datetime:
    return datetime.combine(scope.day + timedelta(days=1), time(0), scope.zone)


async def due_today(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Open inquiries whose deadline falls later today (the manager's day)."""
    end = _end_of_day(scope)
    rows = [
        i
        for i in _running(await team_open(session, scope))
        if scope.now < i.deadline_at < end  # type: ignore[operator]
    ]
    return _section(
        "due_today", rows, lambda i: item(i, "digest.note.due_at", at=fmt_time(i.deadline_at, deps))
    )


async def at_risk(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Open inquiries past the approaching mark, due after today."""
    end = _end_of_day(scope)
    later = [i for i in _running(await team_open(session, scope)) if i.deadline_at >= end]  # type: ignore[operator]
    if not later:
        return None
    index = open_time(deps, scope, [m for i in later for m in (i.sla_start_at, i.deadline_at) if m])
    rows = [
        i
        for i in later
        if index.at_risk(
            start=i.sla_start_at,
            deadline=i.deadline_at,  # type: ignore[arg-type]
            now=scope.now,
            approaching=deps.policy.approaching,
        )
    ]
    return _section(
        "at_risk", rows, lambda i: item(i, "digest.note.due_at", at=fmt_time(i.deadline_at, deps))
    )


async def unassigned(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Open inquiries nobody took (the shared triage queue: every manager sees it)."""
    if "unassigned" not in scope.shared:
        scope.shared["unassigned"] = await list_unassigned(session, statuses=OPEN, limit=ITEMS_KEPT)
    rows, total = scope.shared["unassigned"]
    if not total:
        return None
    items = [item(i, "digest.note.waiting_since", at=fmt_time(i.created_at, deps)) for i in rows]
    return Section("unassigned", items, total)


async def on_hold(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Inquiries waiting for the customer (their clock is paused)."""
    rows = [i for i in await team_open(session, scope) if i.status == Status.ON_HOLD]
    return _section(
        "on_hold",
        rows,
        lambda i: item(i, "digest.note.held_since", at=fmt_time(i.hold_started_at, deps)),
    )


async def new_since(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """What the team was given since the last digest."""
    rows = [i for i in await team_rows(session, scope) if scope.since <= i.created_at < scope.now]
    rows.sort(key=lambda i: i.number)
    return _section("new", rows, item)


def met_sla(inquiry: Inquiry | TeamRow, deps: Deps) -> bool | None:
    """Whether a resolved inquiry kept every promise it had a deadline for (None: none had)."""
    assert inquiry.resolved_at is not None
    judged = [
        v
        for v in verdicts(
            kind=Kind(inquiry.kind),
            start=inquiry.sla_start_at,
            first_response_at=inquiry.first_response_at,
            eta_at=inquiry.eta_at,
            due_end=inquiry.due_date,
            resolved_at=inquiry.resolved_at,
            cal=deps.calendar,
            policy=deps.policy,
        )
        if v.has_deadline
    ]
    return all(v.late is None for v in judged) if judged else None


async def resolved_since(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """What the team resolved since the last digest, with the share that met its SLA."""
    rows = [
        i
        for i in await team_rows(session, scope)
        if i.resolved_at is not None and scope.since <= i.resolved_at < scope.now
    ]
    if not rows:
        return None
    rows.sort(key=lambda i: i.number)
    results = [met_sla(i, deps) for i in rows]
    judged = [r for r in results if r is not None]
    share = round(100 * sum(judged) / len(judged)) if judged else None
    items = [
        item(i, "digest.note.met" if ok else "digest.note.late" if ok is False else "")
        for i, ok in zip(rows[:ITEMS_KEPT], results[:ITEMS_KEPT], strict=True)
    ]
    return Section(
        "resolved" if share is not None else "resolved_unjudged",
        items,
        len(rows),
        {"share": share if share is not None else 0},
    )


# The features' sections import this module's types: imported once those exist.

SECTIONS: tuple[SectionSource, ...] = (
    SectionSource(RANKS["overdue"], overdue),
    SectionSource(RANKS["due_today"], due_today),
    SectionSource(RANKS["at_risk"], at_risk),
    SectionSource(RANKS["unassigned"], unassigned),
    SectionSource(RANKS["on_hold"], on_hold),
    SectionSource(RANKS["new"], new_since),
    SectionSource(RANKS["resolved"], resolved_since),
    # visits_today (#12), callbacks_missed (#13), notices and outage_free_days (#14),
    # complaints_open (#15): bot.services.digest.features
    *FEATURE_SECTIONS,
)


async def build_sections(
    session: AsyncSession,
    deps: Deps,
    scope: Scope,
    sources: tuple[SectionSource, ...] = SECTIONS,
) -> list[Section]:
    """Every non-empty section of a scope, most urgent first."""
    out: list[Section] = []
    for source in sorted(sources, key=lambda s: s.rank):
        section = await source.provider(session, deps, scope)
        if section is not None and (section.total or section.always):
            out.append(section)
    return out
