"""The charter features' dashboard panels (bot.services.dashboard registers them).

Staff: my visits and field visits today (#12), my callbacks (#13). Managers: today's
visitors of the team (#12), complaints awaiting review (#15). Receptionists: today's visits
by status, rooms now, badges and IDs still out (#12). Each reads with one query (a day's
visits, the person's live callbacks, the complaints awaiting review, the unreturned items).

Each provider takes the viewer's id and returns a FeaturePanel. A panel's rows are digest-like items (`ref`, `title`, `who`, `note_key`, `note`) unless its
key says otherwise (`desk_visits`: counts by status; `rooms`: one line per room).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.visits import VisitStatus
from bot.services.digest.features import AWAITING, NOT_VISITING
from bot.services.feedback_common import manager_of
from bot.services.formatting import fmt_time
from bot.services.visits.checkout import outstanding
from bot.services.visits.fieldvisits import staff_of
from bot.services.visits.rooms import room_board
from storage.repos.agenda import (
    list_complaints_awaiting,
    list_field_visits_between,
    list_open_callbacks,
    list_visits_between,
)
from storage.repos.visits import list_unreturned

PANEL_ROWS = 8  # rows a list panel carries; the rest is counted
LIVE_CALLBACKS = ("open", "claimed")
# panels whose rows are items (ref, title, who, note): rendered as lines of the digest's form
ITEM_PANELS = frozenset(
    {"my_visits", "my_callbacks", "team_visitors", "complaints_review", "items_out"}
)


@dataclass(frozen=True)
class FeaturePanel:
    """What a feature's panel shows (bot.services.dashboard makes it a Panel)."""

    key: str
    rows: list[dict[str, Any]]
    total: int = 0
    params: dict[str, Any] = field(default_factory=dict)


FeatureProvider = Callable[[AsyncSession, Deps, str], Awaitable[FeaturePanel | None]]


def _panel(key: str, rows: list[dict[str, Any]], **params: Any) -> FeaturePanel:
    return FeaturePanel(key, rows[:PANEL_ROWS], len(rows), params)


def _today(deps: Deps) -> tuple[datetime, datetime]:
    day = deps.clock.now().astimezone(deps.tz).date()
    start = datetime.combine(day, time(0), deps.tz)
    return start, start + timedelta(days=1)


def _visit_item(v: Any, deps: Deps) -> dict[str, Any]:
    return {
        "ref": f"V{v.id}",
        "title": v.visitor + (f" · {v.company}" if v.company else ""),
        "who": v.host_id,
        "note_key": "dash.note.visit",
        "note": {
            "at": fmt_time(v.visit_at, deps),
            "status": {"key": f"visit.status.{v.status}"},
            "room": v.room or "-",
        },
    }


def _field_item(f: Any, deps: Deps) -> dict[str, Any]:
    return {
        "ref": f"F{f.id}",
        "title": f.customer,
        "who": "",
        "note_key": "digest.note.fieldvisit_at",
        "note": {"at": fmt_time(f.visit_at, deps)},
    }


async def my_visits(session: AsyncSession, deps: Deps, viewer: str) -> FeaturePanel | None:
    """Staff: the visitors I host today and my field visits today, soonest first."""
    start, end = _today(deps)
    me = deps.config.ids_of(viewer)
    visits = await list_visits_between(session, since=start, until=end, host_ids=me)
    field = await list_field_visits_between(session, since=start, until=end, statuses=["planned"])
    lines = [(v.visit_at, _visit_item(v, deps)) for v in visits if v.status not in NOT_VISITING]
    lines += [(f.visit_at, _field_item(f, deps)) for f in field if set(staff_of(f)) & set(me)]
    lines.sort(key=lambda line: line[0])
    return _panel("my_visits", [item for _at, item in lines])


