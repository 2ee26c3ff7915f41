"""Decide whether an HTTP request comes from Slack before anything reads its body.

`POST /slack/events` runs `check_signature` on the raw bytes and headers first; only a request
that passes reaches Bolt, which does not check again (bot/app.py turns its own verification
off: this is the only way in). `slack_sdk`'s verifier calls `int()` on the timestamp
unguarded, so a timestamp like `abc` made it raise and Bolt's error handler then acted on
the unverified body: everything here refuses malformed input instead of raising.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Slack's own verifier (and Bolt's) accept five minutes of clock difference either way.
MAX_AGE = 60 * 5
SLACK_HOOKS_HOST = "hooks.slack.com"
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # not \d: int() would accept other scripts' digits
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def check_signature(
    secret: str,
    body: bytes,
    timestamps: list[str],
    signatures: list[str],
    *,
    now: float | None = None,
) -> str | None:
    """Return why the request is not signed by Slack, or None when its signature holds.

    Args:
        timestamps, signatures: every value of `X-Slack-Request-Timestamp` and
            `X-Slack-Signature` the request carried (more than one is refused).
        now: Unix time in real seconds (not the bot's settable clock: Slack signs with its own).
    """
    if not secret:
        return "no signing secret configured"
    if len(timestamps) != 1:
        return "missing timestamp" if not timestamps else "repeated timestamp header"
    if len(signatures) != 1:
        return "missing signature" if not signatures else "repeated signature header"
    timestamp, signature = timestamps[0], signatures[0]
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed timestamp"
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE:
        return "stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "signature mismatch"
    return None


def parse_body(raw: bytes, content_type: str) -> dict[str, Any] | None:
    """Parse a signed body the way Bolt will; None when it is not text or not an object.

    Bolt's own parser raises on such bodies (a 500 with a traceback), so the route answers
    400 for them before Bolt sees them.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text:
        return {}
    try:
        if content_type == "application/json" or text.startswith("{"):
            parsed: Any = json.loads(text)
        elif "payload" in text:
            payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
            parsed = {} if payload is None else json.loads(payload)
        else:
            parsed = dict(parse_qsl(text, keep_blank_values=True))
    except ValueError:  # JSONDecodeError, and parse_qsl on bad input
        return None
    return parsed if isinstance(parsed, dict) else None


INTERACTIVE = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action"}
    | {"block_suggestion"}
)


def shape_problem(body: dict[str, Any]) -> str | None:
    """What of a signed payload's shape Bolt would trip over, or None.

    Bolt indexes a few fields without checking them (`view["callback_id"]`, `actions[0]`,
    `event["type"]`, ...) and a wrong shape there is a 500 with a traceback from inside it.
    Slack never sends such payloads: the route answers 400 for them before Bolt sees them.
    """
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return "type"
    if "event" in body:
        event = body["event"]
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event"
        if not isinstance(event.get("subtype", ""), str):
            return "event subtype"
    if "view" in body and not isinstance(body["view"], dict):
        return "view"
    if kind in INTERACTIVE:
        for key in ("channel", "container", "message", "state"):
            if body.get(key) is not None and not isinstance(body[key], dict):
                return key
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not all(
            isinstance(view.get(key), str) for key in ("type", "callback_id")
        ):
            return "view"
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "actions"
        if not all(isinstance(a, dict) for a in actions):
            return "actions"
    if kind == "block_suggestion" and not isinstance(body.get("action_id"), str):
        return "action_id"
    return None


def allowed_response_url(url: object, api_url: str) -> bool:
    """Return whether the bot may POST to this response_url.

    Only Slack's hooks host over HTTPS, or the origin of the configured Web API base (the fake
    Slack of the tests and the sandbox answers response URLs on its own origin).
    """
    if not isinstance(url, str) or not url.isprintable() or " " in url:
        return False
    try:
        target = urlsplit(url)
        allowed = urlsplit(api_url)
        port, allowed_port = target.port, allowed.port
    except ValueError:
        return False
    if target.username is not None or target.password is not None:
        return False
    if target.scheme == "https" and target.hostname == SLACK_HOOKS_HOST and port in (None, 443):
        return True
    return (
        target.scheme == allowed.scheme
        and target.hostname is not None
        and target.hostname == allowed.hostname
        and port == allowed_port
    )


def host_of(url: object) -> str:
    """The host of a URL, safe to log (nothing of its path or query)."""
    if not isinstance(url, str):
        return "?"
    try:
        host = urlsplit(url).hostname or "?"
    except ValueError:
        return "?"
    return host[:100]


class RefusalLog:
    """Counts refused requests and says when to log one, so a flood writes few lines.

    At most `burst` refusals are logged per `window` seconds; the next logged line carries how
    many were left out.
    """

    def __init__(self, *, burst: int = 20, window: float = 60.0) -> None:
        self.burst = burst
        self.window = window
        self._started = float("-inf")
        self._logged = 0
        self.skipped = 0

    def admit(self, now: float) -> int | None:
        """Return how many refusals were left out before this one, or None: do not log it."""
        if now - self._started >= self.window:
            self._started, self._logged = now, 0
        if self._logged >= self.burst:
            self.skipped += 1
            return None
        self._logged += 1
        skipped, self.skipped = self.skipped, 0
        return skipped
