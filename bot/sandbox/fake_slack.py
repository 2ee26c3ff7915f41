"""A fake Slack Web API served by aiohttp.

It records every call and answers like Slack does, so that bot bugs (too many blocks, a header
that is too long, a missing ``channel``, an expired ``trigger_id``, a 429 that is not retried)
surface in tests instead of in production. The embedded sandbox serves the same application at
run time.

Facts copied from Slack (docs.slack.dev method reference and real error bodies):

* Every method answers HTTP 200 with ``{"ok": false, "error": "<code>"}`` on failure; only rate
  limiting uses HTTP 429 (with a ``Retry-After`` header and ``"error": "ratelimited"``).
* Bad Block Kit in a *message* gives ``invalid_blocks`` with the details twice::

      {"ok": false, "error": "invalid_blocks",
       "errors": ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
       "response_metadata": {"messages": ["[ERROR] must be less than 3001 characters ..."]}}

  Array limits read ``no more than 50 items allowed [json-pointer:/blocks]``.
* Bad Block Kit in a *view* (``views.open``/``update``/``push``/``publish``) does **not** give
  ``invalid_blocks``: Slack answers ``invalid_arguments`` with only
  ``response_metadata.messages`` (e.g. ``[ERROR] no more than 100 items allowed
  [json-pointer:/view/blocks]``). The fake does the same.
* ``chat.update`` keeps the previous ``blocks``/``attachments`` when the field is omitted; an
  empty list removes them.
* ``trigger_id`` expires 3 seconds after the interaction; a second ``views.open`` with the same
  trigger gets ``exchanged_trigger_id``.
* Response URLs answer JSON ``{"ok": true}``; webhooks answer HTTP 400 ``invalid_blocks`` on bad
  blocks.
* ``conversations.history`` / ``conversations.replies`` list a message's ``metadata`` only with
  ``include_all_metadata=true``; ``replies`` lists the parent first, then replies oldest first.
  Both page with ``limit`` and ``response_metadata.next_cursor``.

* Files: the external upload flow only. ``files.getUploadURLExternal`` (``filename``,
  ``length``) answers an ``upload_url`` on this server and a ``file_id``; a POST of the bytes
  there stores them (``length`` must match, else HTTP 400); ``files.completeUploadExternal``
  (``files`` JSON ``[{"id", "title"}]``, ``channel_id``, ``initial_comment``, ``thread_ts``)
  shares them: a message in the channel with ``files`` (``id``, ``name``, ``title``,
  ``mimetype``, ``size``), listed by the history methods. A file id can be completed once.

Deliberate simplifications: no scopes, no membership checks, no other file methods, no
pagination (except history and replies), no
cumulative ``msg_blocks_too_long`` rule (Slack does not document the exact number).
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import itertools
import json
import logging
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web

from bot.sandbox.serving import start_app

__all__ = [
    "FAKE_SLACK_KEY",
    "Call",
    "FakeSlack",
    "validate_message_blocks",
    "validate_view",
]

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# Limits (docs.slack.dev Block Kit reference)
# --------------------------------------------------------------------------------------------

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_ATTACHMENTS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_ID = 255  # block_id, action_id, callback_id, external_id
MAX_VIEW_TITLE = 24  # modal title, submit, close
MAX_INPUT_LABEL = 2000
MAX_INPUT_HINT = 2000
MAX_PLACEHOLDER = 150
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_CHOICE_OPTIONS = 10  # checkboxes, radio_buttons
MAX_OVERFLOW_OPTIONS = 5
MAX_ALT_TEXT = 2000
MAX_MARKDOWN_TEXT = 12_000
MAX_PRIVATE_METADATA = 3000
TRIGGER_TTL_SECONDS = 3.0

_SELECTS = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
_ACTIONS_ELEMENTS = _SELECTS | {
    "button",
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "overflow",
    "radio_buttons",
    "timepicker",
    "workflow_button",
}
_ACCESSORY_ELEMENTS = _ACTIONS_ELEMENTS | {"image"}
_INPUT_ELEMENTS = _SELECTS | {
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "timepicker",
    "url_text_input",
}
_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
_JSON_FIELDS = ("blocks", "view", "attachments", "metadata")
_TRIGGER_RE = re.compile(r"^\d+\.\d+\.[0-9a-zA-Z]+$")


# --------------------------------------------------------------------------------------------
# Block Kit validation
# --------------------------------------------------------------------------------------------


class _Validator:
    """Collects Slack-style error strings: ``<problem> [json-pointer:<path>]``."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, path: str, problem: str) -> None:
        self.errors.append(f"{problem} [json-pointer:{path}]")

    def max_len(self, value: object, path: str, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.err(path, f"must be less than {limit + 1} characters")

    def text(
        self,
        obj: object,
        path: str,
        limit: int,
        *,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        """A composition text object ``{"type": "plain_text"|"mrkdwn", "text": ...}``."""
        if obj is None:
            if required:
                self.err(path, "missing required field")
            return
        if not isinstance(obj, dict):
            self.err(path, "must be an object")
            return
        allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
        kind = obj.get("type")
        if kind not in allowed:
            self.err(path, "failed to match all allowed schemas")
            self.err(f"{path}/type", f"must be one of: {', '.join(allowed)}")
            return
        value = obj.get("text")
        if not isinstance(value, str) or value == "":
            self.err(f"{path}/text", "must be more than 0 characters")
            return
        if len(value) > limit:
            self.err(path, "failed to match all allowed schemas")
            self.max_len(value, f"{path}/text", limit)

    def option(self, obj: object, path: str) -> None:
        if not isinstance(obj, dict):
            self.err(path, "must be an object")
            return
        self.text(obj.get("text"), f"{path}/text", MAX_OPTION_TEXT)
        self.max_len(obj.get("value"), f"{path}/value", MAX_OPTION_VALUE)
        self.text(obj.get("description"), f"{path}/description", MAX_OPTION_TEXT, required=False)

    def options(self, opts: object, path: str, limit: int, *, required: bool = False) -> None:
        if opts is None:
            if required:
                self.err(path, "missing required field")
            return
        if not isinstance(opts, list):
            self.err(path, "must be an array")
            return
        if len(opts) > limit:
            self.err(path, f"no more than {limit} items allowed")
        for i, opt in enumerate(opts):
            self.option(opt, f"{path}/{i}")

    def element(self, el: object, path: str, allowed: frozenset[str] | set[str]) -> None:
        if not isinstance(el, dict):
            self.err(path, "must be an object")
            return
        kind = el.get("type")
        if not isinstance(kind, str) or kind not in allowed:
            self.err(f"{path}/type", f"unsupported type: {kind}")
            return
        action_id = el.get("action_id")
        if action_id is not None and not isinstance(action_id, str):
            self.err(f"{path}/action_id", "must be a string")
        self.max_len(action_id, f"{path}/action_id", MAX_ID)
        self.text(
            el.get("placeholder"),
            f"{path}/placeholder",
            MAX_PLACEHOLDER,
            plain_only=True,
            required=False,
        )
        if kind == "button":
            self.text(el.get("text"), f"{path}/text", MAX_BUTTON_TEXT, plain_only=True)
            self.max_len(el.get("value"), f"{path}/value", MAX_BUTTON_VALUE)
            self.max_len(el.get("url"), f"{path}/url", MAX_URL)
            style = el.get("style")
            if style is not None and style not in ("primary", "danger"):
                self.err(f"{path}/style", "must be one of: primary, danger")
        elif kind in ("static_select", "multi_static_select"):
            if "option_groups" not in el:
                self.options(el.get("options"), f"{path}/options", MAX_OPTIONS, required=True)
        elif kind in ("checkboxes", "radio_buttons"):
            self.options(el.get("options"), f"{path}/options", MAX_CHOICE_OPTIONS, required=True)
        elif kind == "overflow":
            opts = el.get("options")
            self.options(opts, f"{path}/options", MAX_OVERFLOW_OPTIONS, required=True)
            if isinstance(opts, list) and len(opts) < 2:
                self.err(f"{path}/options", "must contain at least 2 items")
        elif kind == "image":
            self.max_len(el.get("image_url"), f"{path}/image_url", MAX_URL)
            if not isinstance(el.get("alt_text"), str):
                self.err(f"{path}/alt_text", "missing required field")

    def unique_action_ids(self, elements: Iterable[object], path: str) -> None:
        seen: set[str] = set()
        for i, el in enumerate(elements):
            if isinstance(el, dict) and isinstance(el.get("action_id"), str):
                aid = el["action_id"]
                if aid in seen:
                    self.err(f"{path}/{i}/action_id", f"duplicate action_id: {aid}")
                seen.add(aid)

    def block(self, block: object, path: str) -> None:
        if not isinstance(block, dict):
            self.err(path, "must be an object")
            return
        kind = block.get("type")
        if not isinstance(kind, str) or kind not in _BLOCK_TYPES:
            self.err(path, "failed to match all allowed schemas")
            self.err(f"{path}/type", f"unsupported type: {kind}")
            return
        block_id = block.get("block_id")
        if block_id is not None and not isinstance(block_id, str):
            self.err(f"{path}/block_id", "must be a string")
        self.max_len(block_id, f"{path}/block_id", MAX_ID)
        check = getattr(self, f"block_{kind}", None)
        if check is not None:
            check(block, path)

    def block_section(self, block: dict[str, Any], path: str) -> None:
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            self.err(path, "must provide either text or fields")
        self.text(text, f"{path}/text", MAX_SECTION_TEXT, required=False)
        if fields is not None:
            if not isinstance(fields, list):
                self.err(f"{path}/fields", "must be an array")
            else:
                if len(fields) > MAX_SECTION_FIELDS:
                    self.err(f"{path}/fields", f"no more than {MAX_SECTION_FIELDS} items allowed")
                for i, f in enumerate(fields):
                    self.text(f, f"{path}/fields/{i}", MAX_FIELD_TEXT)
        if block.get("accessory") is not None:
            self.element(block["accessory"], f"{path}/accessory", _ACCESSORY_ELEMENTS)

    def block_header(self, block: dict[str, Any], path: str) -> None:
        self.text(block.get("text"), f"{path}/text", MAX_HEADER_TEXT, plain_only=True)

    def block_actions(self, block: dict[str, Any], path: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.err(f"{path}/elements", "must contain at least 1 item")
            return
        if len(elements) > MAX_ACTIONS_ELEMENTS:
            self.err(f"{path}/elements", f"no more than {MAX_ACTIONS_ELEMENTS} items allowed")
        for i, el in enumerate(elements):
            self.element(el, f"{path}/elements/{i}", _ACTIONS_ELEMENTS)
        self.unique_action_ids(elements, f"{path}/elements")

    def block_context(self, block: dict[str, Any], path: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            self.err(f"{path}/elements", "must contain at least 1 item")
            return
        if len(elements) > MAX_CONTEXT_ELEMENTS:
            self.err(f"{path}/elements", f"no more than {MAX_CONTEXT_ELEMENTS} items allowed")
        for i, el in enumerate(elements):
            if isinstance(el, dict) and el.get("type") == "image":
                self.element(el, f"{path}/elements/{i}", {"image"})
            else:
                self.text(el, f"{path}/elements/{i}", MAX_SECTION_TEXT)

    def block_input(self, block: dict[str, Any], path: str) -> None:
        self.text(block.get("label"), f"{path}/label", MAX_INPUT_LABEL, plain_only=True)
        self.text(
            block.get("hint"), f"{path}/hint", MAX_INPUT_HINT, plain_only=True, required=False
        )
        if block.get("element") is None:
            self.err(f"{path}/element", "missing required field")
        else:
            self.element(block["element"], f"{path}/element", _INPUT_ELEMENTS)

    def block_image(self, block: dict[str, Any], path: str) -> None:
        if block.get("image_url") is None and block.get("slack_file") is None:
            self.err(path, "must provide either image_url or slack_file")
        self.max_len(block.get("image_url"), f"{path}/image_url", MAX_URL)
        alt = block.get("alt_text")
        if not isinstance(alt, str) or alt == "":
            self.err(f"{path}/alt_text", "must be more than 0 characters")
        self.max_len(alt, f"{path}/alt_text", MAX_ALT_TEXT)
        self.text(
            block.get("title"), f"{path}/title", MAX_ALT_TEXT, plain_only=True, required=False
        )

    def block_markdown(self, block: dict[str, Any], path: str) -> None:
        text = block.get("text")
        if not isinstance(text, str) or text == "":
            self.err(f"{path}/text", "must be more than 0 characters")
        self.max_len(text, f"{path}/text", MAX_MARKDOWN_TEXT)

    def block_rich_text(self, block: dict[str, Any], path: str) -> None:
        if not isinstance(block.get("elements"), list):
            self.err(f"{path}/elements", "missing required field")

    def blocks(self, blocks: object, path: str, limit: int) -> None:
        if not isinstance(blocks, list):
            self.err(path, "must be an array")
            return
        if len(blocks) > limit:
            self.err(path, f"no more than {limit} items allowed")
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            self.block(block, f"{path}/{i}")
            if isinstance(block, dict) and isinstance(block.get("block_id"), str):
                bid = block["block_id"]
                if bid in seen:
                    self.err(f"{path}/{i}/block_id", f"duplicate block_id: {bid}")
                seen.add(bid)


def validate_message_blocks(blocks: object) -> list[str]:
    """Slack-style error strings for the ``blocks`` of a message (empty when valid)."""
    v = _Validator()
    v.blocks(blocks, "/blocks", MAX_MESSAGE_BLOCKS)
    return v.errors


def validate_view(view: object, *, home_only: bool = False) -> list[str]:
    """Slack-style error strings for a view payload (empty when valid)."""
    v = _Validator()
    if not isinstance(view, dict):
        v.err("/view", "must be an object")
        return v.errors
    kind = view.get("type")
    allowed = ("home",) if home_only else ("modal", "home")
    if kind not in allowed:
        v.err("/view", "failed to match all allowed schemas")
        v.err("/view/type", f"must be one of: {', '.join(allowed)}")
        return v.errors
    if kind == "modal":
        v.text(view.get("title"), "/view/title", MAX_VIEW_TITLE, plain_only=True)
        v.text(view.get("submit"), "/view/submit", MAX_VIEW_TITLE, plain_only=True, required=False)
        v.text(view.get("close"), "/view/close", MAX_VIEW_TITLE, plain_only=True, required=False)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            v.err("/view/submit", "submit is required when an input block is present")
    v.max_len(view.get("callback_id"), "/view/callback_id", MAX_ID)
    v.max_len(view.get("external_id"), "/view/external_id", MAX_ID)
    v.max_len(view.get("private_metadata"), "/view/private_metadata", MAX_PRIVATE_METADATA)
    if "blocks" not in view:
        v.err("/view/blocks", "missing required field")
    else:
        v.blocks(view.get("blocks"), "/view/blocks", MAX_VIEW_BLOCKS)
    return v.errors


# --------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One request the fake received, with the body it answered."""

    method: str  # e.g. "chat.postMessage", or "response_url" for response_url posts
    args: dict[str, Any]  # merged params; JSON-string fields decoded; no token
    at: float  # time.monotonic() when the request arrived
    response: dict[str, Any]
    status: int = 200  # HTTP status answered (extra to the brief; default keeps it compatible)
    path: str = ""  # request path, e.g. "/api/chat.postMessage" or "/response/R0001"


@dataclass
class _Fault:
    status: int
    times: int
    retry_after: int | None
    delay: float
    error: str | None


@dataclass
class _Bucket:
    tokens: float
    updated: float


class _ApiError(Exception):
    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


Listener = Callable[[Call], Awaitable[None] | None]


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _invalid_blocks(errors: list[str]) -> _ApiError:
    return _ApiError(
        "invalid_blocks",
        errors=errors,
        response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
    )


def _invalid_arguments(messages: list[str]) -> _ApiError:
    return _ApiError(
        "invalid_arguments",
        response_metadata={"messages": [f"[ERROR] {m}" for m in messages]},
    )


def _tz_offset(tz: str) -> tuple[int, str]:
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return 0, tz
    offset = now.utcoffset()
    return int(offset.total_seconds()) if offset else 0, now.tzname() or tz


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeSlack:
    """In-memory Slack workspace answering the Web API over HTTP.

    Typical use::

        fake = FakeSlack()
        fake.add_channel("C1", "general")
        base_url = await fake.start()
        client = AsyncWebClient(token=fake.token, base_url=base_url)
        ...
        await fake.stop()
    """

    def __init__(
        self,
        *,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        team_id: str = "T0TEST",
        token: str = "xoxb-test",
    ) -> None:
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.team_id = team_id
        self.token = token
        self.team_name = "Fake Team"
        self.app_id = "A0FAKE"
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.on_call: list[Listener] = []
        self.rate_limit_per_channel: float | None = None
        self.ratelimited_count = 0
        # When False, unknown C/G channel ids are created on first use instead of failing.
        self.strict_channels = True
        # Seconds a trigger_id issued by new_trigger_id() stays valid.
        self.trigger_ttl = TRIGGER_TTL_SECONDS
        # Optional wall clock for message ts (the sandbox passes its settable clock).
        self.ts_clock: Callable[[], float] | None = None
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._order: list[tuple[str, str]] = []  # (channel, ts) in post order
        self._dm_by_user: dict[str, str] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._triggers: dict[str, tuple[float, bool]] = {}  # id -> (issued_at, used)
        self._response_urls: dict[str, dict[str, str | None]] = {}
        self._ids = itertools.count(1)
        self._last_ts_us = 1_700_000_000_000_000  # message ts in integer microseconds
        self._runner: web.AppRunner | None = None
        self._root_url: str | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "users.getPresence": self._users_get_presence,
            "users.profile.get": self._users_profile_get,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "reactions.add": self._reactions_add,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }
        # file id -> {name, length, alt_txt, data (bytes once uploaded), shared}
        self.files: dict[str, dict[str, Any]] = {}
        self.add_user(bot_user_id, "charterbot", is_bot=True)

    # ---------------------------------------------------------------- workspace set-up

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        locale: str = "en-US",
        is_bot: bool = False,
        tz: str = "Asia/Seoul",
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "real_name": name,
            "locale": locale,
            "tz": tz,
            "is_bot": is_bot,
            "presence": "active",
            "manual_away": False,
            "status_emoji": "",
            "status_text": "",
        }

    def set_status(
        self, user_id: str, *, emoji: str = "", text: str = "", away: bool | None = None
    ) -> None:
        """Set a user's status (emoji, text) and, when given, presence set away by hand."""
        user = self.users[user_id]
        user["status_emoji"], user["status_text"] = emoji, text
        if away is not None:
            user["presence"] = "away" if away else "active"
            user["manual_away"] = away

    def add_channel(self, channel_id: str, name: str) -> None:
        self.channels[channel_id] = {"id": channel_id, "name": name, "is_im": False}

    def dm_channel_for(self, user_id: str) -> str:
        """The bot's DM channel id with ``user_id`` (stable, created on first use)."""
        channel = self._dm_by_user.get(user_id)
        if channel is None:
            channel = "D" + (user_id[1:] if user_id[:1] in ("U", "W") else user_id)
            while channel in self.channels and not self.channels[channel].get("is_im"):
                channel += "X"
            self._dm_by_user[user_id] = channel
            self.channels[channel] = {
                "id": channel,
                "name": user_id,
                "is_im": True,
                "user": user_id,
            }
        return channel

    # ---------------------------------------------------------------- server lifecycle

    def make_app(self) -> web.Application:
        app = web.Application()
        self.add_routes(app)
        return app

    def add_routes(self, app: web.Application) -> None:
        """Serve ``/api/{method}`` and ``/response/{rid}`` from an existing application."""
        app[FAKE_SLACK_KEY] = self
        app.router.add_route("POST", "/api/{method}", self._handle_api)
        app.router.add_route("GET", "/api/{method}", self._handle_api)
        app.router.add_route("POST", "/response/{rid}", self._handle_response_url)
        app.router.add_route("POST", "/upload/{file_id}", self._handle_upload)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        if self._runner is not None:
            raise RuntimeError("FakeSlack already started")
        self._runner, self._root_url = await start_app(self.make_app(), host, port)
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def root_url(self) -> str:
        """Server root without ``/api/``; settable when the app is mounted elsewhere."""
        if self._root_url is None:
            raise RuntimeError("FakeSlack not started: call start() or set root_url")
        return self._root_url

    @root_url.setter
    def root_url(self, value: str) -> None:
        self._root_url = value.rstrip("/")

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/api/"

    def new_response_url(
        self, *, channel: str | None = None, ts: str | None = None, user: str | None = None
    ) -> str:
        """A response URL on this server. With ``channel``/``ts`` set, ``replace_original`` and
        ``delete_original`` act on that message, ``response_type: in_channel`` posts to the
        channel, anything else becomes an ephemeral message for ``user``."""
        # Unguessable, like Slack's: a page on another site must not be able to post to one.
        rid = f"R{next(self._ids):06d}{secrets.token_hex(8)}"
        self._response_urls[rid] = {"channel": channel, "ts": ts, "user": user}
        return f"{self.root_url}/response/{rid}"

    def new_trigger_id(self) -> str:
        """A trigger id that expires after ``trigger_ttl`` seconds and works once."""
        trigger = f"{next(self._ids)}.{int(time.time())}.{secrets.token_hex(8)}"
        self._triggers[trigger] = (time.monotonic(), False)
        return trigger

    # ---------------------------------------------------------------- inspection

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current messages (after updates/deletes) in post order, as deep copies."""
        out: list[dict[str, Any]] = []
        for ch, ts in self._order:
            if channel is not None and ch != channel:
                continue
            msg = self._find(ch, ts)
            if msg is not None:
                out.append(copy.deepcopy(msg))
        return out

    def channel_messages(self, channel: str) -> list[dict[str, Any]]:
        """The stored messages of one channel in ts order, top level and replies (not copies:
        read them, do not change them)."""
        return list(self._messages.get(channel, []))

    def get_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """A deep copy of one stored message, or None."""
        msg = self._find(channel, ts)
        return copy.deepcopy(msg) if msg is not None else None

    def response_target(self, rid: str) -> dict[str, str | None] | None:
        """What a response URL id (``R000123``) acts on: channel, ts and user."""
        target = self._response_urls.get(rid)
        return dict(target) if target is not None else None

    def toggle_user_reaction(self, channel: str, ts: str, user: str, name: str) -> bool | None:
        """Add (True) or remove (False) a person's reaction; None when the message is gone."""
        msg = self._find(channel, ts)
        if msg is None:
            return None
        for reaction in msg["reactions"]:
            if reaction["name"] == name:
                if user in reaction["users"]:
                    reaction["users"].remove(user)
                    reaction["count"] -= 1
                    if reaction["count"] <= 0:
                        msg["reactions"].remove(reaction)
                    return False
                reaction["users"].append(user)
                reaction["count"] += 1
                return True
        msg["reactions"].append({"name": name, "users": [user], "count": 1})
        return True

    def snapshot(self) -> dict[str, Any]:
        """The workspace's content as JSON-ready data (messages, ephemerals, views, DMs)."""
        return copy.deepcopy(
            {
                "messages": self._messages,
                "order": [list(pair) for pair in self._order],
                "ephemerals": self.ephemerals,
                "views": self.views,
                "home_views": self.home_views,
                "dm_by_user": self._dm_by_user,
                "dm_channels": {k: v for k, v in self.channels.items() if v.get("is_im")},
                "last_ts_us": self._last_ts_us,
                "next_id": next(self._ids),
            }
        )

    def restore(self, data: Mapping[str, Any]) -> None:
        """Load what snapshot() returned (users and public channels stay as set up)."""
        data = copy.deepcopy(dict(data))
        self._messages = data.get("messages") or {}
        self._order = [(str(c), str(t)) for c, t in data.get("order") or []]
        self.ephemerals = data.get("ephemerals") or []
        self.views = data.get("views") or {}
        self.home_views = data.get("home_views") or {}
        self._dm_by_user = data.get("dm_by_user") or {}
        self.channels.update(data.get("dm_channels") or {})
        self._last_ts_us = max(self._last_ts_us, int(data.get("last_ts_us") or 0))
        self._ids = itertools.count(int(data.get("next_id") or 1))

    def clear(self) -> None:
        """Forget calls, messages, views, faults and rate-limit state; keep users/channels."""
        self.calls.clear()
        self._messages.clear()
        self._order.clear()
        self.ephemerals.clear()
        self.views.clear()
        self.home_views.clear()
        self.files.clear()
        self._faults.clear()
        self._buckets.clear()
        self._triggers.clear()
        self.ratelimited_count = 0

    # ---------------------------------------------------------------- fault injection

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        delay: float = 0.0,
        error: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` misbehave.

        * ``error`` set: HTTP 200 ``{"ok": false, "error": error}``.
        * ``retry_after`` set: HTTP 429 (unless another 4xx/5xx ``status`` is given) with a
          ``Retry-After`` header and ``"error": "ratelimited"``.
        * ``delay`` only: sleep ``delay`` seconds, then answer normally (client timeouts).
        * otherwise: HTTP ``status`` with ``{"ok": false, "error": "internal_error"}``.

        ``delay`` also applies before the other three. ``method`` may be ``"response_url"``.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        self._faults.setdefault(method, deque()).append(
            _Fault(status=status, times=times, retry_after=retry_after, delay=delay, error=error)
        )

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.popleft()
        return fault

    async def _apply_fault(
        self, fault: _Fault
    ) -> tuple[dict[str, Any], int, dict[str, str]] | None:
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if fault.error is not None:
            return {"ok": False, "error": fault.error}, 200, {}
        if fault.retry_after is not None:
            status = 429 if fault.status == 500 else fault.status
            return (
                {"ok": False, "error": "ratelimited"},
                status,
                {"Retry-After": str(fault.retry_after)},
            )
        if fault.delay > 0:
            return None
        error = "ratelimited" if fault.status == 429 else "internal_error"
        headers = {"Retry-After": "1"} if fault.status == 429 else {}
        return {"ok": False, "error": error}, fault.status, headers

    # ---------------------------------------------------------------- HTTP plumbing

    async def _read_args(self, request: web.Request) -> tuple[dict[str, Any], str | None]:
        """Merged query + body args and a parse error code (if any)."""
        args: dict[str, Any] = dict(request.query)
        error: str | None = None
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except (json.JSONDecodeError, UnicodeDecodeError):
                    return args, "invalid_json"
                if not isinstance(body, dict):
                    return args, "invalid_json"
                args.update(body)
            else:
                form = await request.post()
                for key, field_value in form.items():
                    if isinstance(field_value, str):
                        args[key] = field_value
        for key in _JSON_FIELDS:
            value = args.get(key)
            if isinstance(value, str) and value != "":
                try:
                    args[key] = json.loads(value)
                except json.JSONDecodeError:
                    error = error or (
                        "invalid_blocks_format" if key == "blocks" else "invalid_arguments"
                    )
        return args, error

    @staticmethod
    def _token_of(request: web.Request, args: dict[str, Any]) -> str | None:
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip() or None
        token = args.get("token")
        return token if isinstance(token, str) and token else None

    async def _handle_api(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        args, parse_error = await self._read_args(request)
        token = self._token_of(request, args)
        args.pop("token", None)

        outcome: tuple[dict[str, Any], int, dict[str, str]] | None = None
        fault = self._take_fault(method)
        if fault is not None:
            outcome = await self._apply_fault(fault)
        if outcome is None:
            outcome = self._dispatch(method, args, token, parse_error)
        body, status, headers = outcome
        await self._record(Call(method, args, at, body, status, request.path))
        return web.json_response(body, status=status, headers=headers)

    def _dispatch(
        self, method: str, args: dict[str, Any], token: str | None, parse_error: str | None
    ) -> tuple[dict[str, Any], int, dict[str, str]]:
        handler = self._methods.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}, 200, {}
        if parse_error is not None:
            return {"ok": False, "error": parse_error}, 200, {}
        if method != "api.test":
            if token is None:
                return {"ok": False, "error": "not_authed"}, 200, {}
            if token != self.token:
                return {"ok": False, "error": "invalid_auth"}, 200, {}
        if method == "chat.postMessage" and self._rate_limited(args):
            self.ratelimited_count += 1
            return {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": "1"}
        try:
            return handler(args), 200, {}
        except _ApiError as e:
            return {"ok": False, "error": e.error, **e.extra}, 200, {}

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        for listener in list(self.on_call):
            try:
                result = listener(call)
                if inspect.isawaitable(result):
                    await result
            except Exception:  # a broken listener must not break the fake
                log.exception("FakeSlack on_call listener failed")

    def _rate_limited(self, args: dict[str, Any]) -> bool:
        rate = self.rate_limit_per_channel
        channel = args.get("channel")
        if rate is None or rate <= 0 or not isinstance(channel, str) or not channel:
            return False
        key = self.dm_channel_for(channel) if channel in self.users else channel
        now = time.monotonic()
        capacity = max(1.0, rate)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=capacity, updated=now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens < 1.0:
            return True
        bucket.tokens -= 1.0
        return False

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        rid = request.match_info["rid"]
        args: dict[str, Any] = {}
        body: dict[str, Any]
        status = 200
        try:
            if request.content_type == "application/json":
                raw = await request.json()
                args = raw if isinstance(raw, dict) else {}
            else:
                form = await request.post()
                raw_payload = form.get("payload")
                args = json.loads(raw_payload) if isinstance(raw_payload, str) else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            args = {}
        headers: dict[str, str] = {}
        outcome: tuple[dict[str, Any], int, dict[str, str]] | None = None
        fault = self._take_fault("response_url")
        if fault is not None:
            outcome = await self._apply_fault(fault)
        if outcome is None:
            try:
                body = self._response_url_post(rid, args)
            except _ApiError as e:
                status = 404 if e.error == "expired_url" else 400
                body = {"ok": False, "error": e.error, **e.extra}
        else:
            body, status, headers = outcome
        await self._record(Call("response_url", args, at, body, status, request.path))
        return web.json_response(body, status=status, headers=headers)

    # ---------------------------------------------------------------- message store helpers

    def _next_ts(self) -> str:
        """Unique, increasing ts like ``1700000000.000100`` (or from ``ts_clock``)."""
        if self.ts_clock is not None:
            micros = max(int(self.ts_clock() * 1_000_000), self._last_ts_us + 1)
        else:
            micros = self._last_ts_us + 100
        self._last_ts_us = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        for msg in self._messages.get(channel, []):
            if msg["ts"] == ts:
                return msg
        return None

    def _resolve_channel(self, value: object, *, allow_user: bool = True) -> str:
        if not isinstance(value, str) or not value:
            raise _ApiError("channel_not_found")
        if value in self.channels:
            return value
        if value.startswith("#"):
            for ch in self.channels.values():
                if ch["name"] == value[1:]:
                    return str(ch["id"])
            raise _ApiError("channel_not_found")
        if allow_user and value in self.users:
            return self.dm_channel_for(value)
        if not self.strict_channels and value[:1] in ("C", "G"):
            self.add_channel(value, value.lower())
            return value
        raise _ApiError("channel_not_found")

    @staticmethod
    def _check_content(args: dict[str, Any], *, require: bool = True) -> None:
        """Shared message checks: decoded fields, text length, blocks, attachments."""
        text = args.get("text")
        blocks = args.get("blocks")
        attachments = args.get("attachments")
        if require and not text and not blocks and not attachments:
            raise _ApiError("no_text")
        if text is not None and not isinstance(text, str):
            raise _ApiError("invalid_arguments")
        if isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
            raise _ApiError("msg_too_long")
        if blocks is not None:
            errors = validate_message_blocks(blocks)
            if errors:
                raise _invalid_blocks(errors)
        if attachments is not None:
            if not isinstance(attachments, list):
                raise _ApiError("invalid_attachments")
            if len(attachments) > MAX_ATTACHMENTS:
                raise _ApiError("too_many_attachments")
        metadata = args.get("metadata")
        if metadata is not None and (
            not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str)
        ):
            raise _ApiError("invalid_metadata_format")

    def _store(self, channel: str, args: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        msg: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "ts": ts,
            "text": args.get("text") or "",
            "blocks": copy.deepcopy(args.get("blocks")) or [],
            "attachments": copy.deepcopy(args.get("attachments")) or [],
            "thread_ts": args.get("thread_ts") or None,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "metadata": copy.deepcopy(args.get("metadata")),
            "reactions": [],
            "edited": None,
        }
        self._messages.setdefault(channel, []).append(msg)
        self._order.append((channel, ts))
        return msg

    @staticmethod
    def _public_message(msg: Mapping[str, Any]) -> dict[str, Any]:
        """The ``message`` object Slack echoes back (absent fields omitted)."""
        out = {
            k: copy.deepcopy(v)
            for k, v in msg.items()
            if k not in ("channel", "reactions", "edited") and v not in (None, [])
        }
        out["text"] = msg["text"]
        if msg.get("edited"):
            out["edited"] = dict(msg["edited"])
        return out

    # ---------------------------------------------------------------- methods

    def post_user_message(
        self, channel: str, user: str, text: str, *, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """Store a message typed by a person (not the bot); return it with its ts."""
        msg = self._store(channel, {"text": text, "thread_ts": thread_ts})
        msg.update(user=user, bot_id=None, app_id=None)
        return msg

    @staticmethod
    def _window(args: dict[str, Any]) -> Callable[[str], bool]:
        """The oldest/latest/inclusive filter of conversations.history and .replies."""
        latest = float(str(args.get("latest") or "9999999999.999999"))
        oldest = float(str(args.get("oldest") or "0"))
        inclusive = _truthy(args.get("inclusive"))

        def inside(ts: str) -> bool:
            if inclusive:
                return oldest <= float(ts) <= latest
            return oldest < float(ts) < latest

        return inside

    def _listed(self, msg: Mapping[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        """A message as history/replies list it: metadata only with include_all_metadata."""
        out = self._public_message(msg)
        if not _truthy(args.get("include_all_metadata")):
            out.pop("metadata", None)
        return out

    @staticmethod
    def _page(found: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
        """Cut a list into pages of ``limit`` with an opaque ``next_cursor``."""
        limit = max(1, int(args.get("limit") or 100))
        start = 0
        cursor = args.get("cursor")
        if isinstance(cursor, str) and cursor.startswith("off:"):
            try:
                start = max(0, int(cursor[4:]))
            except ValueError:
                raise _ApiError("invalid_cursor") from None
        elif cursor:
            raise _ApiError("invalid_cursor")
        page = found[start : start + limit]
        has_more = start + limit < len(found)
        body: dict[str, Any] = {"ok": True, "messages": page, "has_more": has_more}
        body["response_metadata"] = {"next_cursor": f"off:{start + limit}" if has_more else ""}
        return body

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"), allow_user=False)
        inside = self._window(args)
        found = [
            self._listed(m, args)
            for m in reversed(self._messages.get(channel, []))
            if inside(m["ts"]) and not (m.get("thread_ts") and m["thread_ts"] != m["ts"])
        ]
        return self._page(found, args)

    def _conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """The parent first, then its replies oldest first (the parent is always listed)."""
        channel = self._resolve_channel(args.get("channel"), allow_user=False)
        ts = args.get("ts")
        if not isinstance(ts, str) or not ts:
            raise _ApiError("invalid_arguments")
        parent = self._find(channel, ts)
        if parent is None:
            raise _ApiError("thread_not_found")
        inside = self._window(args)
        replies = [
            self._listed(m, args)
            for m in self._messages.get(channel, [])
            if m.get("thread_ts") == ts and m["ts"] != ts and inside(m["ts"])
        ]
        return self._page([self._listed(parent, args), *replies], args)

    def _api_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "args": {k: v for k, v in args.items() if isinstance(v, str)}}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack/",
            "team": self.team_name,
            "user": self.users[self.bot_user_id]["name"],
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        self._check_content(args)
        msg = self._store(channel, args)
        return {
            "ok": True,
            "channel": channel,
            "ts": msg["ts"],
            "message": self._public_message(msg),
        }

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        user = args.get("user")
        if not isinstance(user, str) or not user:
            raise _ApiError("user_not_found")
        if user not in self.users:
            raise _ApiError("user_not_in_channel")
        self._check_content(args)
        ts = self._next_ts()
        self.ephemerals.append(
            {
                "channel": channel,
                "user": user,
                "ts": ts,
                "text": args.get("text") or "",
                "blocks": copy.deepcopy(args.get("blocks")) or [],
                "thread_ts": args.get("thread_ts") or None,
            }
        )
        return {"ok": True, "message_ts": ts}

    def _existing(self, args: dict[str, Any], ts_key: str) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        ts = args.get(ts_key)
        msg = self._find(channel, ts) if isinstance(ts, str) else None
        if msg is None:
            raise _ApiError("message_not_found")
        return msg

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self._existing(args, "ts")
        self._check_content(args)
        if "text" in args:
            msg["text"] = args.get("text") or ""
        if "blocks" in args:
            msg["blocks"] = copy.deepcopy(args["blocks"]) or []
        if "attachments" in args:
            msg["attachments"] = copy.deepcopy(args["attachments"]) or []
        if "metadata" in args:
            msg["metadata"] = copy.deepcopy(args["metadata"])
        msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": msg["channel"],
            "ts": msg["ts"],
            "text": msg["text"],
            "message": self._public_message(msg),
        }

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self._existing(args, "ts")
        self._messages[msg["channel"]].remove(msg)
        return {"ok": True, "channel": msg["channel"], "ts": msg["ts"]}

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self._existing(args, "message_ts")
        # The workspace's own page (the sandbox serves it at root_url) opens the channel and
        # scrolls to the message: `#<channel>/<ts>` (see route() in static/app.js).
        link = f"{self.root_url}/#{msg['channel']}/{msg['ts']}"
        if msg.get("thread_ts") and msg["thread_ts"] != msg["ts"]:
            link += f"/{msg['thread_ts']}"
        return {"ok": True, "channel": msg["channel"], "permalink": link}

    def _check_trigger(self, args: dict[str, Any]) -> None:
        trigger = args.get("trigger_id") or args.get("interactivity_pointer")
        if not isinstance(trigger, str) or not trigger:
            raise _invalid_arguments(["missing required field: trigger_id"])
        issued = self._triggers.get(trigger)
        if issued is None:
            if not _TRIGGER_RE.match(trigger):
                raise _ApiError("invalid_trigger_id")
            return
        issued_at, used = issued
        if used:
            raise _ApiError("exchanged_trigger_id")
        if time.monotonic() - issued_at > self.trigger_ttl:
            raise _ApiError("expired_trigger_id")
        self._triggers[trigger] = (issued_at, True)

    def _check_view(self, args: dict[str, Any], *, home_only: bool = False) -> dict[str, Any]:
        view = args.get("view")
        if view is None:
            raise _invalid_arguments(["missing required field: view"])
        errors = validate_view(view, home_only=home_only)
        if errors:
            raise _invalid_arguments(errors)
        assert isinstance(view, dict)
        return view

    def _make_view(
        self,
        view: dict[str, Any],
        *,
        view_id: str | None = None,
        root_view_id: str | None = None,
        previous_view_id: str | None = None,
    ) -> dict[str, Any]:
        vid = view_id or f"V{next(self._ids):08d}"
        external_id = view.get("external_id") or ""
        if external_id:
            for other in self.views.values():
                if other["external_id"] == external_id and other["id"] != vid:
                    raise _ApiError("duplicate_external_id")
        stored: dict[str, Any] = {
            "id": vid,
            "team_id": self.team_id,
            "type": view["type"],
            "title": copy.deepcopy(view.get("title")),
            "submit": copy.deepcopy(view.get("submit")),
            "close": copy.deepcopy(view.get("close")),
            "blocks": copy.deepcopy(view.get("blocks")) or [],
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
            "external_id": external_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root_view_id or vid,
            "previous_view_id": previous_view_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
        }
        self.views[vid] = stored
        return copy.deepcopy(stored)

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_trigger(args)
        view = self._check_view(args)
        return {"ok": True, "view": self._make_view(view)}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        self._check_trigger(args)
        view = self._check_view(args)
        if view.get("type") != "modal":
            raise _invalid_arguments(["must be one of: modal [json-pointer:/view/type]"])
        return {"ok": True, "view": self._make_view(view)}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not view_id and not external_id:
            raise _invalid_arguments(["either view_id or external_id is required"])
        current = self.views.get(view_id) if isinstance(view_id, str) else None
        if current is None and external_id:
            current = next(
                (v for v in self.views.values() if v["external_id"] == external_id), None
            )
        if current is None:
            raise _ApiError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise _ApiError("hash_conflict")
        view = self._check_view(args)
        if external_id and not view.get("external_id"):
            view = {**view, "external_id": external_id}
        return {
            "ok": True,
            "view": self._make_view(
                view,
                view_id=current["id"],
                root_view_id=current["root_view_id"],
                previous_view_id=current["previous_view_id"],
            ),
        }

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = args.get("filename")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if not isinstance(filename, str) or not filename or length <= 0:
            raise _ApiError("missing_argument")
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = {
            "name": filename,
            "length": length,
            "alt_txt": str(args.get("alt_txt") or ""),
            "data": None,
            "shared": False,
        }
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """The upload URL: the file's bytes, raw or as a multipart `file` field."""
        file_id = request.match_info["file_id"]
        entry = self.files.get(file_id)
        if entry is None:
            return web.Response(status=404, text="unknown upload")
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            field = form.get("file") or form.get("filename")
            data = field.file.read() if isinstance(field, web.FileField) else b""
        else:
            data = await request.read()
        status = 200 if len(data) == entry["length"] else 400
        await self._record(
            Call(
                "upload",
                {"file_id": file_id, "size": len(data)},
                time.monotonic(),
                {},
                status,
                request.path,
            )
        )
        if status != 200:
            return web.Response(status=400, text="length mismatch")
        entry["data"] = data
        return web.Response(status=200, text=f"OK - {len(data)}")

    def _files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if isinstance(files, str):
            try:
                files = json.loads(files)
            except json.JSONDecodeError:
                raise _ApiError("invalid_arguments") from None
        if not isinstance(files, list) or not files:
            raise _invalid_arguments(["missing required field: files"])
        shared: list[dict[str, Any]] = []
        for item in files:
            file_id = item.get("id") if isinstance(item, dict) else None
            entry = self.files.get(file_id) if isinstance(file_id, str) else None
            if entry is None or entry["data"] is None or entry["shared"]:
                raise _ApiError("file_not_found" if entry is None else "invalid_arguments")
            entry["shared"] = True
            shared.append(
                {
                    "id": file_id,
                    "name": entry["name"],
                    "title": str(item.get("title") or entry["name"]),
                    "mimetype": "image/png" if entry["name"].endswith(".png") else "",
                    "size": entry["length"],
                    "alt_txt": entry["alt_txt"],
                }
            )
        channel_id = args.get("channel_id")
        if channel_id:
            channel = self._resolve_channel(channel_id)
            msg = self._store(
                channel,
                {
                    "text": str(args.get("initial_comment") or ""),
                    "thread_ts": args.get("thread_ts"),
                },
            )
            msg["files"] = shared
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user_id")
        if not isinstance(user_id, str) or not user_id:
            raise _invalid_arguments(["missing required field: user_id"])
        if user_id not in self.users:
            raise _ApiError("user_not_found")
        view = self._check_view(args, home_only=True)
        previous = self.home_views.get(user_id)
        if previous is not None and args.get("hash") and args["hash"] != previous["hash"]:
            raise _ApiError("hash_conflict")
        stored = self._make_view(view, view_id=previous["id"] if previous else None)
        self.home_views[user_id] = stored
        return {"ok": True, "view": stored}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user")
        user = self.users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            raise _ApiError("user_not_found")
        offset, label = _tz_offset(user["tz"])
        out: dict[str, Any] = {
            "id": user["id"],
            "team_id": self.team_id,
            "name": user["name"],
            "real_name": user["real_name"],
            "deleted": False,
            "tz": user["tz"],
            "tz_label": label,
            "tz_offset": offset,
            "is_bot": user["is_bot"],
            "is_app_user": False,
            "profile": {
                "real_name": user["real_name"],
                "display_name": user["name"],
                "team": self.team_id,
            },
        }
        if user["is_bot"] and user["id"] == self.bot_user_id:
            out["profile"]["bot_id"] = self.bot_id
        if _truthy(args.get("include_locale")):
            out["locale"] = user["locale"]
        return {"ok": True, "user": out}

    def _user_arg(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = args.get("user")
        user = self.users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            raise _ApiError("user_not_found")
        return user

    def _users_get_presence(self, args: dict[str, Any]) -> dict[str, Any]:
        # Slack: `presence` active|away; `manual_away` only for the calling user, but an
        # app's bot token sees it for anyone in the workspace it may read
        user = self._user_arg(args)
        return {"ok": True, "presence": user["presence"], "manual_away": user["manual_away"]}

    def _users_profile_get(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._user_arg(args)
        return {
            "ok": True,
            "profile": {
                "real_name": user["real_name"],
                "display_name": user["name"],
                "status_emoji": user["status_emoji"],
                "status_text": user["status_text"],
                "status_expiration": 0,
            },
        }

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            channel = self._resolve_channel(args["channel"], allow_user=False)
            return {"ok": True, "channel": {"id": channel}}
        users = args.get("users")
        if isinstance(users, list):
            ids = [str(u) for u in users]
        elif isinstance(users, str) and users:
            ids = [u.strip() for u in users.split(",") if u.strip()]
        else:
            raise _ApiError("users_list_not_supplied")
        for uid in ids:
            if uid not in self.users:
                raise _ApiError("user_not_found")
        if len(ids) == 1:
            channel = self.dm_channel_for(ids[0])
            existed = True
        else:
            key = ",".join(sorted(ids))
            existed = key in self._dm_by_user
            channel = self._dm_by_user.setdefault(key, f"G{next(self._ids):08d}")
            self.channels.setdefault(
                channel, {"id": channel, "name": f"mpdm-{key}", "is_im": False, "is_mpim": True}
            )
        response: dict[str, Any] = {"ok": True, "channel": {"id": channel}}
        if existed:
            response.update(no_op=True, already_open=True)
        return response

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"), allow_user=False)
        info = self.channels[channel]
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": info["name"],
                "is_im": info.get("is_im", False),
                "is_channel": not info.get("is_im", False),
                "is_member": True,
                **({"user": info["user"]} if "user" in info else {}),
                **(
                    {"locale": self.users.get(info.get("user", ""), {}).get("locale", "en-US")}
                    if _truthy(args.get("include_locale"))
                    else {}
                ),
            },
        }

    def _reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel") or not args.get("timestamp"):
            raise _ApiError("no_item_specified")
        name = args.get("name")
        if not isinstance(name, str) or not name or ":" in name:
            raise _ApiError("invalid_name")
        msg = self._existing(args, "timestamp")
        for reaction in msg["reactions"]:
            if reaction["name"] == name:
                if self.bot_user_id in reaction["users"]:
                    raise _ApiError("already_reacted")
                reaction["users"].append(self.bot_user_id)
                reaction["count"] += 1
                return {"ok": True}
        msg["reactions"].append({"name": name, "users": [self.bot_user_id], "count": 1})
        return {"ok": True}

    def _response_url_post(self, rid: str, args: dict[str, Any]) -> dict[str, Any]:
        target = self._response_urls.get(rid)
        if target is None:
            raise _ApiError("expired_url")
        if not _truthy(args.get("delete_original")):
            self._check_content(args)
        channel, ts, user = target["channel"], target["ts"], target["user"]
        if channel is None:
            return {"ok": True}
        original = self._find(channel, ts) if ts else None
        if _truthy(args.get("delete_original")):
            if original is not None:
                self._messages[channel].remove(original)
        elif _truthy(args.get("replace_original")) and original is not None:
            original["text"] = args.get("text") or ""
            original["blocks"] = copy.deepcopy(args.get("blocks")) or []
            if "attachments" in args:
                original["attachments"] = copy.deepcopy(args["attachments"]) or []
            original["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        elif args.get("response_type") == "in_channel":
            self._store(channel, {**args, "thread_ts": args.get("thread_ts")})
        else:
            self.ephemerals.append(
                {
                    "channel": channel,
                    "user": user,
                    "ts": self._next_ts(),
                    "text": args.get("text") or "",
                    "blocks": copy.deepcopy(args.get("blocks")) or [],
                    "thread_ts": args.get("thread_ts") or None,
                }
            )
        return {"ok": True}


FAKE_SLACK_KEY: web.AppKey[FakeSlack] = web.AppKey("fake_slack", FakeSlack)
