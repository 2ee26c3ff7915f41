"""Minimal table rows for storage-level tests (only what the tables require, plus overrides)."""

from __future__ import annotations

from datetime import datetime

from storage.models import Inquiry, Reminder


def inquiry_row(
    number: int, at: datetime, *, status: str = "new", title: str = "", requester_id: str = "UCUST"
) -> Inquiry:
    """A support inquiry opened by command at `at` (title `#<number>` unless given)."""
    return Inquiry(
        number=number,
        kind="support",
        status=status,
        title=title or f"#{number}",
        requester_id=requester_id,
        source="command",
        created_at=at,
        updated_at=at,
        sla_start_at=at,
    )


def reminder_row(
    key: str,
    inquiry_id: int,
    due_at: datetime,
    *,
    deadline_at: datetime | None = None,
    created_at: datetime | None = None,
    state: str = "pending",
) -> Reminder:
    """The assignee's first-response deadline reminder (deadline and creation default to due)."""
    return Reminder(
        key=key,
        inquiry_id=inquiry_id,
        obligation="first_response",
        kind="deadline",
        audience="assignee",
        due_at=due_at,
        deadline_at=deadline_at or due_at,
        state=state,
        created_at=created_at or due_at,
    )
