"""The monthly report's figures of the charter features (registered in FIGURES), from the
recorded rows, one query per figure (storage.repos.agenda and the features' repos):

- C1 availability of the month and its days with an unplanned outage (once the service log
  has begun: the first notice or outage; before it, "no data");
- C6 notices that started in the month and were planned with the required lead
  (bot.services.notices.compliance);
- C7 callbacks whose ladder started in the month, called back within `sla.callback`;
- C8 handoffs whose context card reached the new owner (their card's delivery record; its
  final state is kept on the handoff before the retention job deletes the outbox row);
- C9 badges and IDs returned (visits of the month that held one, their day over);
- C10 pre-registered visits whose host was in the room on time (within `visitors.host_grace`
  of the time, or of the seating when later);
- C11 field-visit reports in by their due time (due in the month);
- C13 survey response rate and average rating (surveys sent in the month);
- C14 complaints decided within their review time (due in the month), rewards sent
  (complaints upheld in the month that earned one);
- C15 praise (and exemplary nominations) given in the month.

Nothing measured is "no data", never 100%.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.callbacks import within_sla
from bot.domain.digest import days_touched
from bot.domain.durations import parse_duration
from bot.domain.feedback import RewardState, summarize
from bot.domain.notices import availability
from bot.services.notices import compliance
from bot.services.reports.model import Figure, FigureProvider, Month
from bot.services.retention import FINISHED_OUTBOX, HANDOFF_CARDS
from storage.repos.agenda import (
    count_praise_by_kind,
    first_service_record_at,
    list_callbacks_started,
    list_complaints_for_month,
    list_field_visits_due,
    list_handoff_cards,
    list_outages_overlapping,
    list_visits_between,
)
from storage.repos.surveys import list_surveys


def _until(deps: Deps, month: Month) -> tuple[datetime, datetime]:
    """The month's bounds, the end cut at now (a running month counts what has happened)."""
    start, end = month.bounds
    return start, min(end, max(start, deps.clock.now()))


async def uptime_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C1: the month's availability (unplanned outages) and its days with one."""
    start, end = _until(deps, month)
    began = await first_service_record_at(session)
    if began is None or began >= month.bounds[1] or end <= start:
        return [
            Figure("C1", "availability", 0, 0, unit="percent", named=True),
            Figure("C1", "outage_days", 0, 0, unit="count", target="", named=True),
        ]
    now = deps.clock.now()
    spans = [
        (o.started_at, o.resolved_at or now)
        for o in await list_outages_overlapping(session, since=start, until=end, planned=False)
    ]
    percent = round(availability(spans, start, end), 2)
    days = days_touched(spans, start, end, deps.tz)
    return [
        Figure("C1", "availability", 0, 0, unit="percent", value=percent, named=True),
        Figure("C1", "outage_days", days, 0, unit="count", value=days, target="0", named=True),
    ]


async def notice_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C6: notices that started in the month, planned with the required lead."""
    start, end = _until(deps, month)
    found = await compliance(session, begin=start, end=end)
    return [Figure("C6", "notice_lead", found.on_time, found.total, named=True)]


async def callback_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C7: callbacks of the month called back within `sla.callback` of the ladder's start
    (one still inside its time is not judged yet)."""
    start, end = _until(deps, month)
    budget = parse_duration(deps.config.sla.callback).wall
    now = deps.clock.now()
    met = total = 0
    for cb in await list_callbacks_started(session, since=start, until=end):
        ok = within_sla(cb.start_at, cb.called_back_at, budget)
        if not ok and cb.start_at + budget > now:
            continue
        total += 1
        met += ok
    return [Figure("C7", "callback_in_time", met, total, named=True)]


async def handoff_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C8: handoffs whose context card was delivered to the new owner (its final state, kept
    on the handoff or still in the outbox; one still being delivered is not judged yet)."""
    start, end = _until(deps, month)
    rows = await list_handoff_cards(session, since=start, until=end, card_kinds=HANDOFF_CARDS)
    judged = [state for _h, state in rows if state in FINISHED_OUTBOX]
    return [Figure("C8", "handoff_card", judged.count("sent"), len(judged), named=True)]


async def visit_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C9 badges and IDs returned; C10 pre-registered visits met on time (visits of the
    month whose day is over, or already met)."""
    start, end = _until(deps, month)
    today = deps.clock.now().astimezone(deps.tz).date()
    grace = parse_duration(deps.config.visitors.host_grace).wall
    held = returned = booked = on_time = 0
    for v in await list_visits_between(session, since=start, until=end):
        over = v.visit_at.astimezone(deps.tz).date() < today
        if over and (v.badge or v.id_type):
            held += 1
            returned += (not v.badge or v.badge_returned) and (not v.id_type or v.id_returned)
        if v.walkin or v.arrived_at is None or v.status == "cancelled":
            continue
        due = (v.host_due_at or v.visit_at) + grace
        if v.met_at is not None:
            booked += 1
            on_time += v.met_at <= due
        elif over:
            booked += 1
    return [
        Figure("C9", "badge_id_returned", returned, held, named=True),
        Figure("C10", "visit_met_on_time", on_time, booked, named=True),
    ]


async def field_visit_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C11: field-visit result reports in by their due time (due in the month, by now)."""
    start, end = _until(deps, month)
    rows = await list_field_visits_due(session, since=start, until=end)
    met = sum(1 for f in rows if f.reported_at is not None and f.reported_at <= f.report_due_at)
    return [Figure("C11", "fieldvisit_report_on_time", met, len(rows), named=True)]


async def survey_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C13: of the surveys sent in the month, the share answered and the average rating."""
    start, end = month.bounds
    summary = summarize(
        s.rating for s in await list_surveys(session, sent_from=start, sent_before=end)
    )
    return [
        Figure("C13", "survey_response", summary.answered, summary.sent, target="", named=True),
        Figure(
            "C13",
            "survey_average",
            summary.answered,
            summary.answered,
            target="",
            unit="average",
            value=summary.average,
            named=True,
        ),
    ]


async def complaint_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C14: complaints decided within their review time (due in the month, by now); rewards
    sent of the complaints upheld in the month that earned one."""
    start, end = _until(deps, month)
    reviewed = due = rewards = sent = 0
    for c in await list_complaints_for_month(session, since=start, until=end):
        if start <= c.review_due_at < end:
            due += 1
            reviewed += c.decided_at is not None and c.decided_at <= c.review_due_at
        if c.decided_at is not None and start <= c.decided_at < end and c.reward_state:
            rewards += 1
            sent += c.reward_state == RewardState.SENT
    return [
        Figure("C14", "complaint_reviewed", reviewed, due, named=True),
        Figure("C14", "reward_sent", sent, rewards, named=True),
    ]


async def praise_figures(session: AsyncSession, deps: Deps, month: Month) -> list[Figure]:
    """C15: praise and exemplary nominations given in the month (none recorded: no data)."""
    start, end = month.bounds
    counts = await count_praise_by_kind(session, since=start, until=end)
    out = []
    for kind in ("praise", "exemplary"):
        n = counts.get(kind, 0)
        value = float(n) if n else None
        out.append(
            Figure("C15", f"{kind}_count", n, 0, target="", unit="count", value=value, named=True)
        )
    return out


FEATURE_FIGURES: tuple[FigureProvider, ...] = (
    uptime_figures,
    notice_figures,
    callback_figures,
    handoff_figures,
    visit_figures,
    field_visit_figures,
    survey_figures,
    complaint_figures,
    praise_figures,
)
