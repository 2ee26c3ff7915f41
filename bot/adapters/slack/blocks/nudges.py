"""Block Kit for grouped nudges and escalations (pure data).

One line per inquiry (all its obligations joined, each at the stage it reached), then the
inquiry's own buttons, as on its card: assign to me (while unassigned), set ETA or progress
as the obligation asks, resolve, and snooze.
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any

from bot.adapters.slack.blocks.common import (
    button,
    cap_blocks,
    context,
    line_sections,
    literal,
    section,
)
from bot.adapters.slack.blocks.inquiry import texts
from bot.adapters.slack.ids import Action
from bot.adapters.slack.text import t
from bot.domain.nudges import group_by_inquiry
from bot.i18n import Lang
from bot.i18n.lines import nudge_line as catalogue_nudge_line

SNOOZE_MINUTES = (30, 60, 120)
# The only link a nudge carries: the card's permalink as chat.getPermalink returned it (a
# workspace URL, or the sandbox's own); nothing that could close or relabel the mrkdwn link.
CARD_LINK = re.compile(r"^https?://[^\s<>|]{1,490}$")
SNOOZE_ACTIONS = {30: Action.SNOOZE_30, 60: Action.SNOOZE_60, 120: Action.SNOOZE_120}
LINE_SNOOZE = 60  # the snooze button each inquiry line carries
WITH_BUTTONS = 20  # inquiries that get their own buttons (2 blocks each; 50 blocks at most)
# What acting on each obligation means: the card button that keeps the promise.
_ACTION_FOR = {
    "first_response": Action.ADD_PROGRESS,
    "review": Action.ADD_PROGRESS,
    "milestone": Action.ADD_PROGRESS,
    "due": Action.ADD_PROGRESS,
    "eta_required": Action.SET_ETA,
    "resolution": Action.SET_ETA,
}
_LABELS = {Action.SET_ETA: "button.set_eta", Action.ADD_PROGRESS: "button.progress"}


def nudge_line(lang: Lang, group: list[dict[str, Any]]) -> str:
    """One inquiry's line: which inquiry, what is owed by when, and whether it is escalated."""
    first = group[0]
    # a title never turns into formatting
    line = catalogue_nudge_line(partial(t, lang), group, title=literal(first["title"]))
    if first.get("link") and CARD_LINK.match(str(first["link"])):
        line += f" <{first['link']}|{t(lang, 'nudge.open_card')}>"
    return line


def _actions(group: list[dict[str, Any]], label: Any) -> dict[str, Any]:
    """The inquiry's buttons, fitting what it owes (values as on the card: the number)."""
    number = str(group[0]["number"])
    elements = []
    if not group[0]["assignee"]:
        elements.append(button(label("button.assign_me"), Action.ASSIGN_TO_ME, number, "primary"))
    for action in (Action.SET_ETA, Action.ADD_PROGRESS):
        if any(_ACTION_FOR.get(i["obligation"]) == action for i in group):
            elements.append(button(label(_LABELS[action]), action, number))
    elements.append(button(label("button.resolve"), Action.RESOLVE, number))
    ids = json.dumps([i["reminder"] for i in group])
    elements.append(button(label(f"nudge.snooze_{LINE_SNOOZE}"), SNOOZE_ACTIONS[LINE_SNOOZE], ids))
    return {"type": "actions", "elements": elements}


def build_nudge_message(
    lang: Lang, items: list[dict[str, Any]], *, bilingual: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """The text fallback and blocks of a grouped nudge: one line per inquiry, with its buttons.

    `bilingual` (channel posts with `bilingual_channels`): every text in `lang` first, then in
    the other language, as on the cards.
    """
    other: Lang = "en" if lang == "ko" else "ko"
    langs: tuple[Lang, ...] = (lang, other) if bilingual else (lang,)
    label = texts(lang, bilingual)
    groups = group_by_inquiry(items)
    lines = ["\n".join(nudge_line(la, g) for la in langs) for g in groups]
    heading = "\n".join(t(la, "nudge.heading", count=len(groups)) for la in langs)
    blocks: list[dict[str, Any]] = [section(heading)]
    for line, group in zip(lines[:WITH_BUTTONS], groups[:WITH_BUTTONS], strict=True):
        blocks.append(section(line))
        blocks.append(_actions(group, label))
    blocks += line_sections(lines[WITH_BUTTONS:])
    blocks = cap_blocks(blocks, 49)
    blocks.append(context("\n".join(t(la, "nudge.footer") for la in langs)))
    return heading + "\n" + "\n".join(lines), blocks
