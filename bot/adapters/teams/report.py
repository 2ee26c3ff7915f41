"""The monthly charter report as an Adaptive Card (pure data)."""

from __future__ import annotations

from typing import Any

from bot.adapters.teams.cards import adaptive_card, text_block
from bot.adapters.teams.markup import card_texts
from bot.i18n import Lang, Rendered
from bot.i18n.markup import Link
from bot.services.reports.figures import Report
from bot.services.reports.lines import line_words, report_lines


def build_report_card(
    lang: Lang, report: Report, *, bilingual: bool = False, link: str = "", image: str = ""
) -> dict[str, Any]:
    """A line per promise, the chart (when it has an address) and the page's link."""
    tr = card_texts(lang, bilingual=bilingual)
    body: list[dict[str, Any]] = [
        text_block(tr("report.title", month=report.month), weight="Bolder", size="Medium")
    ]
    for key, params in report_lines(report):
        words = line_words(params, lambda k: Rendered(tr(k)))
        body.append(text_block(tr(key, **words), spacing="None"))
    if image:
        body.append({"type": "Image", "url": image, "altText": f"charter {report.month}"})
    if link:
        body.append(text_block(tr("report.page", link=Link(link, tr("report.page_label")))))
    return adaptive_card(body)
