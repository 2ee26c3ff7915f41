"""Block Kit for inquiries: the triage card, modals, list, history, App Home (pure data)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.adapters.slack.blocks.common import (
    FIELD_TEXT,
    MAX_VIEW_BLOCKS,
    MODAL_TITLE,
    button,
    cap_blocks,
    clip,
    context,
    header,
    line_sections,
    literal,
    mrkdwn,
    plain,
    section,
)
from bot.adapters.slack.ids import Action, Block, View
from bot.adapters.slack.text import escape, mention, t, t_plain
from bot.i18n import Lang, Phrase, localise
from bot.i18n.lines import verdict_lines
from bot.services.inquiries import CustomerView

Text = Callable[..., str]
KINDS = ("voc", "support", "request", "regulatory")


def texts(lang: Lang, bilingual: bool = False) -> Text:
    """Return a renderer for catalogue keys: one language, or Korean · English."""
    if not bilingual:
        return lambda key, **p: t(lang, key, **p)
    other: Lang = "en" if lang == "ko" else "ko"
    return lambda key, **p: f"{t(lang, key, **p)} · {t(other, key, **p)}"


@dataclass(frozen=True)
class Viewer:
    """Who one rendering is for (a card in a channel is shared: no viewer)."""

    user_id: str
    is_staff: bool
    assignable: bool = True  # may take inquiries (a team member); a receptionist may not


def build_card_actions(
    card: dict[str, Any], tr: Text, viewer: Viewer | None = None, *, block_id: str = ""
) -> dict[str, Any] | None:
    """The buttons for one inquiry: what the viewer may do now (everyone's on a shared card).

    A shared card cannot differ per person, so "Assign to me" disappears once someone has it
    (the button answers "already yours" to a stale copy); `/inquiry show` and Home know their
    viewer and show only what that person can do.
    """
    n = str(card["number"])
    staff = viewer is None or viewer.is_staff
    may_reopen = viewer is None or viewer.is_staff or viewer.user_id == card["requester"]
    elements: list[dict[str, Any]] = []
    if card["open"] and staff:
        mine = viewer is not None and card["assignee"] == viewer.user_id
        if (not card["assignee"]) if viewer is None else (not mine and viewer.assignable):
            elements.append(button(tr("button.assign_me"), Action.ASSIGN_TO_ME, n, "primary"))
        if card["status"] != "on_hold":
            elements.append(button(tr("button.set_eta"), Action.SET_ETA, n))
        elements.append(button(tr("button.progress"), Action.ADD_PROGRESS, n))
        elements.append(button(tr("inquiry.transfer_form.button"), Action.TRANSFER, n))
        elements.append(button(tr("button.resolve"), Action.RESOLVE, n, "danger"))
    if not card["open"] and may_reopen:
        elements.append(button(tr("button.reopen"), Action.REOPEN, n))
    if viewer is not None and staff and card.get("link"):
        elements.append(button(tr("button.open_card"), Action.OPEN_CARD, n, url=card["link"]))
    if not elements:
        return None
    return {"type": "actions", "block_id": block_id or Block.CARD_ACTIONS, "elements": elements}


def build_inquiry_card(
    card: dict[str, Any], tr: Text, viewer: Viewer | None = None, *, lang: Lang | None = None
) -> list[dict[str, Any]]:
    """The triage card; `card` holds display values (number, kind, title, … deadline_state);
    its moments are written for `lang` (the card's first language)."""
    n = card["number"]
    fields: list[tuple[str, str]] = [
        ("card.kind", tr(f"kind.{card['kind']}")),
        ("card.status", tr(f"status.{card['status']}")),
        ("card.requester", mention(card["requester"])),
        (
            "card.assignee",
            mention(card["assignee"]) if card["assignee"] else tr("card.unassigned"),
        ),
    ]
    if card.get("customer"):
        fields.append(("card.customer", escape(literal(card["customer"]))))
    if card.get("contact"):
        fields.append(("card.contact", escape(literal(card["contact"]))))
    if card["open"]:
        if card["deadline"] != "-":
            state = card["deadline_state"]
            label = tr(f"deadline.{state}") if state != "none" else ""
            deadline = localise(lang, card["deadline"])
            fields.append(("card.deadline", f"{deadline} {label}".strip()))
        if card["eta"] != "-":
            fields.append(("card.eta", str(localise(lang, card["eta"]))))
        if card["due"] != "-":
            fields.append(("card.due", str(localise(lang, card["due"]))))
    else:
        results = verdict_lines(card, tr)
        if results:
            fields.append(("card.result", "\n".join(results)))
    blocks: list[dict[str, Any]] = [
        header(f"#{n} {escape(card['title'])}"),
        {
            "type": "section",
            "fields": [mrkdwn(f"*{tr(k)}*\n{v}", FIELD_TEXT) for k, v in fields[:10]],
        },
    ]
    if card["detail"] and card["detail"].strip() != card["title"]:
        blocks.append(section(escape(literal(clip(card["detail"], 2800)))))
    if card.get("last_note"):
        blocks.append(
            context(
                tr(
                    "card.latest_progress",
                    note=literal(clip(card["last_note"], 900)),
                    at=card.get("last_note_at") or "-",
                    actor=card.get("last_note_by") or "-",
                )
            )
        )
    if card.get("resolution"):
        blocks.append(
            context(tr("card.resolution", resolution=literal(clip(card["resolution"], 900))))
        )
    actions = build_card_actions(card, tr, viewer)
    if actions is not None:
        blocks.append(actions)
    return cap_blocks(blocks)


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


def _text_input(
    multiline: bool = False, initial: str = "", max_length: int = 3000
) -> dict[str, Any]:
    el: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        # What the person edits, not rendered text: kept as they wrote it (never escaped, or
        # the entities would come back in the submission).
        el["initial_value"] = clip(initial, max_length)
    return el


def _modal(
    lang: Lang,
    callback_id: str,
    title_key: str,
    blocks: list[dict[str, Any]],
    meta: dict[str, Any],
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(t_plain(lang, title_key), MODAL_TITLE),
        "submit": plain(t_plain(lang, "modal.submit"), MODAL_TITLE),
        "close": plain(t_plain(lang, "modal.cancel"), MODAL_TITLE),
        "private_metadata": json.dumps(meta)[:3000],
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }


def _title_detail_inputs(lang: Lang, title: str, detail: str) -> list[dict[str, Any]]:
    """The title and optional detail fields of a new-inquiry or report form."""
    return [
        _input(
            Block.TITLE,
            t_plain(lang, "modal.title_field"),
            _text_input(initial=title, max_length=200),
        ),
        _input(
            Block.DETAIL,
            t_plain(lang, "modal.detail"),
            _text_input(True, detail, 3000),
            optional=True,
        ),
    ]


MAX_OPTIONS = 100  # Slack's limit for a static_select


def build_new_inquiry_modal(
    lang: Lang,
    *,
    title: str = "",
    detail: str = "",
    meta: dict[str, Any] | None = None,
    assignees: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The "new inquiry" modal, optionally prefilled from a message.

    `assignees` are the (user id, name) pairs that may be picked; without any (a customer, or
    no team configured) the modal has no assignee field at all.
    """
    options = [{"text": plain(t_plain(lang, f"kind.{k}")), "value": k} for k in KINDS]
    blocks = [
        _input(
            Block.KIND,
            t_plain(lang, "modal.kind"),
            {"type": "static_select", "options": options, "initial_option": options[1]},
        ),
        *_title_detail_inputs(lang, title, detail),
        _input(
            Block.CUSTOMER,
            t_plain(lang, "modal.customer"),
            _text_input(max_length=200),
            optional=True,
        ),
        _input(
            Block.CONTACT,
            t_plain(lang, "modal.contact"),
            _text_input(max_length=200),
            optional=True,
        ),
        _input(Block.DUE, t_plain(lang, "modal.due"), {"type": "datepicker"}, optional=True),
    ]
    if assignees:
        people = [
            {"text": plain(name, 75), "value": user_id} for user_id, name in assignees[:MAX_OPTIONS]
        ]
        blocks.append(
            _input(
                Block.ASSIGNEE,
                t_plain(lang, "modal.assignee"),
                {"type": "static_select", "options": people},
                optional=True,
            )
        )
    return _modal(
        lang,
        View.NEW_INQUIRY,
        "modal.new_title",
        blocks,
        meta or {},
    )


def build_report_modal(
    lang: Lang, *, title: str = "", detail: str = "", meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The customer's "report this" form from a message: a title and the detail, nothing else."""
    blocks = [
        section(t(lang, "modal.report_intro")),
        *_title_detail_inputs(lang, title, detail),
    ]
    return _modal(
        lang,
        View.REPORT,
        "modal.report_title",
        blocks,
        meta or {},
    )


def build_eta_modal(
    lang: Lang, number: int, today: date, *, meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The "set ETA" modal: a date and an optional time."""
    blocks = [
        section(t(lang, "modal.eta_intro", number=number)),
        _input(
            Block.ETA_DATE,
            t_plain(lang, "modal.eta_date"),
            {"type": "datepicker", "initial_date": today.isoformat()},
        ),
        _input(
            Block.ETA_TIME, t_plain(lang, "modal.eta_time"), {"type": "timepicker"}, optional=True
        ),
    ]
    return _modal(
        lang,
        View.ETA,
        "modal.eta_title",
        blocks,
        {"number": number, **(meta or {})},
    )


def build_transfer_modal(
    lang: Lang, number: int, *, meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The transfer modal: the colleague to hand the inquiry to, and why (optional); the same
    transfer as `/inquiry transfer`."""
    blocks = [
        section(t(lang, "inquiry.transfer_form.intro", number=number)),
        _input(
            Block.TRANSFER_TO,
            t_plain(lang, "inquiry.transfer_form.to"),
            {"type": "users_select"},
        ),
        _input(
            Block.NOTE,
            t_plain(lang, "inquiry.transfer_form.reason"),
            _text_input(True, max_length=2900),
            optional=True,
        ),
    ]
    return _modal(
        lang,
        View.TRANSFER,
        "inquiry.transfer_form.title",
        blocks,
        {"number": number, **(meta or {})},
    )


NOTE_VIEWS = {"progress": View.PROGRESS, "resolve": View.RESOLVE, "reopen": View.REOPEN}


def build_note_modal(
    lang: Lang, number: int, which: str, *, meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The progress-report, resolution or reopen-reason modal: one multi-line note."""
    blocks = [
        section(t(lang, f"modal.{which}_intro", number=number)),
        _input(
            Block.NOTE, t_plain(lang, f"modal.{which}_note"), _text_input(True, max_length=2900)
        ),
    ]
    return _modal(
        lang,
        NOTE_VIEWS[which],
        f"modal.{which}_title",
        blocks,
        {"number": number, **(meta or {})},
    )


def card_link(url: str, label: str) -> str:
    """A mrkdwn link to a card's permalink (only a well-formed http(s) address is linked)."""
    if not re.fullmatch(r"https?://[^\s<>|]+", url or ""):
        return ""
    return f"<{url}|{escape(label)}>"


def inquiry_line(lang: Lang, r: dict[str, Any]) -> str:
    """One inquiry as a line: number, title (never formatted), kind, status, deadline, who."""
    line = t(
        lang,
        "list.line",
        number=r["number"],
        title=literal(clip(r["title"], 80)),
        kind=t(lang, f"kind.{r['kind']}"),
        status=t(lang, f"status.{r['status']}"),
        deadline=r["deadline"],
    )
    who = r.get("assignee")
    if who:
        line += " " + mention(who)
    return line


def build_inquiry_lines(
    rows: list[dict[str, Any]], total: int, lang: Lang, scope: str, *, links: bool = False
) -> list[dict[str, Any]]:
    """The `/inquiry list` answer: one line per inquiry (with a link to its card for staff)."""
    if not rows:
        return [section(t(lang, "list.empty", scope=t(lang, f"scope.{scope}")))]
    lines = [inquiry_line(lang, r) for r in rows]
    if links:
        label = t_plain(lang, "button.open_card")
        lines = [
            f"{line} {link}" if (link := card_link(r.get("link") or "", label)) else line
            for line, r in zip(lines, rows, strict=True)
        ]
    blocks = [section(t(lang, "list.heading", scope=t(lang, f"scope.{scope}"), total=total))]
    blocks += line_sections(lines)
    if total > len(rows):
        blocks.append(context(t(lang, "list.more", count=total - len(rows))))
    return cap_blocks(blocks)


def build_history(
    card: dict[str, Any],
    events: list[dict[str, Any]],
    tr: Text,
    lang: Lang,
    viewer: Viewer | None = None,
) -> list[dict[str, Any]]:
    """The `/inquiry show` answer: the card with the viewer's buttons, then every event.

    Each event's `actor` is a user id (shown as a mention); `detail` is display text and
    `detail_user` a user id the event is about (an assignee), shown as a mention too.
    """
    blocks = build_inquiry_card(card, tr, lang=lang)
    blocks = [b for b in blocks if b.get("type") != "actions"]
    actions = build_card_actions(card, tr, viewer)
    if actions is not None:
        blocks.append(actions)
    blocks.append({"type": "divider"})
    lines = []
    for e in events:
        line = t(
            lang, "history.line", at=e["at"], actor=e["actor"], what=t(lang, f"event.{e['kind']}")
        )
        if e.get("detail_user"):
            line += f" → {mention(e['detail_user'])}"
        if isinstance(e["detail"], Phrase):  # words of the bot's own, in the reader's language
            line += f" — {t(lang, e['detail'].key, **e['detail'].params)}"
        elif e["detail"]:
            line += f" — {escape(literal(clip(e['detail'], 300)))}"
        lines.append(line)
    blocks += line_sections(lines)
    return cap_blocks(blocks)


def _customer_line(lang: Lang, view: CustomerView) -> str:
    params = {
        "number": view.number,
        "title": literal(clip(view.title, 80)),
        "status": t(lang, f"status.{view.status}"),
    }
    if view.eta:
        return t(lang, "customer.line_eta", eta=view.eta, **params)
    return t(lang, "customer.line", **params)


def build_customer_lines(views: list[CustomerView], total: int, lang: Lang) -> list[dict[str, Any]]:
    """A customer's list: the inquiries they requested, customer view only."""
    if not views:
        return [section(t(lang, "customer.list_empty"))]
    blocks = [section(t(lang, "customer.list_heading", total=total))]
    blocks += line_sections([_customer_line(lang, v) for v in views])
    if total > len(views):
        blocks.append(context(t(lang, "list.more", count=total - len(views))))
    return cap_blocks(blocks)


def build_customer_actions(view: CustomerView, lang: Lang) -> dict[str, Any] | None:
    """A customer's one button: Reopen, on an inquiry of theirs that was resolved."""
    if view.open:
        return None
    return {
        "type": "actions",
        "block_id": Block.CARD_ACTIONS,
        "elements": [button(t_plain(lang, "button.reopen"), Action.REOPEN, str(view.number))],
    }


def _update_text(lang: Lang, text: Any) -> str:
    """A customer update's text after its line: the bot's own words (a Phrase) in lang, or
    user text escaped."""
    if isinstance(text, Phrase):
        return f" — {t(lang, text.key, **text.params)}"
    return f" — {escape(literal(clip(str(localise(lang, text)), 300)))}" if text else ""


def build_customer_history(view: CustomerView, lang: Lang) -> list[dict[str, Any]]:
    """A customer's `/inquiry show`: status, the promised ETA, the updates sent to them and,
    once resolved, the Reopen button (the only action a requester has)."""
    fields = [
        ("customer.status", t(lang, f"status.{view.status}")),
        ("customer.eta", str(localise(lang, view.eta)) or t(lang, "customer.no_eta")),
    ]
    blocks: list[dict[str, Any]] = [
        header(f"#{view.number} {escape(view.title)}"),
        {
            "type": "section",
            "fields": [mrkdwn(f"*{t(lang, k)}*\n{v}", FIELD_TEXT) for k, v in fields],
        },
    ]
    actions = build_customer_actions(view, lang)
    if actions is not None:
        blocks.append(actions)
    if view.updates:
        blocks.append({"type": "divider"})
        lines = [f"*{t(lang, 'customer.updates')}*"] + [
            t(lang, "customer.update_line", at=u.at, what=t(lang, f"event.{u.kind}"))
            + _update_text(lang, u.text)
            for u in view.updates
        ]
        blocks += line_sections(lines)
    return cap_blocks(blocks)


def build_customer_home(lang: Lang, views: list[CustomerView], total: int) -> dict[str, Any]:
    """A customer's App Home: the inquiries they requested (customer view) and how to ask."""
    blocks = [header(t_plain(lang, "home.title")), section(t(lang, "home.intro"))]
    blocks += build_customer_lines(views, total, lang)
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
