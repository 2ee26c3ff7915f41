"""Block Kit for App Home: the viewer's inquiries in lists, each row with its buttons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.adapters.slack.blocks.common import (
    MAX_VIEW_BLOCKS,
    button,
    context,
    header,
    line_sections,
    section,
)
from bot.adapters.slack.blocks.digest import digest_line
from bot.adapters.slack.blocks.inquiry import Viewer, build_card_actions, inquiry_line, texts
from bot.adapters.slack.ids import Action
from bot.adapters.slack.text import escape, t, t_plain
from bot.i18n import Lang, Rendered
from bot.services.dashboard import Panel
from bot.services.dashboard_panels import ITEM_PANELS

HOME_ROWS = 8  # rows shown per list; the rest is counted


@dataclass(frozen=True)
class HomeList:
    """One Home list: its key (mine, requested, team, overdue), rows (describe()) and total."""

    key: str
    rows: list[dict[str, Any]]
    total: int


def build_panel(lang: Lang, panel: Panel) -> list[dict[str, Any]]:
    """One dashboard panel (bot.services.dashboard) as blocks."""
    p = panel.params
    if panel.key == "team_board":
        counts = " · ".join(f"{t(lang, r['key'])} {r['count']}" for r in panel.rows)
        return [
            section(t(lang, "dash.panel.team_board", total=panel.total, teams=p["teams"])),
            section(counts),
            context(t(lang, "dash.board_risk", overdue=p["overdue"], at_risk=p["at_risk"])),
        ]
    if panel.key == "failures":
        blocks = [section(t(lang, "dash.panel.failures", total=panel.total))]
        if not panel.total:
            blocks.append(context(t(lang, "admin.delivery_ok")))
        for r in panel.rows:
            line = f"`{escape(r['key'])}` → {escape(r['recipient'])} ({r['platform']}): {escape(r['error'])}"
            value = str(r["id"])
            blocks.append(section(line))
            blocks.append(
                {
                    "type": "actions",
                    "block_id": f"outbox-{value}",
                    "elements": [
                        button(t_plain(lang, "dash.retry"), Action.OUTBOX_RETRY, value, "primary"),
                        button(
                            t_plain(lang, "dash.discard"), Action.OUTBOX_DISCARD, value, "danger"
                        ),
                    ],
                }
            )
        if panel.total > len(panel.rows):
            blocks.append(context(t(lang, "dash.more", count=panel.total - len(panel.rows))))
        return blocks
    if panel.key in ITEM_PANELS:
        blocks = [section(t(lang, f"dash.panel.{panel.key}", total=panel.total))]
        if not panel.rows:
            return [*blocks, context(t(lang, "dash.panel_empty"))]
        blocks += line_sections(["• " + digest_line(lang, r) for r in panel.rows])
        if panel.total > len(panel.rows):
            blocks.append(context(t(lang, "dash.more", count=panel.total - len(panel.rows))))
        return blocks
    if panel.key == "desk_visits":
        counts = " · ".join(f"{t(lang, r['key'])} {r['count']}" for r in panel.rows)
        return [
            section(t(lang, "dash.panel.desk_visits", total=panel.total)),
            section(counts) if counts else context(t(lang, "dash.panel_empty")),
        ]
    if panel.key == "rooms":
        lines = [
            t(
                lang,
                "dash.room_line",
                room=r["room"],
                state=Rendered(t(lang, r["key"], number=r["number"], minutes=r["minutes"])),
            )
            for r in panel.rows
        ]
        return [section(t(lang, "dash.panel.rooms", total=panel.total)), *line_sections(lines)]
    if panel.key == "config":
        onoff = t(lang, "dash.on" if p["reports_public"] else "dash.off")
        facts = t(lang, "dash.config_facts", **{**p, "reports_public": onoff})
        blocks = [section(t(lang, "dash.panel.config")), section(facts)]
        warnings = [f"⚠️ {escape(r['warning'])}" for r in panel.rows]
        blocks.append(context("\n".join(warnings) if warnings else t(lang, "dash.no_warnings")))
        return blocks
    return []


def build_home(
    lang: Lang, lists: list[HomeList], viewer: Viewer, panels: list[Panel] | None = None
) -> dict[str, Any]:
    """App Home: the role panels (a manager's team board; an admin's delivery failures and
    configuration), then "assigned to me", "requested by me" (and "my team", "overdue")."""
    tr = texts(lang)
    blocks: list[dict[str, Any]] = [
        header(t_plain(lang, "home.title")),
        section(t(lang, "home.intro")),
    ]
    for panel in panels or []:
        blocks.append({"type": "divider"})
        blocks += build_panel(lang, panel)
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
