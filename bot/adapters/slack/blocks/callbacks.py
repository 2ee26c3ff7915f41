"""Block Kit for callbacks, `/away` and handoffs: the offer with its buttons, the handoff
card, the command answers and the log-a-callback modal (pure data)."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    button,
    cap_blocks,
    line_sections,
    plain,
    section,
)
from bot.adapters.slack.ids import Action, Block, View
from bot.adapters.slack.text import SLACK, t, t_plain, usage_text
from bot.i18n import Lang
from bot.services.callback_commands import (
    PASS_NOTE_CHARS,
    CallbackList,
    CallbackShow,
    FeatureHelp,
    FeatureResult,
    OpenCallbackForm,
    OpenPassForm,
)
from bot.services.callbacks.layout import (
    Line,
    handoff_lines,
    list_lines,
    offer_lines,
    render_lines,
    state_params,
    step_lines,
)
from bot.services.inquiry_commands import Usage
from bot.services.results import Said

Reply = tuple[str, list[dict[str, Any]] | None]


def _lines(lang: Lang, lines: list[Line]) -> list[str]:
    return render_lines(lang, lines, SLACK)


def callback_buttons(lang: Lang, number: int) -> dict[str, Any]:
    """The offer's buttons: I'll call / called back / can't (the value is the number)."""
    value = str(number)
    return {
        "type": "actions",
        "block_id": Block.CALLBACK_ACTIONS,
        "elements": [
            button(t_plain(lang, "callback.button.claim"), Action.CALLBACK_CLAIM, value, "primary"),
            button(t_plain(lang, "callback.button.done"), Action.CALLBACK_DONE, value),
            button(t_plain(lang, "callback.button.pass"), Action.CALLBACK_PASS, value, "danger"),
        ],
    }


def build_callback_offer(
    langs: list[Lang], view: dict[str, Any], why: str, extra: dict[str, Any]
) -> tuple[str, list[dict[str, Any]]]:
    """An offer (or escalation) of a callback: its lines in each language, and the buttons
    while nobody has called back."""
    lines = offer_lines({**view, **state_params(view)}, why, extra)
    rendered = [line for lang in langs for line in _lines(lang, lines)]
    blocks = line_sections(rendered)
    if view["state"] != "done":
        blocks.append(callback_buttons(langs[0], int(view["number"])))
    return rendered[0], cap_blocks(blocks)


def build_handoff_card(lang: Lang, view: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The handoff card of an inquiry or a callback (C8): everything the new holder needs in
    one message (a callback's with its buttons while nobody has called back)."""
    lines = _lines(lang, handoff_lines(view))
    blocks = line_sections(lines)
    if view.get("callback") and view["state"] != "done":
        blocks = [
            *cap_blocks(blocks, MAX_MESSAGE_BLOCKS - 1),
            callback_buttons(lang, view["number"]),
        ]
    return lines[0], cap_blocks(blocks)


def build_callback_reply(result: FeatureResult, lang: Lang) -> Reply:
    """The ephemeral answer to `/callback` or `/away`: its text, and blocks when it has any."""
    if isinstance(result, Said):
        return t(lang, result.key, **result.params), None
    if isinstance(result, Usage):
        return usage_text(lang, result), None
    if isinstance(result, FeatureHelp):
        return t(lang, result.key), None
    if isinstance(result, CallbackList):
        heading = t(lang, "callback.list.header", count=len(result.rows))
        return heading, cap_blocks(line_sections([heading, *_lines(lang, list_lines(result.rows))]))
    if isinstance(result, CallbackShow):
        head = _lines(lang, list_lines([result.view]))
        steps = _lines(lang, step_lines(result.steps))
        return head[0], cap_blocks(line_sections([*head, *steps]))
    raise TypeError(f"no Slack reply for {type(result).__name__}")


def build_callback_modal(lang: Lang, form: OpenCallbackForm) -> dict[str, Any]:
    """The log-a-callback modal: whose call, caller, company, phone, topic, inquiry, urgent."""

    def text_input(
        block: str, label: str, *, optional: bool, multiline: bool = False
    ) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block,
            "optional": optional,
            "label": plain(t_plain(lang, label), 2000),
            "element": {
                "type": "plain_text_input",
                "action_id": block,
                "multiline": multiline,
                "max_length": 500 if multiline else 200,
            },
        }

    owner = {
        "type": "input",
        "block_id": Block.CALLBACK_OWNER,
        "label": plain(t_plain(lang, "callback.form.owner"), 2000),
        "element": {"type": "users_select", "action_id": Block.CALLBACK_OWNER},
    }
    urgent = {
        "type": "input",
        "block_id": Block.CALLBACK_URGENT,
        "optional": True,
        "label": plain(t_plain(lang, "callback.form.urgent"), 2000),
        "element": {
            "type": "checkboxes",
            "action_id": Block.CALLBACK_URGENT,
            "options": [
                {"text": plain(t_plain(lang, "callback.line.urgent").strip("*")), "value": "urgent"}
            ],
        },
    }
    blocks = [
        owner,
        text_input(Block.CALLBACK_CALLER, "callback.form.caller", optional=True),
        text_input(Block.CALLBACK_COMPANY, "callback.form.company", optional=True),
        text_input(Block.CALLBACK_PHONE, "callback.form.phone", optional=False),
        text_input(Block.CALLBACK_TOPIC, "callback.form.topic", optional=True, multiline=True),
        text_input(Block.CALLBACK_INQUIRY, "callback.form.inquiry", optional=True),
        urgent,
    ]
    return {
        "type": "modal",
        "callback_id": View.NEW_CALLBACK,
        "title": plain(t_plain(lang, "callback.form.title"), 24),
        "submit": plain(t_plain(lang, "callback.form.submit"), 24),
        "close": plain("✕", 24),
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }


def build_pass_modal(lang: Lang, form: OpenPassForm) -> dict[str, Any]:
    """The "can't" modal: a colleague to hand the call to with its context (optional: empty
    passes it on along the ladder) and why."""
    blocks = [
        section(t(lang, "callback.pass_form.intro", number=form.number)),
        {
            "type": "input",
            "block_id": Block.CALLBACK_COLLEAGUE,
            "optional": True,
            "label": plain(t_plain(lang, "callback.pass_form.colleague"), 2000),
            "element": {"type": "users_select", "action_id": Block.CALLBACK_COLLEAGUE},
        },
        {
            "type": "input",
            "block_id": Block.CALLBACK_REASON,
            "optional": True,
            "label": plain(t_plain(lang, "callback.pass_form.reason"), 2000),
            "element": {
                "type": "plain_text_input",
                "action_id": Block.CALLBACK_REASON,
                "multiline": True,
                "max_length": PASS_NOTE_CHARS,
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": View.CALLBACK_PASS,
        "title": plain(t_plain(lang, "callback.pass_form.title"), 24),
        "submit": plain(t_plain(lang, "callback.pass_form.submit"), 24),
        "close": plain("✕", 24),
        "private_metadata": json.dumps({"number": form.number}),
        "blocks": blocks,
    }
