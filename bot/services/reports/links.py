"""Signed links to a private report page (`reports.public = false`): an HMAC of the month and
an expiry, keyed by a secret derived from the bot's own secret."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from bot.config import EnvSettings

LINK_DAYS = 7
SIGNATURE = re.compile(r"^[0-9a-f]{64}$")
EXPIRES = re.compile(r"^\d{1,12}$")


def report_secret(env: EnvSettings) -> bytes | None:
    """The key of report links: derived from the Slack signing secret (or the Teams app
    password); None when the bot has neither (then private pages are simply not served)."""
    base = env.SLACK_SIGNING_SECRET or env.TEAMS_APP_PASSWORD
    if not base:
        return None
    return hashlib.sha256(b"charterbot-report-links\0" + base.encode()).digest()


def sign(secret: bytes, month: str, expires: int) -> str:
    """The signature of (month, expiry)."""
    return hmac.new(secret, f"report:{month}:{expires}".encode(), hashlib.sha256).hexdigest()


def signed_query(secret: bytes, month: str, now: datetime, days: int = LINK_DAYS) -> str:
    """`?exp=…&sig=…` valid for `days`."""
    expires = int((now + timedelta(days=days)).timestamp())
    return f"?exp={expires}&sig={sign(secret, month, expires)}"


def verify(secret: bytes | None, month: str, exp: str, sig: str, now: datetime) -> bool:
    """Whether a link's expiry and signature are well-formed, unexpired and genuine."""
    if secret is None or not EXPIRES.match(exp) or not SIGNATURE.match(sig):
        return False
    if int(exp) < now.timestamp():
        return False
    return hmac.compare_digest(sign(secret, month, int(exp)), sig)
