"""The desk in Teams (pure data): command answers as messages, visit alerts and the check-out
answer as Adaptive Cards with `Action.Execute` buttons (the neutral verbs `visit.*`), and the
pre-registration, reason and field-visit result forms. Every user-derived string is escaped
by the Teams markup (bot/adapters/teams/markup.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.teams.cards import (
    adaptive_card,
    build_text_message,
    card_activity,
    clip,
    text_block,
)
from bot.adapters.teams.markup import Mentions, Names, t
from bot.i18n import Day, Lang, Rendered, render, template, with_times
from bot.services.inquiry_commands import Usage
from bot.services.results import Said
from bot.services.visits.commands import (
    CheckOut,
    FieldVisitList,
    OpenReportForm,
    OpenVisitForm,
    RoomBoard,
    VisitHelp,
    VisitList,
    VisitResult,
)
from bot.services.visits.common import VisitVerb

SEOUL = ZoneInfo("Asia/Seoul")
FORM_MARK = "form"
_LABELS = {
    VisitVerb.COMING: "visit.button.coming",
    VisitVerb.DECLINE: "visit.button.decline",
    VisitVerb.MET: "visit.button.met",
    VisitVerb.BADGE_BACK: "visit.button.badge_back",
    VisitVerb.ID_BACK: "visit.button.id_back",
    VisitVerb.REPORT: "visit.button.report",
}


def _execute(
    title: str, verb: VisitVerb, data: dict[str, Any], *, style: str = ""
) -> dict[str, Any]:
    """An `Action.Execute` button with a desk verb."""
    action: dict[str, Any] = {"type": "Action.Execute", "title": title, "verb": str(verb)}
    action["data"] = data
    if style:
        action["style"] = style
    return action


def said_text(lang: Lang, said: Said, tz: ZoneInfo = SEOUL, **markup: Any) -> str:
    """A service's answer as Teams text, its moments written for the reader."""
    return t(lang, said.key, **markup, **with_times(dict(said.params), lang, tz, zone=False))


