"""The web voice-of-customer webhook's rules (C12), pure: signatures and the submission schema.

Signing is Slack's v0 scheme with our own header names, both ways (the website signs what it
posts to `POST /intake/voc`; the bot signs what it posts back to `VOC_CALLBACK_URL`):

    X-Charterbot-Timestamp: <unix seconds>
    X-Charterbot-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>

A timestamp more than five minutes off is refused (the replay window); within it, the same
signature twice is a replay (the caller remembers the signatures it accepted).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TIMESTAMP_HEADER = "X-Charterbot-Timestamp"
SIGNATURE_HEADER = "X-Charterbot-Signature"
DELIVERY_HEADER = "X-Charterbot-Delivery"  # callbacks: the same id on every retry
MAX_AGE = 60 * 5
MAX_BODY = 64 * 1024
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")

# field -> (required, maximum length)
FIELDS: dict[str, tuple[bool, int]] = {
    "id": (True, 200),
    "name": (True, 100),
    "contact": (True, 200),
    "text": (True, 5000),
    "company": (False, 200),
    "title": (False, 200),
    "submitted_at": (False, 40),
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value of `body` sent at `timestamp`."""
    base = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def check_signature(
    secret: str, body: bytes, timestamps: list[str], signatures: list[str], *, now: float
) -> str | None:
    """Why the request is not signed with `secret`, or None when the signature holds.

    `timestamps`, `signatures`: every value of the two headers (more than one is refused);
    `now`: Unix time in real seconds (the sender signs with its own clock).
    """
    if not secret:
        return "no secret configured"
    if len(timestamps) != 1 or len(signatures) != 1:
        return "missing or repeated signature headers"
    timestamp, signature = timestamps[0], signatures[0]
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed timestamp"
    if abs(now - int(timestamp)) > MAX_AGE:
        return "stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        return "signature mismatch"
    return None


@dataclass(frozen=True)
class Submission:
    """A valid web VOC."""

    id: str
    name: str
    contact: str
    text: str
    company: str = ""
    title: str = ""
    submitted_at: datetime | None = None


class Invalid(ValueError):
    """A submission that breaks the schema: `field` names the field ("" for the body)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem


def _clean(value: str) -> str:
    """NFC, without control characters (newlines kept in the text)."""
    value = unicodedata.normalize("NFC", value)
    return "".join(
        ch
        for ch in value
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    ).strip()


def parse_submission(raw: bytes) -> Submission:
    """Read a JSON body into a Submission; raise Invalid naming the first bad field."""
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Invalid("", "the body is not JSON") from None
    return validate(data)


def validate(data: Any) -> Submission:
    """Check a decoded submission against the schema (strings only, lengths, no unknown
    fields); raise Invalid naming the first bad field."""
    if not isinstance(data, dict):
        raise Invalid("", "the body must be a JSON object")
    for key in data:
        if key not in FIELDS:
            raise Invalid(str(key)[:40], "unknown field")
    values: dict[str, str] = {}
    for name, (required, limit) in FIELDS.items():
        value = data.get(name)
        if value is None:
            if required:
                raise Invalid(name, "required")
            continue
        if not isinstance(value, str):
            raise Invalid(name, "must be a string")
        cleaned = _clean(value)
        if required and not cleaned:
            raise Invalid(name, "required")
        if len(cleaned) > limit:
            raise Invalid(name, f"longer than {limit} characters")
        values[name] = cleaned
    submitted = None
    if values.get("submitted_at"):
        try:
            submitted = datetime.fromisoformat(values["submitted_at"])
        except ValueError:
            raise Invalid("submitted_at", "not an ISO 8601 time") from None
        if submitted.tzinfo is None:
            raise Invalid("submitted_at", "needs a time zone offset")
    return Submission(
        id=values["id"],
        name=values["name"],
        contact=values["contact"],
        text=values["text"],
        company=values.get("company", ""),
        title=values.get("title", ""),
        submitted_at=submitted,
    )
