"""`GET /reports/<yyyy-mm>[.csv|.png]`: the published monthly charter report.

Read-only, bilingual, no personal data (staff only as their team, customers never). With
`reports.public = false` every form needs a signed link (`?exp=…&sig=…`, see
bot/services/reports/links.py); anything else gets a plain 404, whatever was wrong.
"""

from __future__ import annotations

import csv
import html
import io
import re

from aiohttp import web

from bot.deps import Deps
from bot.domain.digest import parse_month
from bot.i18n import template
from bot.services.reports.chart import chart_png, chart_svg
from bot.services.reports.figures import PROMISES, Figure, Report
from bot.services.reports.links import report_secret, verify
from bot.services.reports.publish import is_published, report_for

NAME = re.compile(r"([0-9]{4}-[0-9]{2})(\.csv|\.png)?")
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
    "Referrer-Policy": "no-referrer",
}


def _not_found() -> web.Response:
    return web.Response(status=404, text="not found", headers=HEADERS)


def _both(key: str, **params: str) -> tuple[str, str]:
    """A catalogue template in Korean and English, filled with plain (escaped) values."""
    out = []
    for lang in ("ko", "en"):
        text = template(lang, key)
        for name, value in params.items():
            text = re.sub(r"\{" + name + r"(:[^}]*)?\}", value, text)
        # plain text for the page: no bold marks, no leading emoji (fonts without them show boxes)
        out.append(text.replace("**", "").lstrip("📊 ").strip())
    return out[0], out[1]


def report_csv(report: Report) -> str:
    """One row per figure (and a "no data" row per unmeasured promise)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "month",
            "promise",
            "measure",
            "met",
            "total",
            "share_percent",
            "median_hours",
            "target_percent",
            "unit",
            "value",
        ]
    )
    for promise in PROMISES:
        figures = [f for f in report.figures.get(promise) or [] if f.measured]
        if not figures:
            writer.writerow([report.month, promise, "", "", "", "no data", "", "", "", ""])
        for f in figures:
            counted = f.unit in ("share", "average")
            writer.writerow(
                [
                    report.month,
                    promise,
                    f.measure,
                    f.met if counted else "",
                    f.total if counted else "",
                    "" if f.share is None else f"{f.share:g}",
                    "" if f.median_hours is None else f"{f.median_hours:g}",
                    f.target if f.unit in ("share", "percent") else "",
                    f.unit,
                    "" if f.value is None else f"{f.value:g}",
                ]
            )
    writer.writerow([])
    writer.writerow(["month", "team", "resolved", "met", "share_percent"])
    for line in report.teams:
        writer.writerow(
            [
                report.month,
                line.team,
                line.resolved,
                line.met,
                "no data" if line.share is None else f"{line.share:g}",
            ]
        )
    return buf.getvalue()


def _label(key: str) -> str:
    """`한국어 · English` of a catalogue label, escaped for HTML."""
    return html.escape(" · ".join(_both(key)))


def _figure_row(f: Figure, ko: str, en: str, target: str) -> str:
    """One figure's table row: what was measured, the count, the share against its target."""
    esc = html.escape
    if f.named:
        mko, men = _both(f"report.measure.{f.measure}")
        ko, en = f"{ko} — {mko}", f"{en} — {men}"
    if f.unit == "count":
        count, share = f"{f.value:g}", ""
    elif f.unit == "average":
        count, share = f"{f.value:g} / 5 <small>(n={f.total})</small>", ""
    else:
        count = "" if f.unit == "percent" else f"{f.met}/{f.total}"
        goal = f" <small>({target} {esc(f.target)}%)</small>" if f.target else ""
        share = f"{f.share:g}%{goal}"
    median = "" if f.median_hours is None else f"{f.median_hours:g} h"
    return (
        f"<tr><th>{f.promise}</th><td>{esc(ko)}<br><small>{esc(en)}</small></td>"
        f"<td>{count}</td><td class=share>{share}</td><td>{median}</td></tr>"
    )


def report_html(report: Report) -> str:
    """The bilingual page: the chart inline (SVG), a table per promise, a table per team."""
    esc = html.escape
    no_data = _label("report.page.no_data")
    target = _label("report.page.target")
    ko_title, en_title = _both("report.title", month=report.month)
    rows = []
    for promise in PROMISES:
        ko, en = _both(f"report.promise.{promise}")
        figures = [f for f in report.figures.get(promise) or [] if f.measured]
        if not figures:
            rows.append(
                f"<tr><th>{promise}</th><td>{esc(ko)}<br><small>{esc(en)}</small></td>"
                f"<td colspan=3 class=nodata>{no_data}</td></tr>"
            )
        for f in figures:
            rows.append(_figure_row(f, ko, en, target))
    teams = "".join(
        f"<tr><td>{esc(line.team)}</td><td>{line.resolved}</td><td>{line.met}</td>"
        f"<td>{no_data if line.share is None else f'{line.share:g}%'}</td></tr>"
        for line in report.teams
    )
    return f"""<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(ko_title)} · {esc(en_title)}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#212121}}
h1{{font-size:1.4rem}} h1 small{{display:block;color:#616161;font-weight:normal}}
table{{border-collapse:collapse;width:100%;margin:1rem 0}}
th,td{{border-bottom:1px solid #e0e0e0;padding:.4rem;text-align:left;vertical-align:top}}
.nodata{{color:#9e9e9e}} .share{{font-weight:bold}} figure{{margin:0}} svg{{max-width:100%;height:auto}}
</style></head><body>
<h1 id=title>{esc(ko_title)}<small>{esc(en_title)}</small></h1>
<figure id=chart>{chart_svg(report)}</figure>
<table id=promises><thead><tr><th>#</th><th>{_label("report.page.promise")}</th>
<th>{_label("report.page.met")}</th><th>{_label("report.page.share")}</th>
<th>{_label("report.page.median")}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<h2>{_label("report.page.by_team")}</h2>
<table id=teams><thead><tr><th>{_label("report.page.team")}</th>
<th>{_label("report.page.resolved")}</th><th>{_label("report.page.met")}</th>
<th>{_label("report.page.share")}</th></tr></thead><tbody>{teams}</tbody></table>
<p><a href="{esc(report.month)}.csv">CSV</a></p>
</body></html>"""


def add_report_routes(app: web.Application, deps: Deps) -> None:
    """Serve the report pages (see the module doc)."""

    async def report_page(request: web.Request) -> web.Response:
        match = NAME.fullmatch(request.match_info.get("name", ""))
        if match is None:
            return _not_found()
        label, suffix = match.group(1), match.group(2) or ""
        parsed = parse_month(label)
        if parsed is None or not is_published(deps, *parsed):
            return _not_found()
        if not deps.config.reports.public:
            exp = request.query.get("exp", "")[:20]
            sig = request.query.get("sig", "")[:80]
            if not verify(report_secret(deps.env), label, exp, sig, deps.clock.now()):
                return _not_found()
        report = await report_for(deps, *parsed)
        if suffix == ".csv":
            return web.Response(
                text=report_csv(report),
                content_type="text/csv",
                charset="utf-8",
                headers={
                    **HEADERS,
                    "Content-Disposition": f'inline; filename="charter-{label}.csv"',
                },
            )
        if suffix == ".png":
            return web.Response(body=chart_png(report), content_type="image/png", headers=HEADERS)
        return web.Response(
            text=report_html(report), content_type="text/html", charset="utf-8", headers=HEADERS
        )

    app.router.add_get("/reports/{name}", report_page)
