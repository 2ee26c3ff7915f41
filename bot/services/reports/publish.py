"""Build a month's report, link to its page, and post it on the first business day."""

from __future__ import annotations

from dataclasses import dataclass

from bot.deps import Deps
from bot.domain.digest import (
    digest_time,
    first_business_day_of_month,
    month_label,
    previous_month,
)
from bot.ports import ToRole
from bot.services.outbox import REPORT, configured_platforms, enqueue_kind, enqueue_rendered
from bot.services.reports.figures import Month, Report, build_report
from bot.services.reports.links import report_secret, signed_query


async def report_for(deps: Deps, year: int, month: int) -> Report:
    """The report of a month, computed now (read-only)."""
    async with deps.reads() as session:
        return await build_report(session, deps, Month(year, month, deps.tz))


def is_published(deps: Deps, year: int, month: int) -> bool:
    """Whether a month is over or running (later months have no page: nothing happened)."""
    today = deps.clock.now().astimezone(deps.tz).date()
    return (year, month) <= (today.year, today.month)


def report_link(deps: Deps, label: str, *, for_admin: bool) -> str:
    """The page's address in chat: public, or signed for an admin; "" when there is none
    (no `reports.url`, or a private page and a reader who is not an admin)."""
    base = deps.config.reports.url
    if not base:
        return ""
    if deps.config.reports.public:
        return f"{base}/reports/{label}"
    secret = report_secret(deps.env)
    if not for_admin or secret is None:
        return ""
    return f"{base}/reports/{label}{signed_query(secret, label, deps.clock.now())}"


def chart_link(deps: Deps, label: str) -> str:
    """The chart PNG's address for an image in chat ("" when there is no `reports.url`); a
    private report's chart is signed, so the chat platform can fetch it."""
    base = deps.config.reports.url
    if not base:
        return ""
    if deps.config.reports.public:
        return f"{base}/reports/{label}.png"
    secret = report_secret(deps.env)
    if secret is None:
        return ""
    return f"{base}/reports/{label}.png{signed_query(secret, label, deps.clock.now(), days=31)}"


@dataclass(frozen=True)
class DueReport:
    """The report due for posting now: its month."""

    year: int
    month: int


def due_report(deps: Deps) -> DueReport | None:
    """The previous month's report, from the digest time of the month's first business day
    until that day ends (a process down at that time posts it when back the same day)."""
    now = deps.clock.now().astimezone(deps.tz)
    today = now.date()
    if today != first_business_day_of_month(today.year, today.month, deps.calendar):
        return None
    if now.time() < digest_time(deps.config.scheduler.digest_time):
        return None
    year, month = previous_month(today)
    return DueReport(year, month)


async def send_due_report(deps: Deps) -> bool:
    """Queue the monthly report to the reports channel once (its key is the month).

    On Slack the chart follows as a file of its own (a second row, `chart`: uploaded by the
    transport with files.getUploadURLExternal and files.completeUploadExternal); the Teams
    card carries it inline.
    """
    due = due_report(deps)
    platforms = configured_platforms(deps, "reports")
    if due is None or not platforms:
        return False
    label = month_label(due.year, due.month)
    now = deps.clock.now()
    async with deps.sessions.begin() as session:
        await enqueue_rendered(
            session,
            deps,
            key=f"report:{label}",
            kind=REPORT,
            recipient=ToRole("reports"),
            payload={"month": label},
            now=now,
        )
        if "slack" in platforms:
            await enqueue_kind(
                session,
                deps,
                key=f"report-chart:{label}",
                kind=REPORT,
                recipient=ToRole("reports"),
                payload={"month": label, "chart": True},
                now=now,
                platform="slack",
            )
    return True
