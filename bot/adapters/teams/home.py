"""The Teams dashboard: a personal-chat card (`home` / `홈`) with the same role panels as the
Slack App Home (bot.services.dashboard) and the person's inquiry counts (pure data, but for
`home_card`, which reads them). Typed `home` answers it; later changes that affect the person
update that card in place (bot.services.home_refresh, the Teams delivery of kind `home`)."""

from __future__ import annotations

from typing import Any

from bot.adapters.teams.cards import adaptive_card, text_block
from bot.adapters.teams.markup import TeamsMarkup, card_texts
from bot.deps import Deps
from bot.i18n import Lang, Rendered
from bot.services.dashboard import Panel, dashboard_of
from bot.services.dashboard_panels import ITEM_PANELS
from bot.services.digest.features import item_key, note_params

OUTBOX_RETRY = "outbox.retry"
OUTBOX_DISCARD = "outbox.discard"


def _button(title: str, verb: str, row_id: int, style: str) -> dict[str, Any]:
    data = {"id": str(row_id)}
    return {"type": "Action.Execute", "title": title, "verb": verb, "data": data, "style": style}


def _panel(lang: Lang, panel: Panel) -> list[dict[str, Any]]:
    tr = card_texts(lang)
    esc = TeamsMarkup().escape
    p = panel.params
    if panel.key == "team_board":
        counts = " · ".join(f"{tr(r['key'])} {r['count']}" for r in panel.rows)
        return [
            text_block(
                tr("dash.panel.team_board", total=panel.total, teams=p["teams"]), separator=True
            ),
            text_block(counts),
            text_block(
                tr("dash.board_risk", overdue=p["overdue"], at_risk=p["at_risk"]), isSubtle=True
            ),
        ]
    if panel.key == "failures":
        out = [text_block(tr("dash.panel.failures", total=panel.total), separator=True)]
        if not panel.total:
            out.append(text_block(tr("admin.delivery_ok"), isSubtle=True))
        for r in panel.rows:
            line = f"{esc(r['key'])} → {esc(r['recipient'])} ({r['platform']}): {esc(r['error'])}"
            out.append(text_block(line, size="Small"))
            out.append(
                {
                    "type": "ActionSet",
                    "actions": [
                        _button(tr("dash.retry"), OUTBOX_RETRY, r["id"], "positive"),
                        _button(tr("dash.discard"), OUTBOX_DISCARD, r["id"], "destructive"),
                    ],
                }
            )
        if panel.total > len(panel.rows):
            out.append(
                text_block(tr("dash.more", count=panel.total - len(panel.rows)), isSubtle=True)
            )
        return out
    if panel.key in ITEM_PANELS:
        out = [text_block(tr(f"dash.panel.{panel.key}", total=panel.total), separator=True)]
        if not panel.rows:
            return [*out, text_block(tr("dash.panel_empty"), isSubtle=True)]
        for r in panel.rows:
            line = tr(item_key(r), ref=r["ref"], title=r["title"], assignee=r.get("who") or "")
            if r.get("note_key"):
                note = note_params(r, lambda key: Rendered(tr(key)))
                line += " · " + tr(r["note_key"], **note)
            out.append(text_block("• " + line, spacing="None"))
        if panel.total > len(panel.rows):
            out.append(
                text_block(tr("dash.more", count=panel.total - len(panel.rows)), isSubtle=True)
            )
        return out
    if panel.key == "desk_visits":
        counts = " · ".join(f"{tr(r['key'])} {r['count']}" for r in panel.rows)
        return [
            text_block(tr("dash.panel.desk_visits", total=panel.total), separator=True),
            text_block(counts or tr("dash.panel_empty")),
        ]
    if panel.key == "rooms":
        return [
            text_block(tr("dash.panel.rooms", total=panel.total), separator=True),
            *(
                text_block(
                    tr(
                        "dash.room_line",
                        room=r["room"],
                        state=Rendered(tr(r["key"], number=r["number"], minutes=r["minutes"])),
                    ),
                    spacing="None",
                )
                for r in panel.rows
            ),
        ]
    if panel.key == "config":
        warnings = [f"⚠️ {esc(r['warning'])}" for r in panel.rows]
        return [
            text_block(tr("dash.panel.config"), separator=True),
            text_block(
                tr(
                    "dash.config_facts",
                    **{**p, "reports_public": tr("dash.on" if p["reports_public"] else "dash.off")},
                )
            ),
            text_block(
                "\n\n".join(warnings) if warnings else tr("dash.no_warnings"), isSubtle=True
            ),
        ]
    return []


def build_home_card(
    lang: Lang, panels: list[Panel], counts: list[tuple[str, int]]
) -> dict[str, Any]:
    """The dashboard card: the role panels, then the person's inquiry lists' totals."""
    tr = card_texts(lang)
    body: list[dict[str, Any]] = [
        text_block(tr("dash.teams_title"), weight="Bolder", size="Medium")
    ]
    for panel in panels:
        body += _panel(lang, panel)
    if counts:
        body.append(
            text_block(" · ".join(tr(f"home.list.{k}", total=n) for k, n in counts), separator=True)
        )
    return adaptive_card(body)


async def home_card(deps: Deps, user_id: str, lang: Lang) -> dict[str, Any]:
    """The person's dashboard card, as it is now."""
    panels, counts = await dashboard_of(deps, user_id)
    return build_home_card(lang, panels, counts if deps.is_staff(user_id) else counts[-1:])
