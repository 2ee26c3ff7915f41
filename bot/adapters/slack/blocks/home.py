"""Block Kit for App Home: the viewer's inquiries in lists, each row with its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.blocks.common import MAX_VIEW_BLOCKS, context, header, section
from bot.adapters.slack.blocks.inquiry import Viewer, build_card_actions, inquiry_line, texts
from bot.adapters.slack.text import t, t_plain
from bot.i18n import Lang

HOME_ROWS = 8  # rows shown per list; the rest is counted


@dataclass(frozen=True)
class HomeList:
    """One Home list: its key (mine, requested, team, overdue), rows (describe()) and total."""

    key: str
    rows: list[dict[str, Any]]
    total: int


def build_home(lang: Lang, lists: list[HomeList], viewer: Viewer) -> dict[str, Any]:
    """App Home: "assigned to me", "requested by me" (and a manager's "my team", "overdue")."""
    tr = texts(lang)
    blocks: list[dict[str, Any]] = [
        header(t_plain(lang, "home.title")),
        section(t(lang, "home.intro")),
    ]
    for lst in lists:
        blocks.append({"type": "divider"})
        blocks.append(section(t(lang, f"home.list.{lst.key}", total=lst.total)))
        if not lst.rows:
            blocks.append(context(t(lang, "home.list_empty")))
            continue
        for r in lst.rows[:HOME_ROWS]:
            blocks.append(section(inquiry_line(lang, r)))
            actions = build_card_actions(r, tr, viewer, block_id=f"home-{lst.key}-{r['number']}")
            if actions is not None:
                blocks.append(actions)
        shown = min(len(lst.rows), HOME_ROWS)
        if lst.total > shown:
            blocks.append(context(t(lang, "list.more", count=lst.total - shown)))
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
