"""The digest sections of the charter features: today's visitors and field visits of the
team (#12), callbacks missed since the last digest (#13), running and upcoming notices and
days without an unplanned outage (#14), complaints awaiting the manager (#15).

Each section reads with one query: per team (the team's callbacks, on the owner index), or
once per digest run for every manager (a day's visits, the open notices, complaints awaiting
review, the uptime), kept in `scope.shared` and filtered per team here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.callbacks import within_sla
from bot.domain.durations import parse_duration
from bot.domain.feedback import ComplaintStatus, awaiting_manager
from bot.domain.visits import VisitStatus
from bot.ports import Platform
from bot.services.digest.model import ITEMS_KEPT, RANKS, Scope, Section, SectionSource
from bot.services.feedback_common import manager_of
from bot.services.formatting import fmt_time
from bot.services.notices import current_notices, post_ref, role_channels
from bot.services.outages import uptime
from bot.services.refs import CARD, permalinks
from bot.services.visits.fieldvisits import staff_of
from storage.models import FieldVisit, Visit
from storage.repos.agenda import (
    list_callbacks_started,
    list_complaints_awaiting,
    list_field_visits_between,
    list_visits_between,
)
from storage.repos.notices import first_outage_at

T = TypeVar("T")

UPCOMING_NOTICE_DAYS = 7  # planned notices starting within this many days are "upcoming"
NOT_VISITING = (VisitStatus.CANCELLED.value, VisitStatus.NO_SHOW.value)
AWAITING = tuple(s.value for s in ComplaintStatus if awaiting_manager(s))


def _day_bounds(scope: Scope) -> tuple[datetime, datetime]:
    start = datetime.combine(scope.day, time(0), scope.zone)
    return start, datetime.combine(scope.day + timedelta(days=1), time(0), scope.zone)


async def _shared(scope: Scope, key: str, read: Callable[[], Awaitable[T]]) -> T:
    """A read shared by every manager of one run (the same key: the same rows)."""
    if key not in scope.shared:
        scope.shared[key] = await read()
    found: T = scope.shared[key]
    return found


def _section(key: str, items: list[dict[str, Any]], **params: Any) -> Section | None:
    if not items:
        return None
    return Section(key, items[:ITEMS_KEPT], len(items), params)


async def visits_today(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """The team's visitors and field visits of the manager's day, soonest first."""
    start, end = _day_bounds(scope)
    visits, field = await _shared(
        scope,
        f"visits:{start.isoformat()}",
        lambda: _day_visits(session, start, end),
    )
    people = set(scope.members)
    lines: list[tuple[datetime, dict[str, Any]]] = []
    for v in visits:
        if v.host_id not in people:
            continue
        title = v.visitor + (f" · {v.company}" if v.company else "")
        lines.append(
            (
                v.visit_at,
                {
                    "ref": f"V{v.id}",
                    "title": title,
                    "who": v.host_id,
                    "note_key": f"digest.note.visit_{'walkin' if v.walkin else 'at'}",
                    "note": {"at": fmt_time(v.visit_at, deps), "status": v.status},
                    "object": ["visit", v.id],
                },
            )
        )
    for f in field:
        staff = [s for s in staff_of(f) if s in people]
        if not staff:
            continue
        lines.append(
            (
                f.visit_at,
                {
                    "ref": f"F{f.id}",
                    "title": f.customer,
                    "who": staff[0],
                    "note_key": "digest.note.fieldvisit_at",
                    "note": {"at": fmt_time(f.visit_at, deps)},
                    "object": ["fieldvisit", f.id],
                },
            )
        )
    lines.sort(key=lambda line: line[0])
    return _section("visits_today", [item for _at, item in lines])


async def _day_visits(
    session: AsyncSession, start: datetime, end: datetime
) -> tuple[list[Visit], list[FieldVisit]]:
    visits = await list_visits_between(session, since=start, until=end)
    field = await list_field_visits_between(session, since=start, until=end, statuses=["planned"])
    return [v for v in visits if v.status not in NOT_VISITING], field


CALLBACKS_STARTED = "callbacks_started"  # scope.cache key: the team's callbacks of the window


async def load_callbacks(session: AsyncSession, deps: Deps, scopes: Sequence[Scope]) -> None:
    """The callbacks of every scope of a batch in one query (the union of their people and
    windows), each scope's own share left in its cache (see callbacks_missed)."""
    if not scopes:
        return
    budget = parse_duration(deps.config.sla.callback).wall
    rows = await list_callbacks_started(
        session,
        since=min(s.since for s in scopes) - budget,
        until=max(s.now for s in scopes),
        owner_ids=sorted({m for s in scopes for m in s.members}),
    )
    for scope in scopes:
        members = set(scope.members)
        scope.cache[CALLBACKS_STARTED] = [
            cb
            for cb in rows
            if cb.owner_id in members and scope.since - budget <= cb.start_at < scope.now
        ]


