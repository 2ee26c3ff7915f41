"""Satisfaction surveys, complaints about staff and praise: the rules (pure, stdlib only).

- whether a resolved inquiry's requester is surveyed (sampling with an injected draw, the
  per-person cooldown, staff requesters, a reopen within a day);
- the signed survey-link token (HMAC-SHA256; expiry; the survey's nonce makes a token
  single-use: it answers one survey, and a new link for that survey voids the old one);
- the complaint state machine and its reward;
- the survey results and the month's examples, as arithmetic.

Time is always a parameter; the random draw too (`draw` in [0, 1) from a seeded source).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

RATINGS = (1, 2, 3, 4, 5)
LOW_RATING = 2  # a rating at or below it alerts the assignee's manager at once
PRAISE_RATING = 5  # a comment with this rating can become praise with one button
REOPEN_QUIET = timedelta(days=1)  # no survey after a resolution reopened within this
MAX_COMMENT_CHARS = 2000


# --------------------------------------------------------------------------- sampling


class SurveySkip(StrEnum):
    """Why a resolution gets no survey (None: it gets one)."""

    INTERNAL = "internal"  # the requester is staff and `surveys.internal` is off
    NO_REQUESTER = "no_requester"  # nobody to ask (no chat account, no link possible)
    REOPENED = "reopened"  # reopened within a day of its previous resolution
    COOLDOWN = "cooldown"  # this person was surveyed within `surveys.cooldown`
    SAMPLED_OUT = "sampled_out"  # the draw fell outside `surveys.sample`


@dataclass(frozen=True)
class SurveyRules:
    """The `[surveys]` settings the decision needs."""

    sample: float = 1.0
    cooldown: timedelta = timedelta(days=30)
    internal: bool = False


def survey_skip(
    *,
    rules: SurveyRules,
    now: datetime,
    requester_is_staff: bool,
    reachable: bool,
    last_survey_at: datetime | None,
    resolutions: Sequence[tuple[datetime, datetime]],
    draw: float,
) -> SurveySkip | None:
    """Why this resolution gets no survey, or None when its requester is surveyed.

    Args:
        resolutions: earlier (resolved at, reopened at) pairs of the inquiry: a reopen within
            REOPEN_QUIET of the resolution before it means the first answer did not hold, and
            asking again right after the second would only add to the annoyance.
        draw: a number in [0, 1) from the caller's (seeded) random source; surveyed when it is
            below `sample` (1.0: always, 0.0: never).
    """
    if requester_is_staff and not rules.internal:
        return SurveySkip.INTERNAL
    if not reachable:
        return SurveySkip.NO_REQUESTER
    if any(reopened - resolved <= REOPEN_QUIET for resolved, reopened in resolutions):
        return SurveySkip.REOPENED
    if last_survey_at is not None and now - last_survey_at < rules.cooldown:
        return SurveySkip.COOLDOWN
    if not draw < rules.sample:
        return SurveySkip.SAMPLED_OUT
    return None


def is_low(rating: int) -> bool:
    """Whether a rating alerts the assignee's manager."""
    return rating <= LOW_RATING


def check_rating(value: object) -> int | None:
    """The rating 1–5 a button or form carries (`"4"`, 4), else None."""
    text = str(value).strip()
    # ASCII digits only: `isdigit` also takes `٣` and `³`
    return int(text) if len(text) == 1 and text in "12345" else None


# --------------------------------------------------------------------------- link tokens

TOKEN_MAX = 200  # characters: anything longer is refused before any work
_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$")


class TokenProblem(StrEnum):
    """Why a survey-link token is refused."""

    MALFORMED = "malformed"  # not a token at all (truncated, too long, wrong characters)
    FORGED = "forged"  # the signature does not match (or another secret signed it)
    EXPIRED = "expired"  # signed by us, but past its expiry


@dataclass(frozen=True)
class SurveyToken:
    """What a valid token names: the survey, its nonce, and until when it may be used."""

    survey_id: int
    nonce: str
    expires: int  # seconds since the epoch (UTC)


def _mac(secret: str, body: str) -> str:
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_token(secret: str, survey_id: int, nonce: str, expires_at: datetime) -> str:
    """The link token of a survey: `<id>.<expiry>.<nonce>.<HMAC-SHA256 of the three>`."""
    if not secret:
        raise ValueError("a survey link needs a secret")
    body = f"{survey_id}.{int(expires_at.timestamp())}.{nonce}"
    return f"{body}.{_mac(secret, body)}"


