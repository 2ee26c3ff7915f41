"""Block Kit for inquiries: the triage card, modals, list, history, App Home (pure data)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.i18n import Lang, escape, mention, t, t_plain
from handlers.blocks.common import (
    FIELD_TEXT,
    MAX_VIEW_BLOCKS,
    MODAL_TITLE,
    button,
    cap_blocks,
    clip,
    context,
    header,
    line_sections,
    mrkdwn,
    plain,
    section,
)
from handlers.ids import Action, Block, View

Text = Callable[..., str]
KINDS = ("voc", "support", "request", "regulatory")


def texts(lang: Lang, bilingual: bool = False) -> Text:
    """Return a renderer for catalogue keys: one language, or Korean · English."""
    if not bilingual:
        return lambda key, **p: t(lang, key, **p)
    other: Lang = "en" if lang == "ko" else "ko"
    return lambda key, **p: f"{t(lang, key, **p)} · {t(other, key, **p)}"


def build_inquiry_card(card: dict[str, Any], tr: Text) -> list[dict[str, Any]]:
    """The triage card; `card` holds display strings (number, kind, title, … deadline_state)."""
    n = card["number"]
    fields = [
        ("card.kind", tr(f"kind.{card['kind']}")),
        ("card.status", tr(f"status.{card['status']}")),
        ("card.requester", mention(card["requester"])),
        ("card.assignee", mention(card["assignee"]) if card["assignee"] else tr("card.unassigned")),
        ("card.customer", escape(card["customer"]) or "-"),
        ("card.deadline", f"{card['deadline']} {tr('deadline.' + card['deadline_state'])}"),
        ("card.eta", card["eta"]),
        ("card.due", card["due"]),
    ]
    blocks: list[dict[str, Any]] = [
        header(f"#{n} {escape(card['title'])}"),
        {
            "type": "section",
            "fields": [mrkdwn(f"*{tr(k)}*\n{v}", FIELD_TEXT) for k, v in fields],
        },
    ]
    if card["detail"] and card["detail"].strip() != card["title"]:
        blocks.append(section(escape(clip(card["detail"], 2800))))
    if card.get("last_note"):
        blocks.append(context(escape(clip(card["last_note"], 1900))))
    if card["open"]:
        value = str(n)
        blocks.append(
            {
                "type": "actions",
                "block_id": Block.CARD_ACTIONS,
                "elements": [
                    button(tr("button.assign_me"), Action.ASSIGN_TO_ME, value, "primary"),
                    button(tr("button.set_eta"), Action.SET_ETA, value),
                    button(tr("button.progress"), Action.ADD_PROGRESS, value),
                    button(tr("button.resolve"), Action.RESOLVE, value, "danger"),
                ],
            }
        )
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
    callback_id: str,
    title: str,
    submit: str,
    close: str,
    blocks: list[dict[str, Any]],
    meta: dict[str, Any],
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, MODAL_TITLE),
        "submit": plain(submit, MODAL_TITLE),
        "close": plain(close, MODAL_TITLE),
        "private_metadata": json.dumps(meta)[:3000],
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }


def build_new_inquiry_modal(
    lang: Lang, *, title: str = "", detail: str = "", meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The "new inquiry" modal, optionally prefilled from a message."""
    options = [{"text": plain(t_plain(lang, f"kind.{k}")), "value": k} for k in KINDS]
    blocks = [
        _input(
            Block.KIND,
            t_plain(lang, "modal.kind"),
            {"type": "static_select", "options": options, "initial_option": options[1]},
        ),
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
        _input(
            Block.ASSIGNEE, t_plain(lang, "modal.assignee"), {"type": "users_select"}, optional=True
        ),
    ]
    return _modal(
        View.NEW_INQUIRY,
        t_plain(lang, "modal.new_title"),
        t_plain(lang, "modal.submit"),
        t_plain(lang, "modal.cancel"),
        blocks,
        meta or {},
    )


def build_eta_modal(lang: Lang, number: int, today: date) -> dict[str, Any]:
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
        View.ETA,
        t_plain(lang, "modal.eta_title"),
        t_plain(lang, "modal.submit"),
        t_plain(lang, "modal.cancel"),
        blocks,
        {"number": number},
    )


def build_note_modal(lang: Lang, number: int, *, resolve: bool) -> dict[str, Any]:
    """The progress-report or resolution modal: one multi-line note."""
    key = "resolve" if resolve else "progress"
    blocks = [
        section(t(lang, f"modal.{key}_intro", number=number)),
        _input(Block.NOTE, t_plain(lang, f"modal.{key}_note"), _text_input(True, max_length=2900)),
    ]
    callback = View.RESOLVE if resolve else View.PROGRESS
    return _modal(
        callback,
        t_plain(lang, f"modal.{key}_title"),
        t_plain(lang, "modal.submit"),
        t_plain(lang, "modal.cancel"),
        blocks,
        {"number": number},
    )


def build_inquiry_lines(
    rows: list[dict[str, Any]], total: int, lang: Lang, scope: str
) -> list[dict[str, Any]]:
    """The `/inquiry list` answer: one line per inquiry and a count of the rest."""
    if not rows:
        return [section(t(lang, "list.empty", scope=t(lang, f"scope.{scope}")))]
    lines = [
        t(
            lang,
            "list.line",
            number=r["number"],
            title=clip(r["title"], 80),
            kind=t(lang, f"kind.{r['kind']}"),
            status=t(lang, f"status.{r['status']}"),
            deadline=r["deadline"],
        )
        + (f" {mention(r['assignee'])}" if r["assignee"] else "")
        for r in rows
    ]
    blocks = [section(t(lang, "list.heading", scope=t(lang, f"scope.{scope}"), total=total))]
    blocks += line_sections(lines)
    if total > len(rows):
        blocks.append(context(t(lang, "list.more", count=total - len(rows))))
    return cap_blocks(blocks)


def build_history(
    card: dict[str, Any], events: list[dict[str, Any]], tr: Text, lang: Lang
) -> list[dict[str, Any]]:
    """The `/inquiry show` answer: the card without buttons, then every event."""
    blocks = build_inquiry_card({**card, "open": False}, tr)
    blocks.append({"type": "divider"})
    lines = [
        t(lang, "history.line", at=e["at"], actor=e["actor"], what=t(lang, f"event.{e['kind']}"))
        + (f" — {escape(clip(e['detail'], 300))}" if e["detail"] else "")
        for e in events
    ]
    blocks += line_sections(lines)
    return cap_blocks(blocks)


def build_home(lang: Lang, rows: list[dict[str, Any]], total: int) -> dict[str, Any]:
    """App Home: the user's open inquiries and how to open a new one."""
    blocks = [header(t_plain(lang, "home.title")), section(t(lang, "home.intro"))]
    blocks += build_inquiry_lines(rows, total, lang, "mine")
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
