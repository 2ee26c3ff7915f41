"""Callback rules (C7): the ladder's rung times, when a ladder starts, phone numbers, and
callback references (pure: time is a parameter, the calendar a value)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.calendar import BusinessCalendar

# The rungs of the ladder, in order: who is offered the callback at each.
OWNER, TEAM, MANAGER, ESCALATE = "owner", "team", "manager", "escalate"
RUNGS = (OWNER, TEAM, MANAGER, ESCALATE)


@dataclass(frozen=True)
class Ladder:
    """The waits of the ladder (wall clock, counted from its start): nobody claimed by
    `owner_wait` → the team; by `team_wait` → the manager; not called back by `total`
    (`sla.callback`) → escalation. A claim not followed by "called back" within
    `claim_timeout` re-opens the ladder."""

    owner_wait: timedelta
    team_wait: timedelta
    total: timedelta
    claim_timeout: timedelta

    def problems(self) -> list[str]:
        """What is wrong with the waits (each must come before the next), else []."""
        out = []
        if not timedelta(0) < self.owner_wait < self.team_wait:
            out.append("owner_wait must be shorter than team_wait")
        if not self.team_wait < self.total:
            out.append("team_wait must be shorter than sla.callback")
        if self.claim_timeout <= timedelta(0):
            out.append("claim_timeout must be longer than zero")
        return out


def rung_times(start: datetime, ladder: Ladder) -> dict[str, datetime]:
    """When each rung after the owner's is reached, for a ladder started at `start`."""
    return {
        TEAM: start + ladder.owner_wait,
        MANAGER: start + ladder.team_wait,
        ESCALATE: start + ladder.total,
    }


def ladder_start(logged_at: datetime, calendar: BusinessCalendar, *, urgent: bool) -> datetime:
    """When the ladder of a callback logged at `logged_at` starts: at once during business
    hours or when urgent (callbacks ignore business hours once started: the charter promises
    5 minutes), else at the next opening."""
    if urgent or calendar.is_open(logged_at):
        return logged_at
    return calendar.next_open(logged_at)


def next_rung(rung: str) -> str | None:
    """The rung after `rung` (None after the escalation)."""
    i = RUNGS.index(rung)
    return RUNGS[i + 1] if i + 1 < len(RUNGS) else None


def within_sla(logged_at: datetime, called_back_at: datetime | None, total: timedelta) -> bool:
    """C7 compliance: called back within `sla.callback` of logging."""
    return called_back_at is not None and called_back_at - logged_at <= total


# ----------------------------------------------------------------------------- phone numbers

_PHONE_CHARS = re.compile(r"^\+?[0-9(][0-9\s().-]{6,24}$")
# Korean resident registration numbers (YYMMDD-NNNNNNN) are never a phone number to store.
_RRN = re.compile(r"^\d{6}-?[1-8]\d{6}$")


def normalize_phone(text: str) -> str | None:
    """A phone number as stored (digits and dashes, `+82` written as the domestic `0`), or
    None when the text is no phone number (too short or long, letters, an RRN)."""
    raw = text.strip()
    if not _PHONE_CHARS.match(raw) or _RRN.match(raw.replace(" ", "")):
        return None
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        if not digits.startswith("82"):
            return "+" + digits if 8 <= len(digits) <= 15 else None
        digits = "0" + digits[2:].removeprefix("0")
    if not digits.startswith("0") and len(digits) == 8 and digits[:2] in ("15", "16", "18"):
        return f"{digits[:4]}-{digits[4:]}"  # 1588-1234: a nationwide company number
    if not digits.startswith("0") or not 9 <= len(digits) <= 11:
        return None
    if digits.startswith("02"):
        head, rest = digits[:2], digits[2:]
    else:
        head, rest = digits[:3], digits[3:]
    cut = len(rest) - 4
    if cut < 3:
        return None
    return f"{head}-{rest[:cut]}-{rest[cut:]}"


def mask_phone(phone: str) -> str:
    """A phone number with its middle hidden (`02-****-5678`), for places that need only a
    hint of it; "" stays ""."""
    if not phone:
        return ""
    parts = phone.split("-")
    if len(parts) == 3:
        return f"{parts[0]}-{'*' * len(parts[1])}-{parts[2]}"
    return "*" * max(0, len(phone) - 4) + phone[-4:]


_REF = re.compile(r"^(?:cb|CB|Cb|cB)?#?(\d{1,9})(?:번|호)?$")


def parse_callback_ref(token: str) -> int | None:
    """The callback number of `CB3`, `cb3`, `3`, `#3`, `3번` (None for anything else)."""
    m = _REF.match(token.strip())
    return int(m.group(1)) if m else None
