"""The monthly charter report as an Adaptive Card (pure data)."""

from __future__ import annotations

import base64
from typing import Any

from bot.adapters.teams.cards import adaptive_card, text_block
from bot.adapters.teams.markup import card_texts
from bot.i18n import Lang, Rendered
from bot.i18n.markup import Link
from bot.services.reports.figures import Report
from bot.services.reports.lines import line_words, report_lines

# The chart travels inside the card as a data URI (a bot has nowhere to host an image it
# rendered): drawn smaller than Slack's file, so that the whole message stays under the
# Bot Connector's message size limit (cards.MAX_MESSAGE_BYTES); when it still does not, the
# card shows the chart by its address (`reports.url`), or none.
CHART_DPI = 60


def data_uri(png: bytes) -> str:
    """A PNG as an Adaptive Card Image url (`data:image/png;base64,…`)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


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
