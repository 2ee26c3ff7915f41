"""Block Kit for the monthly charter report (pure data): a line per promise, the chart as an
image (when the page has a public or signed address), and the link to the page."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.blocks.common import context, line_sections, section
from bot.adapters.slack.text import t
from bot.i18n import Lang, Rendered
from bot.i18n.markup import Link
from bot.services.reports.figures import Report
from bot.services.reports.lines import line_words, report_lines


def build_report(
    langs: tuple[Lang, ...], report: Report, *, link: str = "", image: str = ""
) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and blocks of a report (each text in every language of `langs`)."""
    title = "\n".join(t(la, "report.title", month=report.month) for la in langs)
    blocks: list[dict[str, Any]] = [section(title)]
    for lang in langs:

        def word(key: str, lang: Lang = lang) -> Rendered:
            return Rendered(t(lang, key))

        lines = [t(lang, key, **line_words(params, word)) for key, params in report_lines(report)]
        blocks += line_sections(lines)
    if image:
        blocks.append({"type": "image", "image_url": image, "alt_text": f"charter {report.month}"})
    if link:
        blocks.append(
            context(
                " · ".join(
                    t(la, "report.page", link=Link(link, t(la, "report.page_label")))
                    for la in langs
                )
            )
        )
    return title, blocks
