"""Catalogue lines both platforms show alike, written through a platform's text function.

`tr(key, **params)` is the adapter's renderer of catalogue keys (Slack mrkdwn, Teams card
text; one language or both); these functions only choose the keys and their parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

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
