"""Reading a Slack modal's submission: its values by block id, its private metadata, and the
form errors put back under its blocks (pure: the payload may be forged, any shape)."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.ids import Block
from bot.adapters.slack.text import t
from bot.domain.text import is_channel_id, is_message_ts, is_user_id
from bot.i18n import Lang
from bot.ports import MessageRef
from bot.services.inquiry_actions import MAX_NUMBER
from bot.services.inquiry_forms import FormErrors, FormField


def read_metadata(view: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON object a modal carries in private_metadata, or None when it is not one."""
    raw = view.get("private_metadata") or "{}"
    try:
        meta = json.loads(raw) if isinstance(raw, str) and len(raw) <= 3000 else None
    except ValueError:
        return None
    return meta if isinstance(meta, dict) else None


def parse_view_state(view: dict[str, Any]) -> dict[str, str | None]:
    """Flatten a view's state into {block_id: value}; values are strings or None (whatever
    shape a forged payload has)."""
    out: dict[str, str | None] = {}
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return out
    for block_id, actions in values.items():
        if not isinstance(actions, dict):
            continue
        for el in actions.values():
            if not isinstance(el, dict):
                continue
            kind = el.get("type")
            if kind == "static_select":
                option = el.get("selected_option")
                value = option.get("value") if isinstance(option, dict) else None
            elif kind == "datepicker":
                value = el.get("selected_date")
            elif kind == "timepicker":
                value = el.get("selected_time")
            elif kind == "users_select":
                value = el.get("selected_user")
            elif kind == "checkboxes":
                chosen = el.get("selected_options")
                chosen = chosen if isinstance(chosen, list) else []
                value = ",".join(str(o.get("value")) for o in chosen if isinstance(o, dict))
            else:
                value = el.get("value")
            out[str(block_id)] = None if value is None else str(value)
    return out


# The forms' fields are the modals' block ids.
FIELD_BLOCKS = {f: Block(f.value) for f in FormField}


def form_errors(lang: Lang, errors: FormErrors) -> dict[str, str]:
    """The service's form errors, under the modal's blocks, in lang."""
    return {FIELD_BLOCKS[f]: t(lang, e.key, **e.params) for f, e in errors.items()}


def modal_source(meta: dict[str, Any] | None) -> dict[str, Any] | None:
    """The new-inquiry modal's metadata when every value in it is what the bot put there."""
    if meta is None:
        return None
    channel, ts, author = meta.get("channel"), meta.get("ts"), meta.get("author")
    if channel is not None and not is_channel_id(channel):
        return None
    if ts is not None and not is_message_ts(ts):
        return None
    if author is not None and not is_user_id(author):
        return None
    return meta


def modal_message(meta: dict[str, Any]) -> MessageRef | None:
    """The message a shortcut's form tracks (None: a plain new-inquiry form)."""
    channel, ts = meta.get("channel"), meta.get("ts")
    return MessageRef("slack", channel, ts) if channel and ts else None


def modal_number(view: dict[str, Any]) -> int | None:
    """The inquiry number a card modal carries, or None when its metadata was tampered with."""
    number = (read_metadata(view) or {}).get("number")
    if isinstance(number, int) and not isinstance(number, bool) and 0 < number <= MAX_NUMBER:
        return number
    return None