def visit_actions(lang: Lang, buttons: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`Action.Execute` buttons of neutral desk buttons (a room's name on "send to room")."""
    actions = []
    for b in buttons:
        verb = VisitVerb(str(b["verb"]))
        data: dict[str, Any] = {"number": int(b["number"])}
        if verb == VisitVerb.SEND_ROOM:
            room = str(b.get("room") or "")
            data["room"] = room
            title = template(lang, "visit.button.send_room").replace("{room}", room)
        else:
            title = template(lang, _LABELS[verb])
        style = "positive" if verb in (VisitVerb.MET, VisitVerb.COMING) else ""
        actions.append(_execute(clip(title, 60), verb, data, style=style))
    return actions


def build_visit_card(
    text: str, lang: Lang, buttons: Sequence[Mapping[str, Any]], mentions: Mentions | None = None
) -> dict[str, Any]:
    """A desk alert: its (already rendered) text and its buttons."""
    return adaptive_card([text_block(text)], visit_actions(lang, buttons), mentions=mentions)


def _flags(lang: Lang, row: Mapping[str, Any]) -> str:
    """What a list line adds: the badge or ID still out after check-out (the visit stays
    flagged), and how long a seated visitor has waited for the host."""
    text = ""
    out = [template(lang, f"visit.list.{w}") for w in ("badge", "id") if row.get(f"{w}_out")]
    if out:
        text += " " + t(lang, "visit.list.out", message=True, what=", ".join(out))
    if row.get("waiting"):
        text += " " + t(lang, "visit.list.waiting", message=True, minutes=row["waiting"])
    return text


def _lines_message(lines: list[str]) -> dict[str, Any]:
    return build_text_message("\n\n".join(lines))


def build_visit_reply(
    result: VisitResult, lang: Lang, *, names: Names | None = None, tz: ZoneInfo = SEOUL
) -> dict[str, Any] | None:
    """The answer to a `visitor|room|fieldvisit …` message (None: a replay, nothing to say)."""
    if isinstance(result, Said):
        mentions = Mentions()
        text = said_text(lang, result, tz, message=True, mentions=mentions, names=names)
        return build_text_message(text, mentions=mentions)
    if isinstance(result, Usage):
        text = t(lang, result.key, message=True, **result.params)
        return build_text_message(text + "\n\n" + t(lang, result.usage, message=True))
    if isinstance(result, VisitHelp):
        return build_text_message(t(lang, f"visit.help.{result.command}", message=True))
    if isinstance(result, VisitList):
        mentions = Mentions()
        lines = [
            t(
                lang,
                "visit.list.heading",
                message=True,
                day=Day(date.fromisoformat(result.day)),
                count=len(result.rows),
            )
        ]
        for r in result.rows:
            status = render(lang, f"visit.status.{r['status']}", _plain()).text
            lines.append(
                "- "
                + t(
                    lang,
                    "visit.list.line",
                    message=True,
                    mentions=mentions,
                    names=names,
                    number=r["number"],
                    time=r["time"],
                    visitor=r["visitor"],
                    company=r["company"] or "-",
                    host_user=r["host"],
                    room=r["room"] or "-",
                    status=Rendered(status),
                )
                + _flags(lang, r)
            )
        if not result.rows:
            lines.append(t(lang, "visit.list.none", message=True))
        return build_text_message("\n\n".join(lines), mentions=mentions)
    if isinstance(result, RoomBoard):
        lines = [
            t(lang, "visit.room.heading", message=True, day=Day(date.fromisoformat(result.day)))
        ]
        for room in result.rooms:
            extra: dict[str, Any] = {}
            if room.state in ("occupied", "waiting"):
                extra["number"] = room.visit or 0
            if room.state == "waiting":
                extra["minutes"] = room.waiting_minutes
            state = t(lang, f"visit.room.state.{room.state}", message=True, **extra)
            floor = f", {room.floor}" if room.floor else ""
            lines.append(
                "- "
                + t(
                    lang,
                    "visit.room.line",
                    message=True,
                    room=room.name,
                    capacity=room.capacity,
                    floor=floor,
                    state=Rendered(state),
                )
            )
            for b in room.bookings:
                lines.append(
                    "  - "
                    + t(
                        lang,
                        "visit.room.booking",
                        message=True,
                        **_texts(b),
                    )
                )
        if not result.rooms:
            lines.append(t(lang, "visit.room.none", message=True))
        return _lines_message(lines)
    if isinstance(result, FieldVisitList):
        mentions = Mentions()
        lines = [t(lang, "visit.fieldvisit.list_heading", message=True, count=len(result.rows))]
        for r in result.rows:
            lines.append(
                "- "
                + t(
                    lang,
                    "visit.fieldvisit.list_line",
                    message=True,
                    mentions=mentions,
                    names=names,
                    number=r["number"],
                    at=r["at"],
                    customer=r["customer"],
                    staff_users=r["staff"],
                    due=r["due"],
                )
            )
        if not result.rows:
            lines.append(t(lang, "visit.fieldvisit.list_none", message=True))
        return build_text_message("\n\n".join(lines), mentions=mentions)
    if isinstance(result, CheckOut):
        mentions = Mentions()
        text = said_text(lang, result.said, tz, mentions=mentions, names=names)
        wanted = (
            [{"verb": VisitVerb.BADGE_BACK, "number": result.number}] if result.badge_out else []
        )
        if result.id_out:
            wanted.append({"verb": VisitVerb.ID_BACK, "number": result.number})
        return card_activity(build_visit_card(text, lang, wanted, mentions))
    if isinstance(result, OpenVisitForm):
        return card_activity(build_visit_form(lang, result.rooms))
    if isinstance(result, OpenReportForm):
        return card_activity(build_report_form(lang, result.number))
    return None


def _texts(values: Mapping[str, object]) -> dict[str, Any]:
    return {k: str(v) for k, v in values.items()}


def _plain() -> Any:
    from bot.adapters.teams.markup import TeamsMarkup

    return TeamsMarkup(message=True)


def _input(
    kind: str, name: str, label: str, *, required: bool = False, **props: Any
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": kind, "id": name, "label": label, **props}
    if required:
        element.update(isRequired=True, errorMessage=label)
    return element


def _with_errors(
    elements: list[dict[str, Any]], errors: Mapping[str, str] | None
) -> list[dict[str, Any]]:
    out = []
    for element in elements:
        out.append(element)
        message = (errors or {}).get(element["id"])
        if message:
            out.append(text_block(message, color="Attention", size="Small", spacing="None"))
    return out


def build_visit_form(
    lang: Lang,
    rooms: list[str],
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The pre-registration form (the host is typed as their Teams id or picked later)."""
    values = values or {}

    def label(key: str) -> str:
        return template(lang, key)

    def keep(element: dict[str, Any]) -> dict[str, Any]:
        if values.get(element["id"]):
            element["value"] = values[element["id"]]  # as typed, never escaped
        return element

    room: dict[str, Any] = (
        {
            "type": "Input.ChoiceSet",
            "id": "room",
            "label": label("visit.form.room"),
            "choices": [{"title": r, "value": r} for r in rooms[:50]],
        }
        if rooms
        else _input("Input.Text", "room", label("visit.form.room"), maxLength=100)
    )
    fields = [
        _input("Input.Text", "visitor", label("visit.form.visitor"), required=True, maxLength=200),
        _input("Input.Text", "company", label("visit.form.company"), maxLength=200),
        _input("Input.Date", "date", label("visit.form.date"), required=True),
        _input("Input.Time", "time", label("visit.form.time"), required=True),
        room,
        _input("Input.Text", "purpose", label("visit.form.purpose"), maxLength=500),
        _input("Input.Number", "count", label("visit.form.count"), min=1, max=500),
        _input("Input.Text", "phone", label("visit.form.phone"), maxLength=40),
        _input("Input.Text", "notes", label("visit.form.notes"), isMultiline=True, maxLength=2000),
    ]
    body = [text_block(label("visit.form.title"), weight="Bolder", size="Medium")]
    body += _with_errors([keep(f) for f in fields], errors)
    submit = _execute(label("visit.form.submit"), VisitVerb.REGISTER, {FORM_MARK: "visit"})
    return adaptive_card(body, [submit])


def build_reason_form(
    lang: Lang, number: int, *, errors: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The "can't meet now" reason form."""
    body = [text_block(template(lang, "visit.form.reason_title"), weight="Bolder")]
    body += _with_errors(
        [
            _input(
                "Input.Text",
                "reason",
                template(lang, "visit.form.reason"),
                required=True,
                isMultiline=True,
                maxLength=2000,
            )
        ],
        errors,
    )
    submit = _execute(
        template(lang, "visit.form.send"),
        VisitVerb.DECLINE,
        {"number": number, FORM_MARK: "reason"},
    )
    return adaptive_card(body, [submit])


def build_report_form(
    lang: Lang, number: int, *, errors: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The field visit's result form."""
    body = [text_block(template(lang, "visit.form.report_title") + f" F{number}", weight="Bolder")]
    body += _with_errors(
        [
            _input(
                "Input.Text",
                "outcome",
                template(lang, "visit.form.outcome"),
                required=True,
                isMultiline=True,
                maxLength=2000,
            ),
            _input(
                "Input.Text",
                "next",
                template(lang, "visit.form.next"),
                isMultiline=True,
                maxLength=2000,
            ),
        ],
        errors,
    )
    submit = _execute(
        template(lang, "visit.form.send"),
        VisitVerb.REPORT,
        {"number": number, FORM_MARK: "report"},
    )
    return adaptive_card(body, [submit])
