"""Catalogue lines both platforms show alike, written through a platform's text function.

`tr(key, **params)` is the adapter's renderer of catalogue keys (Slack mrkdwn, Teams card
text; one language or both); these functions only choose the keys and their parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
