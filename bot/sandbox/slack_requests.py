"""Slack-shaped requests for the bot's `POST /slack/events` (pure functions).

The shapes follow what Slack sends (docs.slack.dev: slash commands, interaction payloads and
the Events API): slash commands are form-encoded fields, interactions are a form field
``payload=<json>``, events are a JSON envelope with an ``event_id``. `sign` produces the
``X-Slack-Signature`` headers over the exact bytes that will be sent.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

TEAM_ID = "T0SANDBOX"
TEAM_DOMAIN = "sandbox"
APP_ID = "A0FAKE"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class Person:
    """Who acts: a user id, their handle and whether they are from another organisation."""

    id: str
    name: str


@dataclass(frozen=True)
class SlackRequest:
    """A body and its content type, ready to be signed and posted."""

    body: bytes
    content_type: str


def sign(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The Slack signature headers for body (timestamp = now, in real seconds)."""
    ts = str(int(now if now is not None else time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None  # only None when the timestamp is missing
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


# ------------------------------------------------------------------ typed text

# What the Slack client does to what a person types before it reaches the app: messages, and
# slash commands whose manifest entry says `should_escape: true` (charterbot's /inquiry does).
# `&`, `<` and `>` become entities; a link becomes `<https://…>`; `@name` of a member becomes
# a mention (`<@U…|name>` in a command, `<@U…>` in a message), `@here`/`@channel`/`@everyone`
# a special mention, and `#name` of a channel `<#C…|name>`. Anything else stays as typed.
_TYPED = re.compile(
    r"(?P<url>(?<![\w|])https?://(?:(?!&[lg]t;)[^\s<>|])+)"
    r"|(?<![\w/@.])@(?P<user>[a-z0-9][a-z0-9._-]*)"
    r"|(?<![\w/&#])#(?P<channel>[a-z0-9][a-z0-9_-]*)",
    re.IGNORECASE,
)
SPECIAL_MENTIONS = ("here", "channel", "everyone")


def escape_typed(text: str) -> str:
    """Slack's entity escaping of typed text: `&`, `<`, `>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def encode_typed(
    text: str,
    *,
    users: Mapping[str, str],
    channels: Mapping[str, str],
    command: bool,
) -> str:
    """The text Slack sends to the app for what a person typed.

    ``users`` and ``channels`` map lower-case names to ids. With ``command`` the shape is the
    one of a slash command with ``should_escape: true`` (mentions carry the name, as in
    ``<@U0MINJI|minji>``); otherwise the one of a message event (``<@U0MINJI>``).
    """

    def link(m: re.Match[str]) -> str:
        if m.group("url"):
            url = m.group("url")
            trail = len(url) - len(url.rstrip(".,;:!?)]'\""))
            if url.endswith("&amp;"):  # an escaped `&` ends in `;`: keep it whole
                trail = 0
            return f"<{url[: len(url) - trail]}>{url[len(url) - trail :]}"
        kind = "user" if m.group("user") else "channel"
        name = m.group(kind)
        rest = ""
        while True:  # `@minji.` at the end of a sentence: the dot is not part of the name
            key = name.lower()
            if kind == "user" and key in SPECIAL_MENTIONS and key not in users:
                return f"<!{key}>{rest}"
            found = (users if kind == "user" else channels).get(key)
            if found:
                if kind == "user":
                    mention = f"<@{found}|{key}>" if command else f"<@{found}>"
                else:
                    mention = f"<#{found}|{key}>"
                return mention + rest
            if len(name) > 1 and name[-1] in "._-":
                name, rest = name[:-1], name[-1] + rest
                continue
            return m.group(0)

    return _TYPED.sub(link, escape_typed(text))


def _user(person: Person) -> dict[str, Any]:
    return {"id": person.id, "username": person.name, "name": person.name, "team_id": TEAM_ID}


def _team() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def _interaction(payload: dict[str, Any]) -> SlackRequest:
    body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()
    return SlackRequest(body, FORM)


def slash_command(
    person: Person,
    *,
    command: str,
    text: str,
    channel_id: str,
    channel_name: str,
    response_url: str,
    trigger_id: str,
) -> SlackRequest:
    """A slash command invocation (form-encoded, like Slack)."""
    form = {
        "token": "sandbox-verification-token",
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": person.id,
        "user_name": person.name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return SlackRequest(urlencode(form).encode(), FORM)


def event_callback(
    event: dict[str, Any],
    *,
    bot_user_id: str,
    event_id: str | None = None,
    event_time: int | None = None,
) -> SlackRequest:
    """An Events API envelope around one event."""
    body = {
        "token": "sandbox-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return SlackRequest(json.dumps(body, ensure_ascii=False).encode(), JSON)


def message_event(
    person: Person,
    *,
    channel: str,
    text: str,
    ts: str,
    thread_ts: str | None = None,
    parent_user_id: str | None = None,
    channel_type: str = "channel",
) -> dict[str, Any]:
    """The `message` event of a person's new message (top level or in a thread)."""
    event: dict[str, Any] = {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "user": person.id,
        "text": text,
        "team": TEAM_ID,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": uuid.uuid4().hex[:5],
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        if parent_user_id:
            event["parent_user_id"] = parent_user_id
    return event


def reaction_added_event(
    person: Person, *, reaction: str, channel: str, ts: str, item_user: str | None, event_ts: str
) -> dict[str, Any]:
    """The `reaction_added` event."""
    event: dict[str, Any] = {
        "type": "reaction_added",
        "user": person.id,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": event_ts,
    }
    if item_user:
        event["item_user"] = item_user
    return event


def app_home_opened_event(
    person: Person,
    *,
    channel: str,
    event_ts: str,
    view: dict[str, Any] | None = None,
    tab: str = "home",
) -> dict[str, Any]:
    """The `app_home_opened` event (sent each time the person opens the tab)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": person.id,
        "channel": channel,
        "tab": tab,
        "event_ts": event_ts,
    }
    if view is not None:
        event["view"] = view
    return event


def public_message(message: Mapping[str, Any]) -> dict[str, Any]:
    """A stored message as Slack puts it into interaction payloads."""
    out = {
        k: v
        for k, v in message.items()
        if k not in ("channel", "edited") and v not in (None, [], "")
    }
    out.setdefault("type", "message")
    out["text"] = message.get("text") or ""
    return out


def message_action(
    person: Person,
    *,
    callback_id: str,
    channel_id: str,
    channel_name: str,
    message: Mapping[str, Any],
    trigger_id: str,
    response_url: str,
) -> SlackRequest:
    """A message shortcut ("Track as inquiry") on one message."""
    return _interaction(
        {
            "type": "message_action",
            "token": "sandbox-verification-token",
            "action_ts": f"{time.time():.6f}",
            "team": _team(),
            "user": _user(person),
            "channel": {"id": channel_id, "name": channel_name},
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": trigger_id,
            "response_url": response_url,
            "message_ts": message["ts"],
            "message": public_message(message),
        }
    )


def block_actions(
    person: Person,
    *,
    actions: list[dict[str, Any]],
    trigger_id: str,
    channel_id: str | None = None,
    channel_name: str | None = None,
    message: Mapping[str, Any] | None = None,
    is_ephemeral: bool = False,
    message_ts: str | None = None,
    response_url: str | None = None,
    view: Mapping[str, Any] | None = None,
    state: dict[str, Any] | None = None,
) -> SlackRequest:
    """A `block_actions` payload from a message (channel given) or from a view."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(person),
        "api_app_id": APP_ID,
        "token": "sandbox-verification-token",
        "trigger_id": trigger_id,
        "team": _team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": actions,
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = {**view, "state": state or {"values": {}}}
    else:
        assert channel_id is not None
        ts = message_ts or (message or {}).get("ts", "")
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        payload["channel"] = {"id": channel_id, "name": channel_name or channel_id}
        if message is not None and not is_ephemeral:
            payload["message"] = public_message(message)
        payload["state"] = state or {"values": {}}
        if response_url:
            payload["response_url"] = response_url
    return _interaction(payload)


def view_submission(
    person: Person, *, view: Mapping[str, Any], state: dict[str, Any], trigger_id: str
) -> SlackRequest:
    """A modal's submission with its input values."""
    return _interaction(
        {
            "type": "view_submission",
            "team": _team(),
            "user": _user(person),
            "api_app_id": APP_ID,
            "token": "sandbox-verification-token",
            "trigger_id": trigger_id,
            "view": {**view, "state": state},
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
    )


def view_closed(
    person: Person, *, view: Mapping[str, Any], is_cleared: bool = False
) -> SlackRequest:
    """The `view_closed` payload (sent only for views with notify_on_close)."""
    return _interaction(
        {
            "type": "view_closed",
            "team": _team(),
            "user": _user(person),
            "api_app_id": APP_ID,
            "token": "sandbox-verification-token",
            "view": dict(view),
            "is_cleared": is_cleared,
            "is_enterprise_install": False,
            "enterprise": None,
        }
    )


# ------------------------------------------------------------------ view state

_VALUE_KEYS = {
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}


def _options_of(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    opts = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        opts.extend(group.get("options") or [])
    return opts


def element_state(element: Mapping[str, Any], raw: Any) -> dict[str, Any]:
    """The state entry Slack reports for one input element given the raw value typed/picked.

    ``raw`` is a string (text, date ``YYYY-MM-DD``, time ``HH:MM``, user id, option value), a
    list of strings for multi-selects, or None/"" when nothing was entered.
    """
    kind = str(element.get("type"))
    key = _VALUE_KEYS.get(kind)
    empty = raw is None or raw == "" or raw == []
    if key is None:  # text-like inputs
        return {"type": kind, "value": None if empty else str(raw)}
    if key == "selected_option":
        chosen = (
            None
            if empty
            else next((o for o in _options_of(element) if o.get("value") == raw), None)
        )
        return {"type": kind, key: chosen}
    if key == "selected_options":
        values = [] if empty else (raw if isinstance(raw, list) else [raw])
        return {"type": kind, key: [o for o in _options_of(element) if o.get("value") in values]}
    if kind.startswith("multi_"):
        return {"type": kind, key: [] if empty else list(raw if isinstance(raw, list) else [raw])}
    if kind == "datetimepicker":
        return {"type": kind, key: None if empty else int(raw)}
    return {"type": kind, key: None if empty else str(raw)}


def view_state(view: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """`view.state` for a submission: every input block, typed like Slack's.

    ``raw`` maps block_id to the raw value of its element (see `element_state`).
    """
    values: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        if block.get("type") != "input" or not isinstance(block.get("element"), dict):
            continue
        element = block["element"]
        block_id, action_id = block.get("block_id"), element.get("action_id")
        if not block_id or not action_id:
            continue
        values[block_id] = {action_id: element_state(element, raw.get(block_id))}
    return {"values": values}


def action_entry(element: Mapping[str, Any], *, block_id: str, raw: Any = None) -> dict[str, Any]:
    """One entry of `block_actions.actions` for a clicked or changed interactive element."""
    kind = str(element.get("type"))
    entry: dict[str, Any] = {
        "action_id": element.get("action_id") or "",
        "block_id": block_id,
        "type": kind,
        "action_ts": f"{time.time():.6f}",
    }
    if kind == "button":
        entry["text"] = element.get("text")
        if "value" in element:
            entry["value"] = element["value"]
        if element.get("style"):
            entry["style"] = element["style"]
        return entry
    if kind == "overflow":
        entry["selected_option"] = next(
            (o for o in _options_of(element) if o.get("value") == raw), None
        )
        return entry
    state = element_state(element, raw)
    state.pop("type", None)
    entry.update(state)
    return {k: v for k, v in entry.items() if v is not None or k.startswith("selected")}
