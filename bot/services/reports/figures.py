"""The report's numbers, per promise, from the recorded events: ONE query layer.

Each promise's figures come from providers registered in FIGURES, `async (session, deps,
month) -> list[Figure]`. The inquiries give C2, C3, C4, C5 and C12 (here); the charter
features give C1 and C6 (outages, notices), C7 and C8 (callbacks, handoffs), C9, C10 and C11
(visits, field visits), C13, C14 and C15 (surveys, complaints, praise): see
bot.services.reports.features. A promise nothing measured shows "no data" (never 100%).
"""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.digest import median
from bot.domain.inquiry import Kind
from bot.domain.sla import end_of_business_day
from bot.services.inquiries.reading import resolved_verdicts
from bot.services.reports.features import FEATURE_FIGURES
from bot.services.reports.model import (
    PROMISES,
    Figure,
    FigureProvider,
    Month,
    Report,
    TeamLine,
)
from storage.models import Inquiry, InquiryEvent
from storage.repos.digest import list_resolved_between

# the types live in .model (the features' figures use them too); callers read them here
__all__ = ["FIGURES", "PROMISES", "Figure", "FigureProvider", "Month", "Report", "TeamLine"]


# the kinds whose obligations measure each promise, and the obligation that counts
_KIND_PROMISE = {
    Kind.REQUEST: ("C2", "review"),
    Kind.REGULATORY: ("C3", "resolution"),
    Kind.SUPPORT: ("C5", "first_response"),
    Kind.VOC: ("C12", "review"),
}


def _judged(inquiry: Inquiry, deps: Deps) -> list[tuple[str, bool, float]]:
    """(obligation, met, hours taken) of each judged obligation of a resolved inquiry."""
    return [
        (v.obligation, v.late is None, v.took.total_seconds() / 3600)
        for v in resolved_verdicts(inquiry, deps)
        if v.has_deadline
    ]


async def inquiry_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C2/C3/C5/C12: of the inquiries resolved in the month, the share whose obligation was
    met on time (the review result; the due date; the first response), with the median hours.

    An inquiry resolved at once has no separate review or first response: its resolution
    is that answer (bot.domain.sla.verdicts), and is what counts.
    """
    start, end = month.bounds
    rows = await list_resolved_between(session, since=start, until=end)
    out: list[Figure] = []
    for kind, (promise, obligation) in _KIND_PROMISE.items():
        met = total = 0
        hours: list[float] = []
        for inquiry in (i for i in rows if i.kind == kind):
            judged = _judged(inquiry, deps)
            chosen = [j for j in judged if j[0] == obligation] or [
                j for j in judged if j[0] == "resolution"
            ]
            if not chosen:
                continue
            _name, ok, took = chosen[0]
            total += 1
            met += ok
            hours.append(took)
        med = median(hours)
        out.append(
            Figure(promise, f"{kind.value}_on_time", met, total, round(med, 1) if med else med)
        )
    return out


async def interim_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C4: milestones dated in the month with a progress report (or the resolution) by the
    end of their day."""
    start, end = month.bounds
    first, last = start.date(), end.date()
    stmt = select(InquiryEvent).where(col(InquiryEvent.kind) == "milestone")
    milestones = [
        (e.inquiry_id, date.fromisoformat(json.loads(e.new_value)["date"]))
        for e in (await session.exec(stmt)).all()
        if e.new_value
    ]
    due = [(i, d) for i, d in milestones if first <= d < last]
    if not due:
        return [Figure("C4", "interim_on_time", 0, 0)]
    ids = sorted({i for i, _ in due})
    reports = (
        await session.exec(
            select(InquiryEvent).where(
                col(InquiryEvent.inquiry_id).in_(ids),
                col(InquiryEvent.kind).in_(["progress", "resolved"]),
            )
        )
    ).all()
    met = 0
    for inquiry_id, day in due:
        deadline = end_of_business_day(day, deps.calendar)
        if any(r.inquiry_id == inquiry_id and r.at <= deadline for r in reports):
            met += 1
    return [Figure("C4", "interim_on_time", met, len(due))]


# The features' providers build on this module's types: imported once those exist (the
# package imports this module first, whichever of the two is asked for).

# The registry: each feature adds its provider.
FIGURES: tuple[FigureProvider, ...] = (inquiry_figures, interim_figures, *FEATURE_FIGURES)


async def team_lines(session: AsyncSession, deps: Deps, month: Month) -> list[TeamLine]:
    """Per team: inquiries its people resolved in the month, and how many met every promise."""
    start, end = month.bounds
    rows = await list_resolved_between(session, since=start, until=end)
    out = []
    for team in deps.config.teams:
        people = {i for m in (*team.members, team.manager) for i in deps.config.ids_of(m)}
        resolved = met = 0
        for inquiry in rows:
            if inquiry.assignee_id not in people:
                continue
            judged = _judged(inquiry, deps)
            if not judged:
                continue
            resolved += 1
            met += all(ok for _n, ok, _h in judged)
        out.append(TeamLine(team.name, resolved, met))
    return out


async def build_report(
    session: AsyncSession,
    deps: Deps,
    month: Month,
    providers: tuple[FigureProvider, ...] = FIGURES,
) -> Report:
    """Every promise's figures for the month (an empty list: no data), and the teams."""
    figures: dict[str, list[Figure]] = {p: [] for p in PROMISES}
    for provider in providers:
        for figure in await provider(session, deps, month):
            figures[figure.promise].append(figure)
    return Report(month.label, figures, await team_lines(session, deps, month))
