"""Inquiry kinds, statuses and the lifecycle rules (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    VOC = "voc"
    SUPPORT = "support"
    REQUEST = "request"
    REGULATORY = "regulatory"


KIND_ALIASES: dict[str, Kind] = {
    "voc": Kind.VOC,
    "고객의소리": Kind.VOC,
    "support": Kind.SUPPORT,
    "문의": Kind.SUPPORT,
    "request": Kind.REQUEST,
    "요청": Kind.REQUEST,
    "regulatory": Kind.REGULATORY,
    "제도": Kind.REGULATORY,
}


def parse_kind(word: str) -> Kind | None:
    """Return the kind named by word (English or Korean), or None."""
    return KIND_ALIASES.get(word.strip().lower())


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD})

# action -> statuses it may start from
ALLOWED_FROM: dict[str, frozenset[Status]] = {
    "assign": OPEN_STATUSES,
    "eta": OPEN_STATUSES - {Status.ON_HOLD},
    "progress": OPEN_STATUSES,
    "milestone": OPEN_STATUSES,
    "hold": OPEN_STATUSES - {Status.ON_HOLD},
    "resume": frozenset({Status.ON_HOLD}),
    "resolve": OPEN_STATUSES,
    "reopen": frozenset({Status.RESOLVED, Status.CLOSED}),
}


def can(action: str, status: str) -> bool:
    """Return whether action is allowed on an inquiry in status."""
    return Status(status) in ALLOWED_FROM[action]


def status_after(action: str, status: str) -> Status:
    """Return the status an inquiry moves to when action is applied."""
    current = Status(status)
    if action == "assign":
        return Status.ACKNOWLEDGED if current == Status.NEW else current
    if action in ("eta", "progress", "milestone"):
        return Status.IN_PROGRESS if current in (Status.NEW, Status.ACKNOWLEDGED) else current
    return {
        "hold": Status.ON_HOLD,
        "resume": Status.IN_PROGRESS,
        "resolve": Status.RESOLVED,
        "reopen": Status.IN_PROGRESS,
    }[action]


@dataclass(frozen=True)
class Actor:
    """Who is acting: a Slack user id and whether config names them as staff."""

    user_id: str
    is_staff: bool


STAFF_ONLY = frozenset(
    {"assign", "transfer", "eta", "progress", "milestone", "hold", "resume", "resolve"}
)


def may(actor: Actor, action: str, *, requester_id: str) -> bool:
    """Return whether actor may perform action on an inquiry requested by requester_id."""
    if action in STAFF_ONLY:
        return actor.is_staff
    if action in ("reopen", "show"):
        return actor.is_staff or actor.user_id == requester_id
    return True
