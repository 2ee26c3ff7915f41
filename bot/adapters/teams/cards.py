"""Adaptive Cards for Teams (pure data): the inquiry triage card, grouped nudges, plain text.

Schema version 1.5, the highest Teams renders; buttons are `Action.Execute` (Universal
Actions, 1.4+) with a neutral verb (`inquiry.assign_me`, …) and `data: {"number": N}` so the
platform-neutral action service gets the same request a Slack button gives. Every user-derived
string is escaped (bot/adapters/teams/markup.py); people are `<at>` mentions with entities in
`msteams.entities` when their Teams name is known.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from bot.adapters.teams.markup import Mentions, Names, card_texts, escape_card_text
from bot.domain.nudges import group_by_inquiry
from bot.i18n import Lang, localise, template
from bot.i18n.lines import nudge_line, verdict_lines

VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams refuses a bot message over about 28 KB (text, cards and entities together).
MAX_MESSAGE_BYTES = 28 * 1024
DETAIL_CHARS = 2800
NOTE_CHARS = 900
NUDGE_WITH_BUTTONS = 20  # inquiries of a grouped nudge that get their own buttons
NUDGE_LINES = 60  # after that: "and N more"
NUDGE_BUDGET = MAX_MESSAGE_BYTES - 2048  # lines stop here (the rest is counted as "+N")


_INQUIRY = "inquiry"  # verbs are `inquiry.<what>`; built so no literal looks like a catalogue key


class Verb(StrEnum):
    """Neutral action verbs of card buttons (the same the Slack buttons map to)."""

    ASSIGN_ME = f"{_INQUIRY}.assign_me"
    SET_ETA = f"{_INQUIRY}.set_eta"
    PROGRESS = f"{_INQUIRY}.progress"
    RESOLVE = f"{_INQUIRY}.resolve"
    REOPEN = f"{_INQUIRY}.reopen"
    SNOOZE = f"{_INQUIRY}.snooze"
    NEW = f"{_INQUIRY}.new"  # the new-inquiry form's submit
    TRANSFER = f"{_INQUIRY}.transfer"  # the transfer form (and its submit)


# What acting on each owed obligation means (as on the Slack nudge).
_VERB_FOR = {
    "first_response": Verb.PROGRESS,
    "review": Verb.PROGRESS,
    "milestone": Verb.PROGRESS,
    "due": Verb.PROGRESS,
    "eta_required": Verb.SET_ETA,
    "resolution": Verb.SET_ETA,
}
_LABEL = {Verb.SET_ETA: "button.set_eta", Verb.PROGRESS: "button.progress"}


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def execute(title: str, verb: str, data: dict[str, Any], *, style: str = "") -> dict[str, Any]:
    """An `Action.Execute` button."""
    action: dict[str, Any] = {"type": "Action.Execute", "title": title, "verb": str(verb)}
    action["data"] = data
    if style:
        action["style"] = style  # positive | destructive
    return action


def text_block(text: str, **props: Any) -> dict[str, Any]:
    """A wrapping TextBlock (text already escaped or built from trusted templates)."""
    return {"type": "TextBlock", "text": text, "wrap": True, **props}


def adaptive_card(
    body: list[dict[str, Any]],
    actions: list[dict[str, Any]] | None = None,
    *,
    mentions: Mentions | None = None,
    fallback: str = "",
) -> dict[str, Any]:
    """The card root: version, body, actions, full width and the mention entities."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    msteams: dict[str, Any] = {"width": "Full"}
    if mentions is not None and mentions.entities:
        msteams["entities"] = mentions.entities
    card["msteams"] = msteams
    if fallback:
        card["fallbackText"] = fallback
    return card


def card_activity(card: dict[str, Any], *, summary: str = "") -> dict[str, Any]:
    """A message activity carrying one Adaptive Card (`summary`: the notification preview)."""
    activity: dict[str, Any] = {
        "type": "message",
        "attachments": [{"contentType": CONTENT_TYPE, "content": card}],
    }
    if summary:
        activity["summary"] = summary
    return activity


def build_text_message(text: str, *, mentions: Mentions | None = None) -> dict[str, Any]:
    """A plain message activity (markdown text, already escaped; mentions with entities)."""
    activity: dict[str, Any] = {"type": "message", "text": text, "textFormat": "markdown"}
    if mentions is not None and mentions.entities:
        activity["entities"] = list(mentions.entities)
    return activity


def message_size(activity: dict[str, Any]) -> int:
    """Bytes of the activity as sent (what Teams' size limit counts)."""
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-8"))


def _person(user_id: str, names: Names | None, mentions: Mentions) -> str:
    if names and user_id in names:
        return mentions.tag(user_id, names[user_id])
    return escape_card_text(user_id or "-")


def card_verbs(card: Mapping[str, Any], *, may_assign: bool | None = None) -> list[Verb]:
    """The buttons of a card, as Slack's card has: a shared card (a channel's card has no
    viewer) offers "assign to me" while unassigned; a viewer's card when `may_assign`."""
    if not card["open"]:
        return [Verb.REOPEN]
    if may_assign is None:
        may_assign = not card["assignee"]
    verbs = [Verb.ASSIGN_ME] if may_assign else []
    if card["status"] != "on_hold":
        verbs.append(Verb.SET_ETA)
    return [*verbs, Verb.PROGRESS, Verb.TRANSFER, Verb.RESOLVE]


VERB_LABELS = {
    Verb.ASSIGN_ME: "button.assign_me",
    Verb.SET_ETA: "button.set_eta",
    Verb.PROGRESS: "button.progress",
    Verb.RESOLVE: "button.resolve",
    Verb.REOPEN: "button.reopen",
    Verb.TRANSFER: "inquiry.transfer_form.button",
}


