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


# The open statuses (bot.domain.inquiry.OPEN_STATUSES) as SQL: the predicate of the partial
# index ix_inquiries_open. Queries that must use that index write this very text (literal
# values: a bound parameter list cannot prove a partial index's predicate on PostgreSQL).
OPEN_INQUIRY_SQL = "status IN ('acknowledged', 'in_progress', 'new', 'on_hold')"


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
        # What was opened since a moment, for every team at once (migration 0017).
        sa.Index("ix_inquiries_created", "created_at"),
        # Only the open rows (2% of a year's worth): a team's open inquiries by assignee, the
        # unassigned queue by number (migration 0017_digest_indexes).
        sa.Index(
            "ix_inquiries_open",
            "assignee_id",
            "number",
            postgresql_where=sa.text(OPEN_INQUIRY_SQL),
            sqlite_where=sa.text(OPEN_INQUIRY_SQL),
        ),
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


class PersonLanguage(SQLModel, table=True):
    """A person's own choice of language (`/charter language ko|en`), over their locale."""

    __tablename__ = "person_languages"
    user_id: str = Field(primary_key=True, max_length=ID)
    lang: str = Field(max_length=8)
    set_at: datetime = _dt()


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


class Timer(SQLModel, table=True):
    """A one-shot wake-up of a feature's subject at a wall-clock time (a visit's host ladder, a
    callback's next rung, a notice's reminder, a report falling due).

    `key` names the timer (e.g. `callback:12:team`): planning the same key again moves a
    pending timer instead of adding a second one. `kind` selects the handler the scheduler
    calls (bot/scheduler.py TIMER_HANDLERS); the handler re-reads its subject and decides.
    """

    __tablename__ = "timers"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, unique=True))
    kind: str = Field(max_length=60)
    subject_id: int = Field(index=True)
    due_at: datetime = _dt()
    state: str = Field(default="pending", max_length=12)  # pending | fired | cancelled | failed
    payload: str = Field(default="{}", sa_column=sa.Column(sa.Text(), nullable=False))
    attempts: int = 0
    created_at: datetime = _dt()
    fired_at: datetime | None = _dt(nullable=True)

    __table_args__ = (sa.Index("ix_timers_due", "state", "due_at"),)


# --------------------------------------------------------------------------- feedback (C13–C15)
# Satisfaction surveys, complaints about staff and praise (issue 15, migration 0014_feedback).


class Survey(SQLModel, table=True):
    """A satisfaction survey sent after an inquiry was resolved, and its answer (one row per
    survey: answering again updates it)."""

    __tablename__ = "surveys"
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(index=True)
    inquiry_number: int
    inquiry_kind: str = Field(max_length=20)
    team: str = Field(default="", max_length=200)  # the assignee's team when it was sent
    requester_id: str = Field(max_length=ID, index=True)  # "" for a link-only requester
    assignee_id: str = Field(default="", max_length=ID)
    platform: str = Field(max_length=10)  # slack | teams | link: where it was asked
    nonce: str = Field(max_length=64)  # in the link token: a new link voids the old one
    sent_at: datetime = _dt(index=True)
    expires_at: datetime = _dt()
    rating: int | None = None
    comment: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    answered_at: datetime | None = _dt(nullable=True)
    answered_via: str = Field(default="", max_length=10)  # slack | teams | link


