"""The digest's sections: a registry of providers, each `async (session, deps, scope) ->
Section | None`, most urgent first.

A feature adds its own section by adding one `SectionSource` to `SECTIONS` (its `rank` puts
it among the others). This module's providers cover the inquiries (C2/C3/C4/C5/C12); the
charter features' sections (bot.services.digest.features) take the ranks after them (see
RANKS): today's visitors and field visits (#12), callbacks missed (#13), running and upcoming
notices and days without an unplanned outage (#14), open complaints awaiting the manager (#15).

The scheduler builds the digests of many managers at once (`build_digests`, one transaction
per batch). A source may then give a `load`: `async (session, deps, scopes) -> None`, which
reads what its provider needs for EVERY scope of the batch in one query and leaves each
scope's share in `scope.cache` (or, when it is the same for everyone, in `scope.shared`, which
every scope of a run shares). Loaders run once per batch before any provider; several sources
may name the same loader (it runs once). A provider must still work alone (`/digest`, the
dashboard): it reads for its one scope when the cache lacks its key. Providers do no I/O
when their loader ran, so a batch of N digests costs one query per loader, not N.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import OPEN_STATUSES, Status
from bot.domain.opentime import OpenTime, span_of
from bot.i18n import When
from bot.services.digest.features import FEATURE_SECTIONS
from bot.services.digest.model import (
    ITEMS_KEPT,
    RANKS,
    Loader,
    Provider,
    Scope,
    Section,
    SectionSource,
)
from bot.services.inquiries.reading import resolved_verdicts, span
from storage.models import Inquiry
from storage.repos.digest import TeamRow, list_team_window, list_unassigned

# the types live in .model (the features' sections use them too); callers read them here
__all__ = [
    "ITEMS_KEPT",
    "RANKS",
    "SECTIONS",
    "Loader",
    "Provider",
    "Scope",
    "Section",
    "SectionSource",
]
OPEN_SET = frozenset(s.value for s in OPEN_STATUSES)


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


async def load_team_rows(session: AsyncSession, deps: Deps, scopes: Sequence[Scope]) -> None:
    """Every scope's team rows (`team_rows`) in one query: the open inquiries of all their
    people, and those opened or resolved within the widest window; each scope keeps its own
    people's rows within its own window."""
    if not scopes:
        return
    since = min(s.since for s in scopes)
    until = max(s.now for s in scopes)
    people = {m for s in scopes for m in s.members}
    rows = await list_team_window(session, assignee_ids=sorted(people), since=since, until=until)
    by_person: dict[str | None, list[TeamRow]] = defaultdict(list)
    for row in rows:
        by_person[row.assignee_id].append(row)
    for scope in scopes:
        mine = [row for m in scope.members for row in by_person.get(m, ())]
        if scope.since != since or scope.now != until:
            lo, hi = scope.since, scope.now
            mine = [
                i
                for i in mine
                if i.status in OPEN_SET
                or lo <= i.created_at < hi
                or (i.resolved_at is not None and lo <= i.resolved_at < hi)
            ]
        scope.cache["rows"] = mine


async def team_rows(session: AsyncSession, scope: Scope) -> list[TeamRow]:
    """The team's open inquiries and those opened or resolved since the last digest, read
    once per digest in one query (the sections classify them)."""
    if "rows" not in scope.cache:
        scope.cache["rows"] = await list_team_window(
            session, assignee_ids=scope.members, since=scope.since, until=scope.now
        )
    found: list[TeamRow] = scope.cache["rows"]
    return found


_BY_DEADLINE = itemgetter(TeamRow._fields.index("deadline_at"), TeamRow._fields.index("number"))
_BY_NUMBER = itemgetter(TeamRow._fields.index("number"))


async def team_open(session: AsyncSession, scope: Scope) -> list[TeamRow]:
    """The team's open inquiries, by deadline (no deadline last)."""
    if "open" not in scope.cache:
        rows = [i for i in await team_rows(session, scope) if i.status in OPEN_SET]
        timed = [i for i in rows if i.deadline_at is not None]
        timed.sort(key=_BY_DEADLINE)
        untimed = [i for i in rows if i.deadline_at is None]
        untimed.sort(key=_BY_NUMBER)
        scope.cache["open"] = timed + untimed
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


def _when(moment: datetime | None, deps: Deps, scope: Scope) -> When | str:
    """`fmt_time(moment, deps)`, with the company's today worked out once per digest."""
    if moment is None:
        return "-"
    today: date | None = scope.cache.get("today")
    if today is None:
        today = scope.cache["today"] = deps.clock.now().astimezone(deps.tz).date()
    return When(moment, deps.tz, today=today)


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
    """The end of the manager's day, in UTC like the rows (a plain comparison)."""
    return datetime.combine(scope.day + timedelta(days=1), time(0), scope.zone).astimezone(UTC)