def build_inquiry_card(
    card: dict[str, Any],
    lang: Lang,
    *,
    bilingual: bool = False,
    names: Names | None = None,
) -> dict[str, Any]:
    """The triage card of one inquiry; `card` is bot.services.inquiries.describe()'s dict.

    `names` maps Teams user ids to display names: those people are mentioned, anyone else is
    shown as (escaped) text.
    """
    mentions = Mentions()
    tr = card_texts(lang, bilingual=bilingual, mentions=mentions, names=names)
    n = int(card["number"])
    facts: list[tuple[str, str]] = [
        ("card.kind", tr(f"kind.{card['kind']}")),
        ("card.status", tr(f"status.{card['status']}")),
    ]
    if card.get("customer"):
        facts.append(("card.customer", escape_card_text(clip(card["customer"], 200))))
    if card.get("contact"):
        facts.append(("card.contact", escape_card_text(clip(card["contact"], 200))))
    if card["open"]:
        if card["deadline"] != "-":
            state = card["deadline_state"]
            label = tr(f"deadline.{state}") if state != "none" else ""
            deadline = localise(lang, card["deadline"])
            facts.append(("card.deadline", f"{deadline} {label}".strip()))
        if card["eta"] != "-":
            facts.append(("card.eta", escape_card_text(str(localise(lang, card["eta"])))))
        if card["due"] != "-":
            facts.append(("card.due", escape_card_text(str(localise(lang, card["due"])))))
    else:
        facts.extend(("card.result", line) for line in verdict_lines(card, tr))
    title = escape_card_text(clip(card["title"], 300))
    assignee = (
        _person(card["assignee"], names, mentions) if card["assignee"] else tr("card.unassigned")
    )
    body: list[dict[str, Any]] = [
        text_block(f"#{n} {title}", size="Large", weight="Bolder"),
        # people go in TextBlocks: Teams renders `<at>` mentions there, not in facts
        text_block(
            f"**{tr('card.requester')}:** {_person(card['requester'], names, mentions)}  \n"
            f"**{tr('card.assignee')}:** {assignee}",
            spacing="Small",
        ),
        {"type": "FactSet", "facts": [{"title": tr(k), "value": v} for k, v in facts]},
    ]
    if card["detail"] and card["detail"].strip() != card["title"].strip():
        body.append(text_block(escape_card_text(clip(card["detail"], DETAIL_CHARS))))
    if card.get("last_note"):
        note = tr(
            "card.latest_progress",
            note=clip(card["last_note"], NOTE_CHARS),
            at=card.get("last_note_at") or "-",
            actor=card.get("last_note_by") or "-",
        )
        body.append(text_block(note, isSubtle=True))
    if card.get("resolution"):
        resolution = tr("card.resolution", resolution=clip(card["resolution"], NOTE_CHARS))
        body.append(text_block(resolution, isSubtle=True))
    actions = [
        execute(
            tr(VERB_LABELS[v]),
            v,
            {"number": n},
            style="positive" if v == Verb.ASSIGN_ME else "",
        )
        for v in card_verbs(card)
    ]
    return adaptive_card(body, actions, mentions=mentions, fallback=f"#{n}")


def _nudge_element(tr: Any, group: list[dict[str, Any]], *, with_buttons: bool) -> dict[str, Any]:
    """One inquiry of a nudge: its line, and (the first ones) its buttons, snooze included."""
    line = nudge_line(tr, group, title=group[0]["title"])
    if not with_buttons:
        return text_block(line, spacing="Small")
    number = int(group[0]["number"])
    verbs = [] if group[0]["assignee"] else [Verb.ASSIGN_ME]
    verbs += [
        v
        for v in (Verb.SET_ETA, Verb.PROGRESS)
        if any(_VERB_FOR.get(i["obligation"]) == v for i in group)
    ]
    buttons = [execute(tr(VERB_LABELS[v]), v, {"number": number}) for v in verbs]
    buttons.append(execute(tr("button.resolve"), Verb.RESOLVE, {"number": number}))
    snooze = {"number": number, "reminders": [i["reminder"] for i in group], "minutes": 60}
    buttons.append(execute(tr("nudge.snooze_60"), Verb.SNOOZE, snooze))
    return {
        "type": "Container",
        "separator": True,
        "items": [text_block(line), {"type": "ActionSet", "actions": buttons}],
    }


def build_nudge_card(
    lang: Lang,
    items: list[dict[str, Any]],
    *,
    bilingual: bool = False,
    names: Names | None = None,
) -> dict[str, Any]:
    """A grouped nudge (the items bot.services.reminders queues): one line per inquiry, each
    with its own buttons as on its card, snooze included."""
    mentions = Mentions()
    tr = card_texts(lang, bilingual=bilingual, mentions=mentions, names=names)
    groups = group_by_inquiry(items)
    body: list[dict[str, Any]] = [
        text_block(tr("nudge.heading", count=len(groups)), weight="Bolder", size="Medium")
    ]
    footer = text_block(tr("nudge.footer"), isSubtle=True, size="Small")
    used = message_size(card_activity(adaptive_card([*body, footer]))) + 200  # entities, more
    shown = 0
    for index, group in enumerate(groups[:NUDGE_LINES]):
        before = len(mentions.entities)
        element = _nudge_element(tr, group, with_buttons=index < NUDGE_WITH_BUTTONS)
        size = message_size(element) + sum(message_size(e) for e in mentions.entities[before:])
        if used + size > NUDGE_BUDGET:
            del mentions.entities[before:]
            break
        used += size
        body.append(element)
        shown += 1
    if len(groups) > shown:
        body.append(text_block(f"… +{len(groups) - shown}", isSubtle=True))
    body.append(footer)
    return adaptive_card(body, mentions=mentions, fallback=template(lang, "nudge.open_card"))
