"""Block Kit for grouped nudges and escalations (pure data)."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.i18n import Lang, t
from handlers.blocks.common import button, cap_blocks, context, line_sections, section
from handlers.ids import Action

SNOOZE_MINUTES = (30, 60, 120)
# The only link a nudge carries: the card's permalink, built from ids Slack returned.
CARD_LINK = re.compile(r"^https://slack\.com/archives/[CGD][A-Z0-9]{2,20}/p\d{1,20}$")
SNOOZE_ACTIONS = {30: Action.SNOOZE_30, 60: Action.SNOOZE_60, 120: Action.SNOOZE_120}


def nudge_line(lang: Lang, item: dict[str, Any]) -> str:
    """One line of a nudge: which inquiry, which promise, and how late or close."""
    key = f"nudge.{item['kind']}"
    line = t(
        lang,
        key,
        number=item["number"],
        title=item["title"],
        what=t(lang, f"obligation.{item['obligation']}"),
        deadline=item["deadline"],
        assignee=item["assignee"] or None,
    )
    if item.get("link") and CARD_LINK.match(str(item["link"])):
        line += f" <{item['link']}|{t(lang, 'nudge.open_card')}>"
    return line


def build_nudge_message(
    lang: Lang, items: list[dict[str, Any]]
) -> tuple[str, list[dict[str, Any]]]:
    """The text fallback and blocks of a grouped nudge, with snooze buttons for all its items."""
    lines = [nudge_line(lang, i) for i in items]
    heading = t(lang, "nudge.heading", count=len(items))
    blocks: list[dict[str, Any]] = [section(heading)]
    blocks += line_sections(lines)
    blocks = cap_blocks(blocks, 48)
    ids = [i["reminder"] for i in items]
    value = json.dumps(ids)
    while len(value) > 1900:  # Slack's button value limit is 2000 characters
        ids = ids[: len(ids) // 2]
        value = json.dumps(ids)
    blocks.append(
        {
            "type": "actions",
            "elements": [
                button(t(lang, f"nudge.snooze_{m}"), SNOOZE_ACTIONS[m], value)
                for m in SNOOZE_MINUTES
            ],
        }
    )
    blocks.append(context(t(lang, "nudge.footer")))
    return heading + "\n" + "\n".join(lines), blocks