class Complaint(SQLModel, table=True):
    """A complaint about a staff member (`K<id>`): restricted to their manager and admins."""

    __tablename__ = "complaints"
    id: int | None = Field(default=None, primary_key=True)
    staff_id: str = Field(max_length=ID, index=True)
    manager_id: str = Field(default="", max_length=ID)  # "" : no team manager, admins review
    reporter_id: str = Field(max_length=ID, index=True)
    reporter_is_customer: bool = False
    source: str = Field(max_length=10)  # command | survey
    survey_id: int | None = None
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    status: str = Field(default="open", max_length=12, index=True)
    created_at: datetime = _dt()
    review_due_at: datetime = _dt()
    decided_by: str = Field(default="", max_length=ID)
    decided_at: datetime | None = _dt(nullable=True)
    reason: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    action_text: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    action_by: str = Field(default="", max_length=10)  # ISO date the action is (was) done by
    action_at: datetime | None = _dt(nullable=True)
    reward_kind: str = Field(default="", max_length=100)
    reward_state: str = Field(default="", max_length=10)  # "" | to_send | sent
    reward_sent_by: str = Field(default="", max_length=ID)
    reward_sent_at: datetime | None = _dt(nullable=True)
    reward_note: str = Field(default="", max_length=500)


class Praise(SQLModel, table=True):
    """Praise for a staff member, or a manager's "exemplary" nomination (kind)."""

    __tablename__ = "praise"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="praise", max_length=10)  # praise | exemplary
    staff_id: str = Field(max_length=ID, index=True)
    giver_id: str = Field(max_length=ID)
    source: str = Field(max_length=10)  # command | survey
    survey_id: int | None = None
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_at: datetime = _dt(index=True)
    consent: bool = False  # the giver agreed to a public post
    posted_at: datetime | None = _dt(nullable=True)


# --------------------------------------------------------------------------- visits (issue 12)
# Visitors (C9, C10), reception-room bookings and staff field visits (C11). Visitor personal
# data (name, company, phone, notes) is anonymised after `visitors.retention_days`; ID
# *numbers* are never stored anywhere (only the type of ID held at the desk).


class Visit(SQLModel, table=True):
    """A visitor's visit, numbered `V<id>` (the id is never reused)."""

    __tablename__ = "visits"
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(max_length=20, index=True)
    visitor: str = Field(max_length=200)
    company: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    purpose: str = Field(default="", max_length=500)
    notes: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    headcount: int = 1
    host_id: str = Field(max_length=ID, index=True)
    registered_by: str = Field(max_length=ID)
    walkin: bool = False
    visit_at: datetime = _dt(index=True)
    ends_at: datetime = _dt()
    room: str = Field(default="", max_length=100)
    badge: str = Field(default="", max_length=20)
    id_type: str = Field(default="", max_length=20)  # resident_card | driver_license | …
    slot: str = Field(default="", max_length=20)
    badge_returned: bool = False
    id_returned: bool = False
    arrived_at: datetime | None = _dt(nullable=True)
    seated_at: datetime | None = _dt(nullable=True)
    host_due_at: datetime | None = _dt(nullable=True)  # the later of the time and seating
    met_at: datetime | None = _dt(nullable=True)  # the host confirmed being in the room
    left_at: datetime | None = _dt(nullable=True)
    room_freed_at: datetime | None = _dt(nullable=True)
    reason: str = Field(default="", max_length=500)  # cancelled / host can't meet
    created_at: datetime = _dt()
    anonymised_at: datetime | None = _dt(nullable=True, index=True)


class VisitEvent(SQLModel, table=True):
    """Append-only history of a visit: who did what, when."""

    __tablename__ = "visit_events"
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visits.id", index=True)
    at: datetime = _dt()
    actor_id: str = Field(max_length=ID)
    kind: str = Field(max_length=30)
    note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))


class RoomBooking(SQLModel, table=True):
    """A reception room booked for a time (by a visit, or by hand with `/room book`)."""

    __tablename__ = "room_bookings"
    id: int | None = Field(default=None, primary_key=True)
    room: str = Field(max_length=100, index=True)
    starts_at: datetime = _dt(index=True)
    ends_at: datetime = _dt()
    purpose: str = Field(default="", max_length=500)
    visit_id: int | None = Field(default=None, foreign_key="visits.id", index=True)
    booked_by: str = Field(max_length=ID)
    created_at: datetime = _dt()
    released_at: datetime | None = _dt(nullable=True)


