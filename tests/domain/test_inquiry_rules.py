"""Lifecycle rules: which action is allowed from which status, where it leads, and who may."""

from __future__ import annotations

import pytest

from bot.domain.inquiry import (
    ALLOWED_FROM,
    KIND_ALIASES,
    OPEN_STATUSES,
    Actor,
    Kind,
    Status,
    can,
    may,
    parse_kind,
    status_after,
)

ACTIONS = ("assign", "eta", "progress", "milestone", "hold", "resume", "resolve", "reopen")
STATUSES = ("new", "acknowledged", "in_progress", "on_hold", "resolved", "closed")

# Hand-written from PRODUCT.md's lifecycle:
# new → acknowledged → in_progress → (on_hold) → resolved → closed; reopen → in_progress.
#   Y = allowed; "-" = refused.
#                    new  ack  inp  hold res  closed
CAN_TABLE = {
    "assign":    ("Y", "Y", "Y", "Y", "-", "-"),
    "eta":       ("Y", "Y", "Y", "-", "-", "-"),
    "progress":  ("Y", "Y", "Y", "Y", "-", "-"),
    "milestone": ("Y", "Y", "Y", "Y", "-", "-"),
    "hold":      ("Y", "Y", "Y", "-", "-", "-"),
    "resume":    ("-", "-", "-", "Y", "-", "-"),
    "resolve":   ("Y", "Y", "Y", "Y", "-", "-"),
    "reopen":    ("-", "-", "-", "-", "Y", "Y"),
}  # fmt: skip

# Where an allowed action leads (None where the action is refused).
#                    new            ack            inp            hold           res     closed
AFTER_TABLE = {
    "assign":    ("acknowledged", "acknowledged", "in_progress", "on_hold", None, None),
    "eta":       ("in_progress", "in_progress", "in_progress", None, None, None),
    "progress":  ("in_progress", "in_progress", "in_progress", "on_hold", None, None),
    "milestone": ("in_progress", "in_progress", "in_progress", "on_hold", None, None),
    "hold":      ("on_hold", "on_hold", "on_hold", None, None, None),
    "resume":    (None, None, None, "in_progress", None, None),
    "resolve":   ("resolved", "resolved", "resolved", "resolved", None, None),
    "reopen":    (None, None, None, None, "in_progress", "in_progress"),
}  # fmt: skip


def test_tables_cover_every_action_and_status() -> None:
    assert set(ACTIONS) == set(ALLOWED_FROM) == set(CAN_TABLE) == set(AFTER_TABLE)
    assert set(STATUSES) == {s.value for s in Status}
    assert {s.value for s in OPEN_STATUSES} == {"new", "acknowledged", "in_progress", "on_hold"}


@pytest.mark.parametrize(
    ("action", "status", "allowed"),
    [
        (action, status, flag == "Y")
        for action, row in CAN_TABLE.items()
        for status, flag in zip(STATUSES, row, strict=True)
    ],
)
def test_can(action: str, status: str, allowed: bool) -> None:
    assert can(action, status) is allowed
    assert can(action, Status(status)) is allowed


@pytest.mark.parametrize(
    ("action", "status", "after"),
    [
        (action, status, after)
        for action, row in AFTER_TABLE.items()
        for status, after in zip(STATUSES, row, strict=True)
        if after is not None
    ],
)
def test_status_after(action: str, status: str, after: str) -> None:
    result = status_after(action, status)
    assert isinstance(result, Status)
    assert result == Status(after)
    assert can(action, status)


def test_refused_transitions_match_the_can_table() -> None:
    for action, row in AFTER_TABLE.items():
        for status, after in zip(STATUSES, row, strict=True):
            assert (after is not None) == can(action, status), (action, status)


def test_no_action_leads_to_closed_or_new() -> None:
    reached = {
        status_after(action, status)
        for action in ACTIONS
        for status in STATUSES
        if can(action, status)
    }
    assert Status.CLOSED not in reached and Status.NEW not in reached


@pytest.mark.parametrize("bad", ["open", "", "NEW", "done"])
def test_unknown_status_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        can("assign", bad)
    with pytest.raises(ValueError):
        status_after("assign", bad)


def test_unknown_action_is_rejected() -> None:
    with pytest.raises(KeyError):
        can("delete", "new")


# -- may ---------------------------------------------------------------------------------------

REQUESTER = "U0REQ"
STAFF_REQUESTER = Actor(REQUESTER, is_staff=True)
STAFF_OTHER = Actor("U0STAFF", is_staff=True)
CUSTOMER_REQUESTER = Actor(REQUESTER, is_staff=False)
CUSTOMER_OTHER = Actor("U0OTHER", is_staff=False)

#               staff+requester  staff  customer requester  other customer
MAY_TABLE = {
    "assign":    (True, True, False, False),
    "eta":       (True, True, False, False),
    "progress":  (True, True, False, False),
    "milestone": (True, True, False, False),
    "hold":      (True, True, False, False),
    "resume":    (True, True, False, False),
    "resolve":   (True, True, False, False),
    "reopen":    (True, True, True, False),
    "show":      (True, True, True, False),
    "new":       (True, True, True, True),
    "list":      (True, True, True, True),
    "help":      (True, True, True, True),
}  # fmt: skip
ACTORS = (STAFF_REQUESTER, STAFF_OTHER, CUSTOMER_REQUESTER, CUSTOMER_OTHER)


@pytest.mark.parametrize(
    ("action", "actor", "allowed"),
    [
        (action, actor, flag)
        for action, row in MAY_TABLE.items()
        for actor, flag in zip(ACTORS, row, strict=True)
    ],
)
def test_may(action: str, actor: Actor, allowed: bool) -> None:
    assert may(actor, action, requester_id=REQUESTER) is allowed


def test_may_covers_every_lifecycle_action() -> None:
    assert set(ACTIONS) <= set(MAY_TABLE)


# -- kinds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("voc", Kind.VOC), ("VOC", Kind.VOC), (" voc ", Kind.VOC), ("고객의소리", Kind.VOC),
        ("support", Kind.SUPPORT), ("문의", Kind.SUPPORT),
        ("request", Kind.REQUEST), ("Request", Kind.REQUEST), ("요청", Kind.REQUEST),
        ("regulatory", Kind.REGULATORY), ("제도", Kind.REGULATORY),
        ("bug", None), ("", None), ("vo c", None), ("callback", None),
    ],
)  # fmt: skip
def test_parse_kind(word: str, kind: Kind | None) -> None:
    assert parse_kind(word) is kind


def test_every_kind_has_an_english_alias() -> None:
    assert {KIND_ALIASES[k.value] for k in Kind} == set(Kind)
