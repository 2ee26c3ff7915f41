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
    """Per promise, the share met over all its figures (None: no data)."""
    out: list[tuple[str, float | None]] = []
    for promise in PROMISES:
        figures = report.figures.get(promise) or []
        total = sum(f.total for f in figures)
        met = sum(f.met for f in figures)
        out.append((promise, round(100 * met / total, 1) if total else None))
    return out


def _draw(report: Report) -> Canvas:
    shares = promise_shares(report)
    canvas = Canvas(figsize=(9, 3.6), dpi=100)
    ax = canvas.subplots()
    names = [p for p, _ in shares]
    values = [s if s is not None else 0.0 for _, s in shares]
    colors = [
        "#2e7d32" if s is not None and s >= 90 else "#f9a825" if s is not None else "#bdbdbd"
        for _, s in shares
    ]
    bars = ax.bar(names, values, color=colors)
    for bar, (_, share) in zip(bars, shares, strict=True):
        label = template(CHART_LANG, "report.chart.no_data") if share is None else f"{share:g}%"
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