class FieldVisit(SQLModel, table=True):
    """Staff visiting a customer, numbered `F<id>`; its result report is due after it."""

    __tablename__ = "field_visits"
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(max_length=20, index=True)  # planned | reported | cancelled
    customer: str = Field(max_length=200)
    purpose: str = Field(default="", max_length=500)
    visit_at: datetime = _dt(index=True)
    ends_at: datetime = _dt()
    staff: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # JSON list of user ids
    inquiry_number: int | None = None
    created_by: str = Field(max_length=ID)
    report_due_at: datetime = _dt()
    outcome: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    next_steps: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    reported_by: str | None = Field(default=None, max_length=ID)
    reported_at: datetime | None = _dt(nullable=True)
    created_at: datetime = _dt()


# --------------------------------------------------------------------------- callbacks (C7, C8)


class Callback(SQLModel, table=True):
    """A phone call to return (CB<id>): logged by whoever took it, owned by the person asked
    for, offered up a ladder (owner → team → manager → escalation) until someone calls back.

    `round` counts ladder runs: a claim that times out re-opens the ladder in a new round, so
    its timers and offers get new keys. Phone and caller name are personal data: staff-only,
    blanked by the retention job after `callbacks.retention_days` (`anonymised_at`).
    """

    __tablename__ = "callbacks"
    id: int | None = Field(default=None, primary_key=True)
    owner_id: str = Field(max_length=ID, index=True)
    logged_by: str = Field(max_length=ID)
    platform: str = Field(default="slack", max_length=12)  # where it was logged
    caller: str = Field(default="", max_length=200)
    company: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    topic: str = Field(default="", max_length=500)
    inquiry_id: int | None = Field(default=None, foreign_key="inquiries.id")
    urgent: bool = False
    state: str = Field(default="open", max_length=12, index=True)  # open | claimed | done
    round: int = 1
    rung: str = Field(default="", max_length=12)  # the rung offered last ("" none yet)
    logged_at: datetime = _dt()
    start_at: datetime = _dt()  # the ladder's start (the next opening when logged after hours)
    claimed_by: str | None = Field(default=None, max_length=ID)
    claimed_at: datetime | None = _dt(nullable=True)
    called_back_at: datetime | None = _dt(nullable=True)
    called_back_by: str | None = Field(default=None, max_length=ID)
    escalated_at: datetime | None = _dt(nullable=True)
    note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    anonymised_at: datetime | None = _dt(nullable=True, index=True)


class CallbackStep(SQLModel, table=True):
    """One step of a callback: logged, offered (to whom, at which rung), claimed, passed,
    released, called back, escalated, re-opened, transferred."""

    __tablename__ = "callback_steps"
    id: int | None = Field(default=None, primary_key=True)
    callback_id: int = Field(foreign_key="callbacks.id", index=True)
    at: datetime = _dt()
    kind: str = Field(max_length=20)
    rung: str = Field(default="", max_length=12)  # owner | team | manager | escalate
    round: int = 1
    actor_id: str = Field(default="", max_length=ID)  # who acted ("" for the ladder itself)
    user_id: str = Field(default="", max_length=ID)  # whom it concerns (offered to, passed to)
    note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))


class Absence(SQLModel, table=True):
    """`/away`: someone away until a time, with who stands in (ends by itself at `until`, or
    early with `/away off`: `ended_at`)."""

    __tablename__ = "absences"
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=ID, index=True)
    starts_at: datetime = _dt()
    until: datetime = _dt(index=True)
    delegate: str | None = Field(default=None, max_length=ID)
    reason: str = Field(default="", max_length=500)
    created_at: datetime = _dt()
    ended_at: datetime | None = _dt(nullable=True)


