"""The daily digest as an Adaptive Card (pure data): the same sections as on Slack, each
collapsed to its top items, the card kept well under Teams' message size."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.adapters.teams.cards import adaptive_card, card_activity, message_size, text_block
from bot.adapters.teams.markup import Mentions, card_texts
from bot.domain.digest import collapse
from bot.i18n import Day, Lang, Rendered
from bot.i18n.markup import Link
from bot.services.digest.features import PRIVATE_SECTIONS, item_key, link_of, note_params

SECTION_ITEMS = 5
CARD_BUDGET = 20_000  # bytes; Teams refuses about 28 KB


def build_digest_card(
    lang: Lang,
    payload: dict[str, Any],
    links: dict[Any, str] | None = None,
    *,
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The digest card (or a team summary: headings with counts only)."""
    links = links or {}
    mentions = Mentions()
    tr = card_texts(lang, mentions=mentions, names=names)
    summary = bool(payload.get("summary"))
    teams = ", ".join(payload.get("teams") or []) or "-"
    title_key = "digest.summary_title" if summary else "digest.title"
    body: list[dict[str, Any]] = [
        text_block(
            tr(title_key, teams=teams, day=Day(date.fromisoformat(str(payload["day"])))),
            weight="Bolder",
            size="Medium",
        )
    ]
    sections = payload.get("sections") or []
    if not sections:
        body.append(text_block(tr("digest.empty")))
    if summary:  # the team summary in a channel: never the restricted sections
        sections = [s for s in sections if s["key"] not in PRIVATE_SECTIONS]
    for sec in sections:
        heading = tr(f"digest.section.{sec['key']}", total=sec["total"], **sec.get("params", {}))
        body.append(text_block(heading, separator=True, spacing="Medium"))
        if summary:
            continue
        shown, _ = collapse(sec["items"], SECTION_ITEMS)
        for i in shown:
            link = link_of(links, i)
            ref: str | Link = Link(link, i["ref"]) if link else i["ref"]
            key = item_key(i)
            line = tr(key, ref=ref, title=i["title"], assignee=i.get("who") or "")
            if i.get("note_key"):
                note = note_params(i, lambda key: Rendered(tr(key)))
                line += " · " + tr(i["note_key"], **note)
            element = text_block("• " + line, spacing="None")
            if message_size(card_activity(adaptive_card([*body, element]))) > CARD_BUDGET:
                body.append(text_block(tr("digest.cut"), isSubtle=True))
                return adaptive_card(body, mentions=mentions)
            body.append(element)
        more = sec["total"] - len(shown)
        if more > 0:
            body.append(text_block(tr("digest.more", count=more), isSubtle=True, size="Small"))
    if payload.get("off"):
        body.append(text_block(tr("digest.off_note"), isSubtle=True, size="Small"))
    return adaptive_card(body, mentions=mentions)
