"""Dashboards per role (Slack App Home, the Teams `home` card): a registry of panels.

Each panel is `async (session, deps, viewer) -> Panel | None` registered for the roles that
see it. Today: the manager's team board (inquiries), the admin's delivery failures (with
retry and discard), configuration summary with `check-config` warnings, and versions. The
staff's inquiry lists are the Home lists (bot.services.inquiries.home_lists). The features'
panels (bot.services.dashboard_panels): staff "my visits and field visits today" (#12), "my
callbacks" (#13); managers "today's visitors" (#12), "complaints awaiting review" (#15);
receptionists "today's visits by status", "rooms now", "badges and IDs still out" (#12).
"""

from __future__ import annotations

import platform as py_platform
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import config_warnings
from bot.deps import Deps
from bot.domain.inquiry import Actor, Status
from bot.errors import Forbidden
from bot.services import dashboard_panels as panels
from bot.services.digest.run import current_moment, scope_of, zone_of
from bot.services.digest.sections import open_time, team_open
from bot.services.home_refresh import refresh_for_admins
from bot.services.inquiries.reading import home_lists
from bot.services.results import Said
from storage.repos.outbox import (
    count_outbox,
    discard_failed_outbox,
    list_failed_outbox,
    retry_failed_outbox,
)

Role = Literal["staff", "manager", "receptionist", "admin"]
FAILED_ROWS = 10  # failed deliveries listed with their buttons


@dataclass(frozen=True)
class Viewer:
    """Who opens a dashboard, and in which roles."""

    user_id: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class Panel:
    """One panel: its catalogue key (`dash.panel.<key>`), lines of neutral data, a total."""

    key: str
    rows: list[dict[str, Any]]
    total: int = 0
    params: dict[str, Any] = field(default_factory=dict)


PanelProvider = Callable[[AsyncSession, Deps, Viewer], Awaitable[Panel | None]]


@dataclass(frozen=True)
class PanelSource:
    """A registered panel: the roles that see it, in the order they are listed."""

    roles: frozenset[Role]
    provider: PanelProvider


def roles_of(deps: Deps, user_id: str) -> frozenset[Role]:
    """The dashboard roles of a person (by any of their ids)."""
    roles: set[Role] = set()
    if deps.is_staff(user_id):
        roles.add("staff")
    if deps.config.teams_managed_by(user_id):
        roles.add("manager")
    if deps.config.is_receptionist(user_id):
        roles.add("receptionist")
    if deps.config.is_admin(user_id):
        roles.add("admin")
    return frozenset(roles)


async def team_board(session: AsyncSession, deps: Deps, viewer: Viewer) -> Panel | None:
    """Counts of the team's open inquiries by state, overdue and at risk."""
    now = deps.clock.now()
    zone = await zone_of(deps, viewer.user_id)  # their own day, as their digest counts it
    scope = scope_of(deps, viewer.user_id, current_moment(deps, now, zone), now, zone)
    rows = await team_open(session, scope)
    counts: dict[str, int] = {
        s.value: 0 for s in Status if s not in (Status.RESOLVED, Status.CLOSED)
    }
    overdue = at_risk = 0
    running = [i for i in rows if i.status != Status.ON_HOLD and i.deadline_at is not None]
    index = open_time(
        deps, scope, [m for i in running for m in (i.sla_start_at, i.deadline_at) if m]
    )
    for i in rows:
        counts[i.status] = counts.get(i.status, 0) + 1
        if i.status == Status.ON_HOLD or i.deadline_at is None:
            continue
        overdue += now >= i.deadline_at
        at_risk += index.at_risk(
            start=i.sla_start_at,
            deadline=i.deadline_at,
            now=now,
            approaching=deps.policy.approaching,
        )
    return Panel(
        "team_board",
        [{"key": f"status.{k}", "count": v} for k, v in counts.items()],
        len(rows),
        {"teams": ", ".join(scope.teams), "overdue": overdue, "at_risk": at_risk},
    )


async def delivery_failures(session: AsyncSession, deps: Deps, viewer: Viewer) -> Panel | None:
    """The outbox's failed rows, newest first, each with retry and discard."""
    total = await count_outbox(session, state="failed")
    rows = await list_failed_outbox(session, limit=FAILED_ROWS) if total else []
    return Panel(
        "failures",
        [
            {
                "id": r.id,
                "key": r.idempotency_key[:60],
                "recipient": r.recipient,
                "platform": r.platform,
                "error": r.last_error[:120],
            }
            for r in rows
        ],
        total,
    )


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