class Handoff(SQLModel, table=True):
    """A transfer of an inquiry or a callback to someone else, with why (C8): the new owner got
    a handoff card with the context."""

    __tablename__ = "handoffs"
    id: int | None = Field(default=None, primary_key=True)
    object_kind: str = Field(max_length=20)  # inquiry | callback
    object_id: int = Field(index=True)
    from_id: str = Field(default="", max_length=ID)
    to_id: str = Field(max_length=ID)
    by_id: str = Field(max_length=ID)
    reason: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    at: datetime = _dt()
    # The final delivery state of the context card (sent / failed / cancelled), copied from
    # its outbox row before retention deletes that row (migration 0018_handoff_card_state).
    card_state: str | None = Field(default=None, max_length=16)


# ------------------------------------------------------------------ notices and outages (C1, C6)
class Notice(SQLModel, table=True):
    """A planned interruption announced ahead (C6): numbered `N<id>`, never reused.

    `lead_ok`: planned at least `notices.min_lead` (business time) before its start; a shorter
    notice exists only when marked `urgent` and counts against C6 in reports.
    """

    __tablename__ = "notices"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    title_en: str = Field(default="", max_length=200)
    impact: str = Field(default="", max_length=500)
    impact_en: str = Field(default="", max_length=500)
    services: str = Field(default="", max_length=1000)  # comma-separated, as given
    reason: str = Field(default="maintenance", max_length=20)  # maintenance|regulation|improvement
    status: str = Field(default="planned", max_length=12, index=True)
    # planned | running | completed | cancelled
    start_at: datetime = _dt(index=True)
    end_at: datetime = _dt()
    urgent: bool = False
    lead_ok: bool = True
    planned_at: datetime = _dt()
    created_by: str = Field(max_length=ID)
    cancel_reason: str = Field(default="", max_length=500)
    updated_at: datetime = _dt()


class Outage(SQLModel, table=True):
    """An unplanned (or, inside a running notice of the same service, planned) outage (C1):
    numbered `O<id>`. Its duration counts against the year's availability when unplanned."""

    __tablename__ = "outages"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    services: str = Field(default="", max_length=1000)
    impact: str = Field(default="", max_length=500)
    status: str = Field(default="open", max_length=12, index=True)  # open | resolved
    started_at: datetime = _dt(index=True)
    resolved_at: datetime | None = _dt(nullable=True)
    cause: str = Field(default="", max_length=1000)
    last_note: str = Field(default="", max_length=1000)
    planned: bool = False
    notice_id: int | None = Field(default=None)
    created_by: str = Field(max_length=ID)
    updated_at: datetime = _dt()


# ------------------------------------------------------------------ web voice of customer (C12)
class VocSubmission(SQLModel, table=True):
    """A web VOC the webhook accepted: its sender's `id` (the idempotency key) and the
    inquiry it became, written in the inquiry's transaction (never one without the other)."""

    __tablename__ = "voc_submissions"
    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, unique=True))
    inquiry_id: int | None = Field(default=None)
    received_at: datetime = _dt()


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


# --------------------------------------------------------------------------- App Home refresh
# (issue 16: dashboards refreshed after a change that affects the viewer)


class HomeView(SQLModel, table=True):
    """A person who has opened their dashboard on one platform: only they get it re-published
    after a change (Slack `views.publish` for someone who never opened the Home is wasted).

    Slack: the App Home was opened. Teams: the `home` dashboard card was sent to them; its
    message is kept so a refresh updates it in place. `refresh_due_at` is the debounce: a
    change arms it (and queues one re-publish for that moment) only when it is not already
    armed for a later time, so a burst of changes gives one publish.
    """

    __tablename__ = "home_views"
    platform: str = Field(primary_key=True, max_length=12)
    user_id: str = Field(primary_key=True, max_length=ID)
    opened_at: datetime = _dt()
    conversation_id: str = Field(default="", sa_column=sa.Column(sa.String(512), nullable=False))
    message_id: str = Field(default="", max_length=ID)
    refresh_due_at: datetime | None = _dt(nullable=True)
