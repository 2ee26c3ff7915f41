"""Block Kit for the desk (pure data): command answers, the buttons of visit alerts, and the
pre-registration, reason and field-visit result modals. Every user-derived string goes
through `t` placeholders or `escape`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.slack.blocks.common import button, clip, context, line_sections, plain, section
from bot.adapters.slack.ids import Action, Block, View
from bot.adapters.slack.text import t, t_plain
from bot.i18n import Day, Lang, Rendered, with_times
from bot.services.inquiry_commands import Usage
from bot.services.results import Said
from bot.services.visits.commands import (
    CheckOut,
    FieldVisitList,
    RoomBoard,
    VisitHelp,
    VisitList,
    VisitResult,
)
from bot.services.visits.common import VisitVerb

Reply = tuple[str, list[dict[str, Any]] | None]
MODAL_TITLE = 24
SEOUL = ZoneInfo("Asia/Seoul")

# The neutral verbs and the Slack action each is.
ACTIONS = {
    VisitVerb.COMING: Action.VISIT_COMING,
    VisitVerb.SEND_ROOM: Action.VISIT_SEND_ROOM,
    VisitVerb.DECLINE: Action.VISIT_DECLINE,
    VisitVerb.MET: Action.VISIT_MET,
    VisitVerb.BADGE_BACK: Action.VISIT_BADGE_BACK,
    VisitVerb.ID_BACK: Action.VISIT_ID_BACK,
    VisitVerb.REPORT: Action.FIELDVISIT_REPORT,
}
VERBS = {action: verb for verb, action in ACTIONS.items()}
_LABELS = {
    VisitVerb.COMING: "visit.button.coming",
    VisitVerb.DECLINE: "visit.button.decline",
    VisitVerb.MET: "visit.button.met",
    VisitVerb.BADGE_BACK: "visit.button.badge_back",
    VisitVerb.ID_BACK: "visit.button.id_back",
    VisitVerb.REPORT: "visit.button.report",
}


def build_visit_buttons(lang: Lang, buttons: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """An actions block of neutral buttons; "send to room" buttons become one room menu."""
    elements: list[dict[str, Any]] = []
    rooms: list[dict[str, Any]] = []
    for b in buttons:
        verb = VisitVerb(str(b["verb"]))
        number = int(b["number"])
        if verb == VisitVerb.SEND_ROOM:
            room = str(b.get("room") or "")
            rooms.append(
                {
                    "text": plain(t(lang, "visit.button.send_room", room=room), 75),
                    "value": json.dumps({"n": number, "r": room}, ensure_ascii=False)[:150],
                }
            )
            continue
        style = "primary" if verb in (VisitVerb.MET, VisitVerb.COMING, VisitVerb.REPORT) else None
        elements.append(button(t_plain(lang, _LABELS[verb]), ACTIONS[verb], str(number), style))
    if rooms:
        menu = {
            "type": "static_select",
            "action_id": Action.VISIT_SEND_ROOM,
            "placeholder": plain(t_plain(lang, "visit.form.room")),
            "options": rooms[:100],
        }
        elements.insert(1 if elements else 0, menu)
    if not elements:
        return None
    return {"type": "actions", "block_id": Block.VISIT_ACTIONS, "elements": elements[:25]}


def read_room_choice(value: str | None) -> tuple[int, str] | None:
    """The visit number and room a room menu option carries (None when unreadable)."""
    try:
        data = json.loads(value or "")
        return int(data["n"]), str(data["r"])[:100]
    except (ValueError, KeyError, TypeError):
        return None


def _visit_lines(lang: Lang, rows: list[dict[str, Any]]) -> list[str]:
    lines = []
    for r in rows:
        line = t(
            lang,
            "visit.list.line",
            number=r["number"],
            time=r["time"],
            visitor=r["visitor"],
            company=r["company"] or "-",
            host_user=r["host"],
            room=r["room"] or "-",
            status=t_plain(lang, f"visit.status.{r['status']}"),
        )
        out = [t_plain(lang, f"visit.list.{w}") for w in ("badge", "id") if r[f"{w}_out"]]
        if out:
            line += " " + t(lang, "visit.list.out", what=", ".join(out))
        if r["waiting"]:
            line += " " + t(lang, "visit.list.waiting", minutes=r["waiting"])
        lines.append(line)
    return lines


def _room_lines(lang: Lang, board: RoomBoard) -> list[str]:
    lines = []
    for room in board.rooms:
        state = t(
            lang,
            f"visit.room.state.{room.state}",
            **({"number": room.visit or 0} if room.state in ("occupied", "waiting") else {}),
            **({"minutes": room.waiting_minutes} if room.state == "waiting" else {}),
        )
        floor = f", {room.floor}" if room.floor else ""
        lines.append(
            t(
                lang,
                "visit.room.line",
                room=room.name,
                capacity=room.capacity,
                floor=floor,
                state=Rendered(state),
            )
        )
        for b in room.bookings:
            lines.append(
                "    " + t(lang, "visit.room.booking", **{k: str(v) for k, v in b.items()})
            )
    return lines


def said(lang: Lang, result: Said, tz: ZoneInfo) -> str:
    """A service's answer, its moments written for the reader."""
    return t(lang, result.key, **with_times(dict(result.params), lang, tz, zone=False))


