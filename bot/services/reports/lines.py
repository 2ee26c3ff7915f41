"""The report as catalogue lines (key, params), the same on every platform and the page."""

from __future__ import annotations

from typing import Any

from bot.services.reports.figures import PROMISES, Report

Line = tuple[str, dict[str, Any]]


def report_lines(report: Report) -> list[Line]:
    """One line per figure, and a "no data" line for each promise nothing measured."""
    out: list[Line] = []
    for promise in PROMISES:
        figures = report.figures.get(promise) or []
        measured = [f for f in figures if f.total]
        if not measured:
            out.append(("report.line_no_data", {"promise": promise}))
            continue
        for f in measured:
            params: dict[str, Any] = {
                "promise": promise,
                "met": f.met,
                "total": f.total,
                "share": f"{f.share:g}",
                "target": f.target,
            }
            if f.median_hours is not None:
                params["hours"] = f"{f.median_hours:g}"
                out.append(("report.line_median", params))
            else:
                out.append(("report.line", params))
    return out
