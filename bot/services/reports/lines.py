"""The report as catalogue lines (key, params), the same on every platform and the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.services.reports.figures import PROMISES, Figure, Report

Line = tuple[str, dict[str, Any]]


def figure_line(f: Figure) -> Line:
    """The line of one measured figure (see Figure.unit)."""
    params: dict[str, Any] = {"promise": f.promise}
    if f.named:
        params["measure"] = f.measure
    if f.unit == "percent":
        return "report.line_percent", {**params, "share": f"{f.value:g}", "target": f.target}
    if f.unit == "count":
        return "report.line_count", {**params, "count": f"{f.value:g}"}
    if f.unit == "average":
        return "report.line_average", {**params, "average": f"{f.value:g}", "total": f.total}
    params.update(met=f.met, total=f.total, share=f"{f.share:g}", target=f.target)
    if f.median_hours is not None:
        params["hours"] = f"{f.median_hours:g}"
        return "report.line_median", params
    if f.named:
        return ("report.line_measure" if f.target else "report.line_measure_no_target"), params
    return "report.line", params


def report_lines(report: Report) -> list[Line]:
    """One line per figure, and a "no data" line for each promise nothing measured."""
    out: list[Line] = []
    for promise in PROMISES:
        figures = report.figures.get(promise) or []
        measured = [f for f in figures if f.measured]
        if not measured:
            out.append(("report.line_no_data", {"promise": promise}))
            continue
        out += [figure_line(f) for f in measured]
    return out


def line_words(params: dict[str, Any], word: Callable[[str], Any]) -> dict[str, Any]:
    """A line's parameters with the promise's name and the measure's name put in by `word`
    (a catalogue key in the reader's language)."""
    words = {"name": word(f"report.promise.{params['promise']}")}
    if "measure" in params:
        words["measure"] = word(f"report.measure.{params['measure']}")
    return {**params, **words}