async def config_summary(session: AsyncSession, deps: Deps, viewer: Viewer) -> Panel | None:
    """Teams, roles, channels, calendar and schedule in force, the warnings, the versions."""
    cfg = deps.config
    channels = cfg.channels
    facts = {
        "teams": ", ".join(f"{t.name} ({len(t.members)})" for t in cfg.teams) or "-",
        "admins": len(cfg.roles.admins),
        "receptionists": len(cfg.roles.receptionists),
        "triage": channels.triage or "-",
        "reports": channels.reports or "-",
        "timezone": cfg.timezone,
        "hours": ", ".join(cfg.calendar.hours),
        "digest_time": cfg.scheduler.digest_time,
        "reports_public": cfg.reports.public,  # shown as "dash.on" / "dash.off"
        "versions": f"charterbot {_version('charterbot')}, Python {py_platform.python_version()}",
    }
    rows = [{"warning": w} for w in config_warnings(cfg)]
    return Panel("config", rows, len(rows), facts)


def _feature(provider: panels.FeatureProvider) -> PanelProvider:
    """A feature's panel (bot.services.dashboard_panels) for the viewer."""

    async def show(session: AsyncSession, deps: Deps, viewer: Viewer) -> Panel | None:
        found = await provider(session, deps, viewer.user_id)
        return None if found is None else Panel(found.key, found.rows, found.total, found.params)

    return show


# The registry, in display order (the features' panels: bot.services.dashboard_panels).
PANELS: tuple[PanelSource, ...] = (
    PanelSource(frozenset({"staff"}), _feature(panels.my_visits)),
    PanelSource(frozenset({"staff"}), _feature(panels.my_callbacks)),
    PanelSource(frozenset({"manager"}), team_board),
    PanelSource(frozenset({"manager"}), _feature(panels.team_visitors)),
    PanelSource(frozenset({"manager"}), _feature(panels.complaints_review)),
    PanelSource(frozenset({"receptionist"}), _feature(panels.desk_visits)),
    PanelSource(frozenset({"receptionist"}), _feature(panels.rooms_now)),
    PanelSource(frozenset({"receptionist"}), _feature(panels.items_out)),
    PanelSource(frozenset({"admin"}), delivery_failures),
    PanelSource(frozenset({"admin"}), config_summary),
)


async def build_panels(
    session: AsyncSession, deps: Deps, viewer: Viewer, sources: tuple[PanelSource, ...] = PANELS
) -> list[Panel]:
    """The panels a viewer's roles show, in registry order."""
    out = []
    for source in sources:
        if source.roles & viewer.roles:
            panel = await source.provider(session, deps, viewer)
            if panel is not None:
                out.append(panel)
    return out


async def act_on_failure(
    session: AsyncSession, deps: Deps, user_id: str, message_id: int, verb: str
) -> Said:
    """An admin's retry or discard of a failed delivery (anyone else is refused)."""
    if not deps.config.is_admin(user_id):
        raise Forbidden("dash.error.admins_only")
    if verb == "retry":
        done = await retry_failed_outbox(session, message_id=message_id, now=deps.clock.now())
    else:
        done = await discard_failed_outbox(
            session, message_id=message_id, note=f"discarded by {user_id}"
        )
    if not done:
        return Said("dash.failure_gone", {"id": message_id})
    await refresh_for_admins(session, deps)
    return Said(f"dash.failure_{'retried' if verb == 'retry' else 'discarded'}", {"id": message_id})


async def dashboard_of(deps: Deps, user_id: str) -> tuple[list[Panel], list[tuple[str, int]]]:
    """A person's panels and the totals of their Home lists (the Teams dashboard card)."""
    actor = Actor(user_id=user_id, is_staff=deps.is_staff(user_id))
    async with deps.reads() as session:
        panels = await build_panels(session, deps, Viewer(user_id, roles_of(deps, user_id)))
        lists = await home_lists(session, deps, actor, limit=1)
    return panels, [(key, total) for key, _rows, total in lists]