async def due_today(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Open inquiries whose deadline falls later today (the manager's day)."""
    end = _end_of_day(scope)
    rows = [
        i
        for i in _running(await team_open(session, scope))
        if scope.now < i.deadline_at < end  # type: ignore[operator]
    ]
    return _section(
        "due_today",
        rows,
        lambda i: item(i, "digest.note.due_at", at=_when(i.deadline_at, deps, scope)),
    )


async def at_risk(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Open inquiries past the approaching mark, due after today."""
    end = _end_of_day(scope)
    later = [i for i in _running(await team_open(session, scope)) if i.deadline_at >= end]  # type: ignore[operator]
    if not later:
        return None
    windows: list[tuple[datetime, datetime]] = [(i.sla_start_at, i.deadline_at) for i in later]  # type: ignore[misc]
    starts = [w[0] for w in windows]
    # `later` runs by deadline: its first and last deadlines bound them all
    bounds = [min(starts), max(starts), windows[0][1], windows[-1][1]]
    index = open_time(deps, scope, bounds)
    risky = index.at_risk_many(windows, now=scope.now, approaching=deps.policy.approaching)
    rows = [i for i, yes in zip(later, risky, strict=True) if yes]
    return _section(
        "at_risk",
        rows,
        lambda i: item(i, "digest.note.due_at", at=_when(i.deadline_at, deps, scope)),
    )


async def unassigned(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Open inquiries nobody took (the shared triage queue: every manager sees it)."""
    if "unassigned" not in scope.shared:
        scope.shared["unassigned"] = await list_unassigned(session, limit=ITEMS_KEPT)
    rows, total = scope.shared["unassigned"]
    if not total:
        return None
    items = [
        item(i, "digest.note.waiting_since", at=_when(i.created_at, deps, scope)) for i in rows
    ]
    return Section("unassigned", items, total)


async def on_hold(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Inquiries waiting for the customer (their clock is paused)."""
    rows = [i for i in await team_open(session, scope) if i.status == Status.ON_HOLD]
    return _section(
        "on_hold",
        rows,
        lambda i: item(i, "digest.note.held_since", at=_when(i.hold_started_at, deps, scope)),
    )


async def new_since(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """What the team was given since the last digest."""
    rows = [i for i in await team_rows(session, scope) if scope.since <= i.created_at < scope.now]
    rows.sort(key=lambda i: i.number)
    return _section("new", rows, item)


def met_sla(inquiry: Inquiry | TeamRow, deps: Deps) -> bool | None:
    """Whether a resolved inquiry kept every promise it had a deadline for (None: none had)."""
    judged = [v for v in resolved_verdicts(inquiry, deps) if v.has_deadline]
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
    SectionSource(RANKS["overdue"], overdue, load_team_rows),
    SectionSource(RANKS["due_today"], due_today, load_team_rows),
    SectionSource(RANKS["at_risk"], at_risk, load_team_rows),
    SectionSource(RANKS["unassigned"], unassigned),  # once a run, in scope.shared
    SectionSource(RANKS["on_hold"], on_hold, load_team_rows),
    SectionSource(RANKS["new"], new_since, load_team_rows),
    SectionSource(RANKS["resolved"], resolved_since, load_team_rows),
    # visits_today (#12), callbacks_missed (#13), notices and outage_free_days (#14),
    # complaints_open (#15): bot.services.digest.features
    *FEATURE_SECTIONS,
)


async def build_digests(
    session: AsyncSession,
    deps: Deps,
    scopes: Sequence[Scope],
    sources: tuple[SectionSource, ...] = SECTIONS,
) -> list[list[Section]]:
    """Every non-empty section of each scope, most urgent first: each distinct loader once
    for all the scopes, then the providers scope by scope."""
    ordered = sorted(sources, key=lambda s: s.rank)
    for load in dict.fromkeys(s.load for s in ordered if s.load is not None):
        await load(session, deps, scopes)
    out: list[list[Section]] = []
    for scope in scopes:
        sections: list[Section] = []
        for source in ordered:
            section = await source.provider(session, deps, scope)
            if section is not None and (section.total or section.always):
                sections.append(section)
        out.append(sections)
    return out


async def build_sections(
    session: AsyncSession,
    deps: Deps,
    scope: Scope,
    sources: tuple[SectionSource, ...] = SECTIONS,
) -> list[Section]:
    """Every non-empty section of a scope, most urgent first."""
    return (await build_digests(session, deps, [scope], sources))[0]
