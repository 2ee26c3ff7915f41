"""The report's chart, rendered server-side with matplotlib (Agg: no display): the share met
per promise against its target; promises without data are drawn as "n/a", never as 100%."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure as Canvas

from bot.i18n import Lang, template
from bot.services.reports.figures import PROMISES, Report

# The chart's few words, in English: the default matplotlib fonts have no Hangul, and the
# page and the posts around the chart carry both languages.
CHART_LANG: Lang = "en"


def promise_shares(report: Report) -> list[tuple[str, float | None]]:
    """Per promise, the share met over all its `share` figures, else its `percent` figure
    (availability); None: no share was measured."""
    out: list[tuple[str, float | None]] = []
    for promise in PROMISES:
        figures = [f for f in report.figures.get(promise) or [] if f.measured]
        shares = [f for f in figures if f.unit == "share"]
        total = sum(f.total for f in shares)
        met = sum(f.met for f in shares)
        percent = next((f.value for f in figures if f.unit == "percent"), None)
        out.append((promise, round(100 * met / total, 1) if total else percent))
    return out


def promise_counts(report: Report) -> dict[str, float]:
    """Per promise measured only by counts (C15's praise): the sum of its counts."""
    out: dict[str, float] = {}
    for promise in PROMISES:
        figures = [f for f in report.figures.get(promise) or [] if f.measured]
        if figures and all(f.unit == "count" for f in figures):
            out[promise] = sum(f.value or 0 for f in figures)
    return out


def _draw(report: Report) -> Canvas:
    shares = promise_shares(report)
    counts = promise_counts(report)
    canvas = Canvas(figsize=(9, 3.6), dpi=100)
    ax = canvas.subplots()
    names = [p for p, _ in shares]
    values = [s if s is not None else 0.0 for _, s in shares]
    colors = [
        "#2e7d32" if s is not None and s >= 90 else "#f9a825" if s is not None else "#bdbdbd"
        for _, s in shares
    ]
    bars = ax.bar(names, values, color=colors)
    for bar, (promise, share) in zip(bars, shares, strict=True):
        if share is not None:
            label = f"{share:g}%"
        elif promise in counts:  # a count is no share: written, not drawn
            label = template(CHART_LANG, "report.chart.count").replace(
                "{count}", f"{counts[promise]:g}"
            )
        else:
            label = template(CHART_LANG, "report.chart.no_data")
        ax.annotate(
            label,
            (bar.get_x() + bar.get_width() / 2, bar.get_height() + 1),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.axhline(100, color="#616161", linewidth=0.8, linestyle="--")
    ax.set_ylim(0, 112)
    ax.set_ylabel(template(CHART_LANG, "report.chart.ylabel"))
    ax.set_title(template(CHART_LANG, "report.chart.title").replace("{month}", report.month))
    ax.spines[["top", "right"]].set_visible(False)
    canvas.tight_layout()
    return canvas


def chart_png(report: Report, *, dpi: int = 100) -> bytes:
    """The chart as PNG bytes (for chat posts; a lower `dpi` for a smaller image, e.g. one
    carried inline in a Teams card)."""
    buf = io.BytesIO()
    _draw(report).savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def chart_svg(report: Report) -> str:
    """The chart as an inline SVG element (for the report page)."""
    buf = io.StringIO()
    _draw(report).savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]