def build_visit_reply(result: VisitResult, lang: Lang, tz: ZoneInfo = SEOUL) -> Reply:
    """The ephemeral answer to a visit command: its text, and blocks when it has any."""
    if isinstance(result, Said):
        return said(lang, result, tz), None
    if isinstance(result, Usage):
        return t(lang, result.key, **result.params) + "\n" + t(lang, result.usage), None
    if isinstance(result, VisitHelp):
        return t(lang, f"visit.help.{result.command}"), None
    if isinstance(result, VisitList):
        heading = t(
            lang,
            "visit.list.heading",
            day=Day(date.fromisoformat(result.day)),
            count=len(result.rows),
        )
        if not result.rows:
            return heading, [section(heading), context(t(lang, "visit.list.none"))]
        return heading, [section(heading), *line_sections(_visit_lines(lang, result.rows))][:50]
    if isinstance(result, RoomBoard):
        heading = t(lang, "visit.room.heading", day=Day(date.fromisoformat(result.day)))
        lines = _room_lines(lang, result)
        if not lines:
            return heading, [section(heading), context(t(lang, "visit.room.none"))]
        return heading, [section(heading), *line_sections(lines)][:50]
    if isinstance(result, FieldVisitList):
        heading = t(lang, "visit.fieldvisit.list_heading", count=len(result.rows))
        if not result.rows:
            return heading, [section(heading), context(t(lang, "visit.fieldvisit.list_none"))]
        lines = [
            t(
                lang,
                "visit.fieldvisit.list_line",
                number=r["number"],
                at=r["at"],
                customer=r["customer"],
                staff_users=r["staff"],
                due=r["due"],
            )
            for r in result.rows
        ]
        return heading, [section(heading), *line_sections(lines)][:50]
    if isinstance(result, CheckOut):
        text = said(lang, result.said, tz)
        wanted = (
            [{"verb": VisitVerb.BADGE_BACK, "number": result.number}] if result.badge_out else []
        )
        if result.id_out:
            wanted.append({"verb": VisitVerb.ID_BACK, "number": result.number})
        actions = build_visit_buttons(lang, wanted)
        if actions is None:
            return text, None
        return text, [section(text), context(t(lang, "visit.left_buttons")), actions]
    raise TypeError(f"no Slack reply for {type(result).__name__}")


def _input(
    block_id: str, label: str, element: dict[str, Any], optional: bool = False
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {**element, "action_id": block_id},
        "optional": optional,
    }


def _text(max_length: int = 200, multiline: bool = False) -> dict[str, Any]:
    return {"type": "plain_text_input", "max_length": max_length, "multiline": multiline}


def _modal(
    lang: Lang,
    callback_id: str,
    title_key: str,
    submit_key: str,
    blocks: list[dict[str, Any]],
    meta: dict[str, Any],
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(clip(t_plain(lang, title_key), MODAL_TITLE), MODAL_TITLE),
        "submit": plain(clip(t_plain(lang, submit_key), MODAL_TITLE), MODAL_TITLE),
        "close": plain(t_plain(lang, "modal.cancel"), MODAL_TITLE),
        "private_metadata": json.dumps(meta)[:3000],
        "blocks": blocks,
    }


def build_visit_modal(
    lang: Lang, rooms: list[str], today: str, *, host: str = "", meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The pre-registration form (fields: bot.services.visits.forms.VISIT_FIELDS)."""
    host_el: dict[str, Any] = {"type": "users_select"}
    if host:
        host_el["initial_user"] = host
    room_el: dict[str, Any] = (
        {
            "type": "static_select",
            "options": [{"text": plain(r, 75), "value": r[:150]} for r in rooms[:100]],
        }
        if rooms
        else _text(100)
    )
    blocks = [
        _input("visitor", t_plain(lang, "visit.form.visitor"), _text()),
        _input("company", t_plain(lang, "visit.form.company"), _text(), optional=True),
        _input("host", t_plain(lang, "visit.form.host"), host_el),
        _input(
            "date", t_plain(lang, "visit.form.date"), {"type": "datepicker", "initial_date": today}
        ),
        _input("time", t_plain(lang, "visit.form.time"), {"type": "timepicker"}),
        _input("room", t_plain(lang, "visit.form.room"), room_el, optional=True),
        _input("purpose", t_plain(lang, "visit.form.purpose"), _text(500), optional=True),
        _input("count", t_plain(lang, "visit.form.count"), _text(3), optional=True),
        _input("phone", t_plain(lang, "visit.form.phone"), _text(40), optional=True),
        _input("notes", t_plain(lang, "visit.form.notes"), _text(2000, True), optional=True),
    ]
    return _modal(lang, View.VISIT_NEW, "visit.form.title", "visit.form.submit", blocks, meta or {})


def build_reason_modal(lang: Lang, number: int) -> dict[str, Any]:
    """The "can't meet now" reason form."""
    blocks = [_input("reason", t_plain(lang, "visit.form.reason"), _text(2000, True))]
    return _modal(
        lang,
        View.VISIT_REASON,
        "visit.form.reason_title",
        "visit.form.send",
        blocks,
        {"number": number},
    )


def build_report_modal(lang: Lang, number: int) -> dict[str, Any]:
    """The field visit's result form: outcome and next steps."""
    blocks = [
        _input("outcome", t_plain(lang, "visit.form.outcome"), _text(2000, True)),
        _input("next", t_plain(lang, "visit.form.next"), _text(2000, True), optional=True),
    ]
    return _modal(
        lang,
        View.FIELDVISIT_REPORT,
        "visit.form.report_title",
        "visit.form.send",
        blocks,
        {"number": number},
    )