async def callbacks_missed(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """The team's callbacks whose `sla.callback` ran out since the last digest without a
    call back in it (called back late, or not at all); one still inside it is not missed yet.
    One query for the team, on the owner index."""
    budget = parse_duration(deps.config.sla.callback).wall
    rows = scope.cache.get(CALLBACKS_STARTED)
    if rows is None:  # alone (`/digest`, a dashboard): read for this team
        rows = await list_callbacks_started(
            session, since=scope.since - budget, until=scope.now, owner_ids=scope.members
        )
    items = []
    for cb in rows:
        due = cb.start_at + budget
        # missed when its time ran out in (since, now]: each digest tells of it once
        if due <= scope.since or due > scope.now:
            continue
        if within_sla(cb.start_at, cb.called_back_at, budget):
            continue
        if cb.called_back_at is None:
            note_key, note = "digest.note.not_called_back", {}
        else:
            minutes = int((cb.called_back_at - cb.start_at).total_seconds() // 60)
            note_key, note = "digest.note.called_back_after", {"minutes": minutes}
        items.append(
            {
                "ref": f"CB{cb.id}",
                "title": cb.topic or cb.company or "-",
                "who": cb.owner_id,
                "note_key": note_key,
                "note": note,
                "object": ["callback", cb.id],
            }
        )
    return _section("callbacks_missed", items, minutes=int(budget.total_seconds() // 60))


async def notices(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Running notices, and planned ones starting within UPCOMING_NOTICE_DAYS (for everyone:
    an interruption concerns every team)."""
    rows = await _shared(scope, "notices", lambda: current_notices(session, deps))
    horizon = scope.now + timedelta(days=UPCOMING_NOTICE_DAYS)
    items = []
    for n in rows:
        running = n.status == "running"
        if not running and n.start_at > horizon:
            continue
        items.append(
            {
                "ref": f"N{n.id}",
                "title": n.title,
                "who": "",
                "note_key": "digest.note.notice_running" if running else "digest.note.notice_from",
                "note": {"start": fmt_time(n.start_at, deps), "end": fmt_time(n.end_at, deps)},
                "object": ["notice", n.id],
            }
        )
    return _section("notices", items)


async def outage_free_days(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Days without an unplanned outage (once outages are being recorded), with the outages
    still open as its items."""

    async def read() -> Any:
        if await first_outage_at(session) is None:
            return None
        return await uptime(session, deps, now=scope.now)

    up = await _shared(scope, f"uptime:{scope.day.isoformat()}", read)
    if up is None:
        return None
    items = [
        {
            "ref": f"O{o['number']}",
            "title": o.get("title", ""),
            "who": "",
            "note_key": "digest.note.outage_since",
            "note": {"at": o["start"], "duration": o["duration"]},
            "object": ["outage", o["number"]],
        }
        for o in up.open
    ]
    return Section(
        "outage_free_days",
        items[:ITEMS_KEPT],
        len(items),
        {"days": up.streak, "availability": f"{up.overall:.2f}"},
        always=True,
    )


async def complaints_open(session: AsyncSession, deps: Deps, scope: Scope) -> Section | None:
    """Complaints about the team's people that await the manager's decision or corrective
    action (restricted: only the manager recorded on the case, or the staff's manager now)."""
    rows = await _shared(
        scope, "complaints", lambda: list_complaints_awaiting(session, statuses=AWAITING)
    )
    mine = []
    for c in rows:
        reviewer = c.manager_id or manager_of(deps, c.staff_id)
        if not reviewer or not deps.config.same_person(scope.manager_id, reviewer):
            continue
        overdue = c.status == ComplaintStatus.OPEN and c.review_due_at <= scope.now
        mine.append(
            {
                "ref": f"K{c.id}",
                "title": "",
                "who": c.staff_id,
                "note_key": (
                    "digest.note.complaint_overdue"
                    if overdue
                    else "digest.note.complaint_review"
                    if c.status == ComplaintStatus.OPEN
                    else "digest.note.complaint_action"
                ),
                "note": {"at": fmt_time(c.review_due_at, deps)},
                "object": ["complaint", c.id],
            }
        )
    return _section("complaints_open", mine)


FEATURE_SECTIONS: tuple[SectionSource, ...] = (
    SectionSource(RANKS["visits_today"], visits_today),
    SectionSource(RANKS["callbacks_missed"], callbacks_missed, load_callbacks),
    SectionSource(RANKS["notices"], notices),
    SectionSource(RANKS["outage_free_days"], outage_free_days),
    SectionSource(RANKS["complaints_open"], complaints_open),
)

# Sections never shown in the team summary posted to the reports channel: complaints are
# restricted to the staff member's manager and the admins.
PRIVATE_SECTIONS = frozenset({"complaints_open"})
# The kinds of objects whose items link to their card (a stored message reference).
LINKED_KINDS = ("inquiry", "notice", "outage")


def item_key(item: dict[str, Any]) -> str:
    """The catalogue key of an item's line: with or without a person, with or without a
    title (a complaint shows no text in a digest)."""
    if not item.get("title"):
        return "digest.item_untitled" if item.get("who") else "digest.item_ref"
    return "digest.item" if item.get("who") else "digest.item_unassigned"


def note_params(item: dict[str, Any], word: Callable[[str], Any]) -> dict[str, Any]:
    """An item's note parameters; a `{"key": …}` value is a catalogue word (a status), put
    in by `word` in the reader's language."""
    return {
        name: word(str(value["key"])) if isinstance(value, dict) and "key" in value else value
        for name, value in (item.get("note") or {}).items()
    }


def item_object(item: dict[str, Any]) -> tuple[str, int] | None:
    """The (kind, id) an item stands for, or None."""
    obj = item.get("object") or []
    if len(obj) != 2 or obj[1] is None:
        return None
    return str(obj[0]), int(obj[1])


def link_of(links: dict[Any, str], item: dict[str, Any]) -> str:
    """The card link of an item: by (kind, id); a plain id is an inquiry's."""
    obj = item_object(item)
    if obj is None:
        return ""
    return links.get(obj) or (links.get(obj[1], "") if obj[0] == "inquiry" else "")


async def digest_links(deps: Deps, payload: dict[str, Any], platform: Platform) -> dict[Any, str]:
    """The stored card links of a digest's items on a platform, by (kind, id): one read per
    kind of object that has cards (inquiries, notices, outages)."""
    wanted: dict[str, set[int]] = {}
    for sec in payload.get("sections") or []:
        for item in sec.get("items") or []:
            obj = item_object(item)
            if obj is not None and obj[0] in LINKED_KINDS:
                wanted.setdefault(obj[0], set()).add(obj[1])
    links: dict[Any, str] = {}
    if not wanted:
        return links
    # an inquiry's card; a notice's or outage's first post in the platform's first notice channel
    channels = role_channels(deps, platform, "notices")
    posted = post_ref(channels[0]) if channels else CARD
    async with deps.reads() as session:
        for kind, ids in wanted.items():
            ref = CARD if kind == "inquiry" else posted
            for object_id, link in (await permalinks(session, kind, ids, ref, platform)).items():
                links[(kind, object_id)] = link
    return links
