"""Block Kit for the daily digest (pure data): sections most urgent first, each collapsed to
its top items and "and N more", inside Slack's 50 blocks."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.adapters.slack.blocks.common import MAX_MESSAGE_BLOCKS, context, line_sections, section
from bot.adapters.slack.blocks.nudges import CARD_LINK
from bot.adapters.slack.text import t
from bot.domain.digest import collapse
from bot.i18n import Day, Lang, Rendered
from bot.i18n.markup import Link
from bot.services.digest.features import PRIVATE_SECTIONS, item_key, link_of, note_params

SECTION_ITEMS = 5  # items shown per section; the rest are counted ("and N more")


def digest_line(lang: Lang, item: dict[str, Any], link: str = "") -> str:
    """One item: its reference (linked to its card), title, person and note."""
    ref: str | Link = Link(link, item["ref"]) if link and CARD_LINK.match(link) else item["ref"]
    key = item_key(item)
    line = t(lang, key, ref=ref, title=item["title"], assignee=item.get("who") or "")
    if item.get("note_key"):
        note = note_params(item, lambda key: Rendered(t(lang, key)))
        line += " · " + t(lang, item["note_key"], **note)
    return line


def build_digest(
    lang: Lang, payload: dict[str, Any], links: dict[Any, str] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and blocks of a digest (or of a team summary: counts only)."""
    links = links or {}
    summary = bool(payload.get("summary"))
    teams = ", ".join(payload.get("teams") or []) or "-"
    title_key = "digest.summary_title" if summary else "digest.title"
    title = t(lang, title_key, teams=teams, day=Day(date.fromisoformat(str(payload["day"]))))
    blocks: list[dict[str, Any]] = [section(title)]
    lines = [title]
    sections = payload.get("sections") or []
    if not sections:
        blocks.append(section(t(lang, "digest.empty")))
        lines.append(t(lang, "digest.empty"))
    if summary:  # the team summary in a channel: never the restricted sections
        sections = [s for s in sections if s["key"] not in PRIVATE_SECTIONS]
    for sec in sections:
        heading = t(
            lang, f"digest.section.{sec['key']}", total=sec["total"], **sec.get("params", {})
        )
        lines.append(heading)
        if summary:
            blocks.append(section(heading))
            continue
        shown, _ = collapse(sec["items"], SECTION_ITEMS)
        body = ["• " + digest_line(lang, i, link_of(links, i)) for i in shown]
        blocks.append(section(heading))
        blocks += line_sections(body)
        more = sec["total"] - len(shown)
        if more > 0:
            blocks.append(context(t(lang, "digest.more", count=more)))
    if payload.get("off"):
        blocks.append(context(t(lang, "digest.off_note")))
    if len(blocks) > MAX_MESSAGE_BLOCKS:
        blocks = blocks[: MAX_MESSAGE_BLOCKS - 1] + [context(t(lang, "digest.cut"))]
    return "\n".join(lines), blocks
