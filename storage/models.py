"""All database tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Store datetimes in UTC and return them timezone-aware (SQLite drops offsets)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _dt(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


# Platform ids (users, channels, conversations, messages): Teams ids are far longer than Slack's.
ID = 255
RECIPIENT = 300  # an encoded outbox recipient: a short prefix and an ID


class Counter(SQLModel, table=True):
    """Named sequences with gapless, never reused numbers (inquiry numbers)."""

    __tablename__ = "counters"
    name: str = Field(primary_key=True, max_length=40)
    value: int = 0


class Inquiry(SQLModel, table=True):
    """A tracked customer inquiry or request."""

    __tablename__ = "inquiries"
    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(sa_column=sa.Column(sa.Integer, nullable=False, unique=True))
    kind: str = Field(max_length=20, index=True)
    status: str = Field(max_length=20, index=True)
    title: str = Field(max_length=500)
    detail: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    customer: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=200)
    requester_id: str = Field(max_length=ID, index=True)
    assignee_id: str | None = Field(default=None, max_length=ID, index=True)
    source: str = Field(max_length=20)  # command | modal | message | reaction | shortcut
    # Where its source message and its card live on each platform: see MessageRefRecord.
    created_at: datetime = _dt()
    updated_at: datetime = _dt()
    sla_start_at: datetime = _dt()  # created_at moved later by time spent on hold
    due_date: datetime | None = _dt(nullable=True)
    deadline_at: datetime | None = _dt(nullable=True, index=True)
    eta_at: datetime | None = _dt(nullable=True)
    first_response_at: datetime | None = _dt(nullable=True)
    resolved_at: datetime | None = _dt(nullable=True)
    hold_started_at: datetime | None = _dt(nullable=True)
    resolution: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))

    # A team's open inquiries, and what it opened or resolved since a moment: the digest reads
    # these for each manager (benchmarks/digest.py), the report per month.
    __table_args__ = (
        sa.Index("ix_inquiries_assignee_status", "assignee_id", "status"),
        sa.Index("ix_inquiries_assignee_created", "assignee_id", "created_at"),
        sa.Index("ix_inquiries_assignee_resolved", "assignee_id", "resolved_at"),
        sa.Index("ix_inquiries_resolved", "resolved_at"),
    )


class InquiryEvent(SQLModel, table=True):
    """Append-only history of an inquiry: who changed what, when."""

    __tablename__ = "inquiry_events"
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiries.id", index=True)
    at: datetime = _dt()
    actor_id: str = Field(max_length=ID)
    kind: str = Field(max_length=30)
    old_value: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))


class ProcessedEvent(SQLModel, table=True):
    """Slack event ids already handled (retries are ignored)."""

    __tablename__ = "processed_events"
    event_id: str = Field(primary_key=True, max_length=ID)
    received_at: datetime = _dt(index=True)


class UserProfile(SQLModel, table=True):
    """Cached Slack user facts (locale, name)."""

    __tablename__ = "user_profiles"
    user_id: str = Field(primary_key=True, max_length=ID)
    locale: str = Field(default="", max_length=16)
    name: str = Field(default="", max_length=200)
    tz: str = Field(default="", max_length=64)  # IANA zone from users.info ("" unknown)
    is_bot: bool = False
    fetched_at: datetime = _dt()


class OutboxMessage(SQLModel, table=True):
    """A notification waiting to be delivered (written in the same transaction as its cause)."""

    __tablename__ = "outbox"
    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, unique=True))
    kind: str = Field(max_length=20)  # message | card | nudge
    platform: str = Field(default="slack", max_length=12)  # whose transport delivers it
    # The encoded address (bot.ports.encode_recipient): person:U…, role:triage,
    # thread:inquiry:42:source, conversation:C… (rows queued before the seam).
    recipient: str = Field(max_length=RECIPIENT, index=True)
    payload: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON
    state: str = Field(default="pending", max_length=12)
    attempts: int = 0
    available_at: datetime = _dt()
    created_at: datetime = _dt()
    sent_at: datetime | None = _dt(nullable=True)
    sent_ts: str | None = Field(default=None, max_length=ID)  # the platform's message id
    last_error: str = Field(default="", max_length=500)

    __table_args__ = (
        sa.Index("ix_outbox_due", "state", "available_at"),
        sa.Index("ix_outbox_created", "created_at"),
    )


class MessageRefRecord(SQLModel, table=True):
    """Where an object's message lives on one platform (bot.ports.MessageRef, stored).

    `ref` names the message's role for the object: "source" (the message an inquiry was
    opened from) or "card" (its triage card). One per object, ref and platform; one object of
    a kind per message and ref (a message opens at most one inquiry).
    """

    __tablename__ = "message_refs"
    id: int | None = Field(default=None, primary_key=True)
    object_kind: str = Field(max_length=20)
    object_id: int
    ref: str = Field(max_length=20)
    platform: str = Field(max_length=12)
    conversation_id: str = Field(max_length=ID)
    message_id: str = Field(max_length=ID)
    permalink: str | None = Field(default=None, max_length=1000)
    created_at: datetime = _dt()

    __table_args__ = (
        sa.UniqueConstraint("object_kind", "object_id", "ref", "platform", name="uq_message_refs"),
        sa.UniqueConstraint(
            "platform",
            "conversation_id",
            "message_id",
            "object_kind",
            "ref",
            name="uq_message_refs_message",
        ),
    )


class Reminder(SQLModel, table=True):
    """A nudge, warning or escalation due at a time; recomputed whenever its inquiry changes."""

    __tablename__ = "reminders"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, unique=True))
    inquiry_id: int = Field(foreign_key="inquiries.id", index=True)
    obligation: str = Field(max_length=40)  # review | first_response | eta_required | ...
    kind: str = Field(max_length=20)  # approaching | deadline | escalation | warning | ask
    audience: str = Field(max_length=12)  # assignee | manager
    due_at: datetime = _dt()
    deadline_at: datetime = _dt()
    state: str = Field(default="pending", max_length=12)  # pending | sent | cancelled
    repeat: int = 0
    created_at: datetime = _dt()
    sent_at: datetime | None = _dt(nullable=True)

    __table_args__ = (sa.Index("ix_reminders_due", "state", "due_at"),)


class ActionReceipt(SQLModel, table=True):
    """A user action already acted on (Slack trigger id, or a modal's view id + state hash).

    Inserting the key is the claim: a replayed or double-submitted request finds it taken.
    Rows are deleted by the retention job once `expires_at` has passed (long after Slack's
    five-minute signature window, so a replay can no longer be accepted by then).
    """

    __tablename__ = "action_receipts"
    key: str = Field(primary_key=True, max_length=80)
    created_at: datetime = _dt()
    expires_at: datetime = _dt(index=True)


class TeamsConversation(SQLModel, table=True):
    """Where the bot can post proactively in Teams: one row per conversation.

    Saved when the app is installed for a person or a team (conversationUpdate /
    installationUpdate) or first addressed. Teams ids are long (a personal chat's id runs to
    well over 100 characters), hence the wide columns.
    """

    __tablename__ = "teams_conversations"
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(sa_column=sa.Column(sa.String(512), nullable=False, unique=True))
    kind: str = Field(max_length=20)  # personal | channel | groupChat
    service_url: str = Field(max_length=500)
    tenant_id: str = Field(default="", max_length=64)
    bot_id: str = Field(default="", max_length=255)
    user_id: str = Field(default="", max_length=255, index=True)  # personal: the person
    aad_object_id: str = Field(default="", max_length=64, index=True)
    team_id: str = Field(default="", max_length=255, index=True)
    channel_id: str = Field(default="", max_length=255)
    locale: str = Field(default="", max_length=16)
    reference: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON
    created_at: datetime = _dt()
    updated_at: datetime = _dt()


class DigestRun(SQLModel, table=True):
    """A manager's digest of one (their local) business day, claimed once.

    Inserting the row is the claim, in the transaction that queues the digest: with several
    processes only one inserts it, and a restart finds it taken.
    """

    __tablename__ = "digest_runs"
    id: int | None = Field(default=None, primary_key=True)
    manager_id: str = Field(max_length=ID)
    day: str = Field(max_length=10)  # ISO date, the manager's local day
    created_at: datetime = _dt()

    __table_args__ = (sa.UniqueConstraint("manager_id", "day", name="uq_digest_runs"),)


class DigestPreference(SQLModel, table=True):
    """A manager's choice about the daily digest (`/digest off|on`); no row: on."""

    __tablename__ = "digest_prefs"
    user_id: str = Field(primary_key=True, max_length=ID)
    enabled: bool = True
    updated_at: datetime = _dt()
