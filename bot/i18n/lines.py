"""Catalogue lines both platforms show alike, written through a platform's text function.

`tr(key, **params)` is the adapter's renderer of catalogue keys (Slack mrkdwn, Teams card
text; one language or both); these functions only choose the keys and their parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.domain.feedback import Summary

Text = Callable[..., str]


def verdict_lines(card: dict[str, Any], tr: Text) -> list[str]:
    """A closed inquiry's card: one line per obligation, met / late / plain (no SLA)."""
    lines = []
    for r in card.get("results") or []:
        verdict = "late" if r["late"] else ("met" if r["judged"] else "plain")
        lines.append(
            tr(f"card.verdict.{r['obligation']}_{verdict}", took=r["took"], late=r["late"])
        )
    return lines


def nudge_line(tr: Text, group: list[dict[str, Any]], *, title: Any) -> str:
    """One inquiry's nudge line: which inquiry, what is owed by when, whether it is escalated.

    `group` holds the inquiry's items (bot.domain.nudges.group_by_inquiry); `title` is its
    title as the platform wants it passed (e.g. kept from turning into formatting).
    """
    first = group[0]
    owed = "; ".join(
        tr(f"nudge.owed.{i['kind']}", what=tr(f"owed.{i['obligation']}"), deadline=i["deadline"])
        for i in group
    )
    params: dict[str, Any] = {"number": first["number"], "title": title, "owed": owed}
    if any(i["kind"] == "escalation" for i in group):
        if first["assignee"]:
            line: str = tr("nudge.line_escalated", assignee=first["assignee"], **params)
        else:
            line = tr("nudge.line_escalated_unassigned", **params)
    else:
        line = tr("nudge.line", **params)
    return line


class UptimeView(Protocol):
    """What `outage status` shows (bot.services.outages.Uptime)."""

    @property
    def streak(self) -> int: ...
    @property
    def year(self) -> int: ...
    @property
    def overall(self) -> float: ...
    @property
    def per_service(self) -> list[tuple[str, float]]: ...
    @property
    def open(self) -> list[dict[str, Any]]: ...


def percent(value: float) -> str:
    """An availability as people read it: `100%`, `99.954%`."""
    return "100%" if value >= 100 else f"{value:.3f}%"


def notice_line(tr: Text, row: dict[str, Any]) -> str:
    """One notice in a list (a `describe_notice` row)."""
    status = tr(f"notice.status.{row['status']}")
    if row.get("urgent"):
        status += " " + tr("notice.list.urgent")
    return tr(
        "notice.list.line",
        number=row["number"],
        title=row["title"],
        start=row["start"],
        end=row["end"],
        services=row["services"],
        status=status,
    )


def notice_text(tr: Text, row: dict[str, Any]) -> str:
    """One notice shown in full (`notice show`)."""
    return tr(
        "notice.show",
        number=row["number"],
        title=row["title"],
        status=tr(f"notice.status.{row['status']}"),
        start=row["start"],
        end=row["end"],
        services=row["services"],
        impact=row["impact"] or "-",
        reason=tr(f"notice.reason.{row['reason']}"),
    )


def outage_status_lines(tr: Text, up: UptimeView, *, bullet: str = "") -> list[str]:
    """`outage status`: the streak and availability, per service, then the open outages;
    `bullet` goes before each service and outage line."""
    lines = [
        tr("outage.status.heading", streak=up.streak, year=up.year, overall=percent(up.overall))
    ]
    lines += [
        bullet + tr("outage.status.service", service=name, percent=percent(value))
        for name, value in up.per_service
    ]
    if up.open:
        lines.append(tr("outage.status.open_heading"))
        lines += [
            bullet
            + tr(
                "outage.status.line",
                number=o["number"],
                title=o["title"],
                services=o["services"],
                start=o["start"],
                duration=o["duration"],
            )
            for o in up.open
        ]
    else:
        lines.append(tr("outage.status.none_open"))
    return lines


class SurveyResultsView(Protocol):
    """What `survey results` shows (bot.services.surveys.SurveyResults)."""

    @property
    def total(self) -> Summary: ...
    @property
    def by_kind(self) -> dict[str, Summary]: ...
    @property
    def by_team(self) -> dict[str, Summary]: ...


def survey_summary_line(tr: Text, name: str, s: Summary) -> str:
    """One group's ratings: sent, answered, response rate, average and distribution."""
    dist = " · ".join(f"{r}★ {n}" for r, n in zip(range(1, 6), s.distribution, strict=True))
    return tr(
        "survey.results_line",
        name=name,
        sent=s.sent,
        answered=s.answered,
        rate=f"{s.rate * 100:.0f}%",
        average="-" if s.average is None else f"{s.average:.2f}",
        distribution=dist,
    )


def survey_results_lines(tr: Text, r: SurveyResultsView) -> list[str]:
    """`survey results` below its heading: the total, then per kind and per team (a team's
    name passed as it is: `tr` escapes it)."""
    lines = [survey_summary_line(tr, tr("survey.results_total"), r.total)]
    lines.append(tr("survey.results_by_kind"))
    lines += [survey_summary_line(tr, tr(f"kind.{k}"), s) for k, s in r.by_kind.items()]
    lines.append(tr("survey.results_by_team"))
    lines += [survey_summary_line(tr, k, s) for k, s in r.by_team.items()]
    return lines