async def my_callbacks(session: AsyncSession, deps: Deps, viewer: str) -> FeaturePanel | None:
    """Staff: the callbacks I own or claimed that are not called back yet, oldest first."""
    me = deps.config.ids_of(viewer)
    rows = await list_open_callbacks(session, people=me, states=LIVE_CALLBACKS)
    items = [
        {
            "ref": f"CB{cb.id}",
            "title": cb.topic or cb.company or "-",
            "who": "",
            "note_key": "dash.note.callback_claimed"
            if cb.state == "claimed"
            else "dash.note.callback_open",
            "note": {"at": fmt_time(cb.start_at, deps), "claimed_user": cb.claimed_by or "-"},
        }
        for cb in rows
    ]
    return _panel("my_callbacks", items)


async def team_visitors(session: AsyncSession, deps: Deps, viewer: str) -> FeaturePanel | None:
    """Managers: today's visitors of the team's hosts, soonest first."""
    start, end = _today(deps)
    teams = deps.config.teams_managed_by(viewer)
    hosts = sorted(
        {i for t in teams for m in (*t.members, t.manager) for i in deps.config.ids_of(m)}
    )
    visits = await list_visits_between(session, since=start, until=end, host_ids=hosts)
    items = [_visit_item(v, deps) for v in visits if v.status not in NOT_VISITING]
    return _panel("team_visitors", items)


async def complaints_review(session: AsyncSession, deps: Deps, viewer: str) -> FeaturePanel | None:
    """Managers: complaints about their people that await their decision or action."""
    rows = await list_complaints_awaiting(session, statuses=AWAITING)
    now = deps.clock.now()
    items = []
    for c in rows:
        reviewer = c.manager_id or manager_of(deps, c.staff_id)
        if not reviewer or not deps.config.same_person(viewer, reviewer):
            continue
        items.append(
            {
                "ref": f"K{c.id}",
                "title": "",
                "who": c.staff_id,
                "note_key": "digest.note.complaint_overdue"
                if c.status == "open" and c.review_due_at <= now
                else f"complaint.status.{c.status}",
                "note": {"at": fmt_time(c.review_due_at, deps)},
            }
        )
    return _panel("complaints_review", items)


async def desk_visits(session: AsyncSession, deps: Deps, viewer: str) -> FeaturePanel | None:
    """Receptionists: today's visits counted by status."""
    start, end = _today(deps)
    visits = await list_visits_between(session, since=start, until=end)
    counts = {s.value: 0 for s in VisitStatus}
    for v in visits:
        counts[v.status] = counts.get(v.status, 0) + 1
    rows = [{"key": f"visit.status.{k}", "count": n} for k, n in counts.items() if n]
    return FeaturePanel("desk_visits", rows, len(visits))


async def rooms_now(session: AsyncSession, deps: Deps, viewer: str) -> FeaturePanel | None:
    """Receptionists: each reception room's state now (none configured nor booked: no panel)."""
    day = deps.clock.now().astimezone(deps.tz).date()
    lines = await room_board(session, deps, day)
    if not lines:
        return None
    rows = [
        {
            "room": line.name,
            "key": f"visit.room.state.{line.state}",
            "number": line.visit or 0,
            "minutes": line.waiting_minutes,
        }
        for line in lines
    ]
    return _panel("rooms", rows)


async def items_out(session: AsyncSession, deps: Deps, viewer: str) -> FeaturePanel | None:
    """Receptionists: visits whose access badge or ID is still out (arrived before now)."""
    rows = await list_unreturned(session, arrived_before=deps.clock.now())
    items = []
    for v in rows:
        badge_out, id_out = outstanding(v)
        items.append(
            {
                "ref": f"V{v.id}",
                "title": v.visitor,
                "who": v.host_id,
                "note_key": "dash.note.items_out",
                "note": {
                    "badge": v.badge if badge_out else "-",
                    "slot": v.slot if id_out and v.slot else "-",
                    "status": {"key": f"visit.status.{v.status}"},
                },
            }
        )
    return _panel("items_out", items)