def read_token(secret: str, token: str, now: datetime) -> SurveyToken | TokenProblem:
    """The survey a token names, or why it is refused (checked in constant time)."""
    if not secret or len(token) > TOKEN_MAX:
        return TokenProblem.MALFORMED
    m = _TOKEN.match(token)
    if m is None:
        return TokenProblem.MALFORMED
    survey, expires, nonce, mac = m.groups()
    if not hmac.compare_digest(mac, _mac(secret, f"{survey}.{expires}.{nonce}")):
        return TokenProblem.FORGED
    if int(expires) <= now.timestamp():
        return TokenProblem.EXPIRED
    return SurveyToken(int(survey), nonce, int(expires))


# --------------------------------------------------------------------------- complaints


class ComplaintStatus(StrEnum):
    OPEN = "open"  # waiting for the manager's review
    CONFIRMED = "confirmed"  # upheld: a corrective action is owed
    ACTIONED = "actioned"  # upheld, and the corrective action is recorded
    DISMISSED = "dismissed"  # not upheld (with a reason)


class RewardState(StrEnum):
    NONE = ""  # no reward (a colleague reported it, or it was not upheld)
    TO_SEND = "to_send"
    SENT = "sent"


# action -> the states it may start from, and the state it leads to
COMPLAINT_MOVES: dict[str, tuple[frozenset[ComplaintStatus], ComplaintStatus]] = {
    "confirm": (frozenset({ComplaintStatus.OPEN}), ComplaintStatus.CONFIRMED),
    "dismiss": (frozenset({ComplaintStatus.OPEN}), ComplaintStatus.DISMISSED),
    "action": (
        frozenset({ComplaintStatus.CONFIRMED, ComplaintStatus.ACTIONED}),
        ComplaintStatus.ACTIONED,
    ),
}


def complaint_after(action: str, status: ComplaintStatus) -> ComplaintStatus | None:
    """The status after `action` (confirm, dismiss, action), or None when it is not allowed
    from `status` (a decided case is not decided again; an action needs a confirmation)."""
    allowed, after = COMPLAINT_MOVES[action]
    return after if status in allowed else None


def reward_on_confirm(reporter_is_customer: bool) -> RewardState:
    """A customer whose complaint is confirmed is owed the gift; a colleague is thanked only."""
    return RewardState.TO_SEND if reporter_is_customer else RewardState.NONE


def reward_after_sent(state: RewardState) -> RewardState | None:
    """`sent` from `to_send`; None when there is no reward owed (or it was sent already)."""
    return RewardState.SENT if state == RewardState.TO_SEND else None


def awaiting_manager(status: ComplaintStatus) -> bool:
    """Whether the manager still owes something: a decision, or the corrective action."""
    return status in (ComplaintStatus.OPEN, ComplaintStatus.CONFIRMED)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Summary:
    """Ratings of one group: surveys sent, answered, response rate, average, distribution."""

    sent: int
    answered: int
    rate: float  # answered / sent, 0 when none were sent
    average: float | None  # None when nobody answered
    distribution: tuple[int, int, int, int, int]  # how many 1s … 5s


def summarize(ratings: Iterable[int | None]) -> Summary:
    """Summarise the ratings of the surveys sent (None: not answered)."""
    values = list(ratings)
    answered = [r for r in values if r is not None]
    counts = Counter(answered)
    dist = (counts[1], counts[2], counts[3], counts[4], counts[5])
    return Summary(
        sent=len(values),
        answered=len(answered),
        rate=len(answered) / len(values) if values else 0.0,
        average=round(sum(answered) / len(answered), 2) if answered else None,
        distribution=dist,
    )


def month_bounds(year: int, month: int) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The first day of the month and of the next month, as (year, month, day)."""
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return (year, month, 1), (nxt[0], nxt[1], 1)


@dataclass(frozen=True)
class Example:
    """One of the month's examples: a staff member, their praise count, and whether a manager
    named them exemplary."""

    staff_id: str
    praise: int
    exemplary: bool


def monthly_examples(
    praise: Iterable[str], exemplary: Iterable[str], *, top: int = 3
) -> list[Example]:
    """The month's examples: every staff member a manager named exemplary, and the `top` most
    praised (ties at the cut included), most praised first, then by id for a stable order."""
    counts = Counter(praise)
    named = set(exemplary)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen: set[str] = set(named)
    if ranked:
        cut = ranked[min(top, len(ranked)) - 1][1] if top > 0 else None
        chosen |= {sid for sid, n in ranked if cut is not None and n >= cut}
    out = [Example(sid, counts.get(sid, 0), sid in named) for sid in chosen]
    return sorted(out, key=lambda e: (-e.praise, not e.exemplary, e.staff_id))
