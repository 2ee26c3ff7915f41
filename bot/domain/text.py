"""Untrusted text and ids: what may be stored, and what counts as a Slack or Teams id (pure
rules)."""

from __future__ import annotations

import re

# Slack ids are short upper-case alphanumerics; anything else taken from a request is refused
# (so an "id" can never carry markup such as `<!channel>` into a mention).
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")
MESSAGE_TS = re.compile(r"^\d{1,12}\.\d{1,8}$")
TRIGGER_ID = re.compile(r"^[A-Za-z0-9._-]{1,200}$")
VIEW_ID = re.compile(r"^V[A-Z0-9]{2,30}$")
# Microsoft Teams: a user is `29:…` (Bot Framework id) or an Entra object id (a GUID); a
# channel or group chat is `19:…@thread.tacv2` (channels), `…@thread.skype` (older channels)
# or `…@thread.v2` (group chats, meetings).
_GUID = r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
ENTRA_ID = re.compile(f"^{_GUID}$")
TEAMS_USER_ID = re.compile(rf"^(?:29:[A-Za-z0-9_+/=-]{{4,250}}|{_GUID})$")
TEAMS_CONVERSATION_ID = re.compile(r"^19:[A-Za-z0-9_.=-]{1,230}@thread\.(?:tacv2|skype|v2)$")

# Bidirectional overrides, embeddings, isolates and marks: they reorder what a reader sees
# (a title can look like something else), so stored text never keeps them.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# What sanitize drops, as one character class (a per-character loop cost about 1 µs a
# character on every escaped string): the Cc category except newline and tab (Unicode keeps
# Cc fixed at U+0000-001F and U+007F-009F) and the bidi controls.
_DROPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")


def is_user_id(value: object) -> bool:
    """Return whether value looks like a Slack user id (`U…`/`W…`)."""
    return isinstance(value, str) and USER_ID.match(value) is not None


def is_channel_id(value: object) -> bool:
    """Return whether value looks like a Slack conversation id (`C…`, `G…`, `D…`)."""
    return isinstance(value, str) and CHANNEL_ID.match(value) is not None


def is_teams_user_id(value: object) -> bool:
    """Return whether value looks like a Teams user id (`29:…` or an Entra object id)."""
    return isinstance(value, str) and TEAMS_USER_ID.match(value) is not None


def is_entra_id(value: object) -> bool:
    """Return whether value is an Entra (AAD) object id: a GUID."""
    return isinstance(value, str) and ENTRA_ID.match(value) is not None


def is_teams_conversation_id(value: object) -> bool:
    """Return whether value looks like a Teams channel or chat id (`19:…@thread.tacv2`)."""
    return isinstance(value, str) and TEAMS_CONVERSATION_ID.match(value) is not None


def is_message_ts(value: object) -> bool:
    """Return whether value looks like a Slack message timestamp (`1700000000.000100`)."""
    return isinstance(value, str) and MESSAGE_TS.match(value) is not None


def sanitize(text: str) -> str:
    """Text fit to store: NUL and other C0/C1 controls (except newline and tab) and bidi
    controls removed, carriage returns turned into newlines.

    PostgreSQL refuses NUL in text columns (the whole inquiry or note would be lost), and
    bidi overrides make a title display as something it is not.
    """
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _DROPPED.sub("", text)
