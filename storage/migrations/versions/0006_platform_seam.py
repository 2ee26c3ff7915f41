"""platform seam: message references, neutral outbox recipients, long platform ids

Revision ID: 0006_platform_seam
Revises: 0005
Create Date: 2026-11-30

* `message_refs` (object kind + id, ref "source"/"card", platform, conversation id, message
  id, permalink) takes over where an inquiry's source message and card live: the data of
  inquiries.source_channel/source_ts and card_channel/card_ts/card_permalink moves there
  (platform "slack") and those columns go. uq_inquiry_source_message becomes
  uq_message_refs_message (one inquiry per source message).
* outbox: `platform` (existing rows: "slack"); `recipient` holds an encoded neutral address
  (bot.ports.encode_recipient) and `thread_ts` goes, the thread being part of the address:
  - a user id (U…/W…) → person:U…
  - a thread reply → thread:inquiry:<id>:source (or :card) when the thread is an inquiry's
    source message (or card), else conversation:<channel> <thread ts>
  - a card or nudge to a channel → role:triage: the bot only ever queued those for the
    triage channel (a card for `card_channel or triage`, which was set from triage; a nudge
    for triage when unassigned), so the role is known even though the configured channel
    id is not (a card whose message exists is updated where it lives, see message_refs)
  - any other channel post → conversation:<channel> (the adapter-level form that needs no
    configuration: it is delivered to that channel as before).
  Idempotency keys are left as they are.
* every user, channel, conversation and message id column becomes 255 long (Teams ids).

Downgrade reverses it for Slack data; rows of another platform (there are none before a
second platform is added) are dropped, and role:… rows go back to the channel the latest card
was posted in (the triage channel as far as the database can tell).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision = "0006_platform_seam"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD, NEW = 32, 255
USER_PREFIXES = ("U", "W")


def _s(length: int) -> Any:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


inquiries = sa.table(
    "inquiries",
    sa.column("id", sa.Integer),
    sa.column("created_at", storage.models.UTCDateTime()),
    sa.column("source_channel", sa.String),
    sa.column("source_ts", sa.String),
    sa.column("card_channel", sa.String),
    sa.column("card_ts", sa.String),
    sa.column("card_permalink", sa.String),
)
outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("platform", sa.String),
    sa.column("recipient", sa.String),
    sa.column("thread_ts", sa.String),
)
refs = sa.table(
    "message_refs",
    sa.column("id", sa.Integer),
    sa.column("object_kind", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("ref", sa.String),
    sa.column("platform", sa.String),
    sa.column("conversation_id", sa.String),
    sa.column("message_id", sa.String),
    sa.column("permalink", sa.String),
    sa.column("created_at", storage.models.UTCDateTime()),
)


def _widen(table: str, columns: list[tuple[str, bool]], old: int, new: int) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, nullable in columns:
            batch_op.alter_column(
                name, existing_type=_s(old), type_=_s(new), existing_nullable=nullable
            )


def upgrade() -> None:
    op.create_table(
        "message_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_kind", _s(20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("ref", _s(20), nullable=False),
        sa.Column("platform", _s(12), nullable=False),
        sa.Column("conversation_id", _s(NEW), nullable=False),
        sa.Column("message_id", _s(NEW), nullable=False),
        sa.Column("permalink", _s(1000), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
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
    bind = op.get_bind()
    for ref, channel, ts, link in (
        ("source", inquiries.c.source_channel, inquiries.c.source_ts, sa.null()),
        ("card", inquiries.c.card_channel, inquiries.c.card_ts, inquiries.c.card_permalink),
    ):
        bind.execute(
            refs.insert().from_select(
                [
                    "object_kind",
                    "object_id",
                    "ref",
                    "platform",
                    "conversation_id",
                    "message_id",
                    "permalink",
                    "created_at",
                ],
                sa.select(
                    sa.literal("inquiry"),
                    inquiries.c.id,
                    sa.literal(ref),
                    sa.literal("slack"),
                    channel,
                    ts,
                    link,
                    inquiries.c.created_at,
                ).where(channel.is_not(None), ts.is_not(None)),
            )
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("platform", _s(12), nullable=False, server_default="slack"))
        batch_op.alter_column(
            "recipient", existing_type=_s(OLD), type_=_s(300), existing_nullable=False
        )
        batch_op.alter_column("sent_ts", existing_type=_s(OLD), type_=_s(NEW))
    threads = {
        (row.conversation_id, row.message_id): f"thread:inquiry:{row.object_id}:{row.ref}"
        for row in bind.execute(
            sa.select(refs.c.object_id, refs.c.ref, refs.c.conversation_id, refs.c.message_id)
            .where(refs.c.object_kind == "inquiry")
            .order_by(refs.c.ref)  # "card" before "source": a message that is both is a source
        )
    }
    updates = []
    for row in bind.execute(
        sa.select(outbox.c.id, outbox.c.kind, outbox.c.recipient, outbox.c.thread_ts)
    ):
        recipient, thread = row.recipient, row.thread_ts
        if thread:
            new = threads.get((recipient, thread)) or f"conversation:{recipient} {thread}"
        elif recipient.startswith(USER_PREFIXES):
            new = f"person:{recipient}"
        elif row.kind in ("card", "nudge"):
            new = "role:triage"
        else:
            new = f"conversation:{recipient}"
        updates.append({"row_id": row.id, "new": new})
    if updates:
        bind.execute(
            outbox.update()
            .where(outbox.c.id == sa.bindparam("row_id"))
            .values(recipient=sa.bindparam("new")),
            updates,
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("thread_ts")

    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_constraint("uq_inquiry_source_message", type_="unique")
        for name in ("source_channel", "source_ts", "card_channel", "card_ts", "card_permalink"):
            batch_op.drop_column(name)
        batch_op.alter_column(
            "requester_id", existing_type=_s(OLD), type_=_s(NEW), existing_nullable=False
        )
        batch_op.alter_column(
            "assignee_id", existing_type=_s(OLD), type_=_s(NEW), existing_nullable=True
        )
    _widen("inquiry_events", [("actor_id", False)], OLD, NEW)
    _widen("user_profiles", [("user_id", False)], OLD, NEW)
    _widen("processed_events", [("event_id", False)], 64, NEW)


def downgrade() -> None:
    _widen("processed_events", [("event_id", False)], NEW, 64)
    _widen("user_profiles", [("user_id", False)], NEW, OLD)
    _widen("inquiry_events", [("actor_id", False)], NEW, OLD)

    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        for name, length in (
            ("source_channel", OLD),
            ("source_ts", OLD),
            ("card_channel", OLD),
            ("card_ts", OLD),
            ("card_permalink", 500),
        ):
            batch_op.add_column(sa.Column(name, _s(length), nullable=True))
        batch_op.alter_column(
            "requester_id", existing_type=_s(NEW), type_=_s(OLD), existing_nullable=False
        )
        batch_op.alter_column(
            "assignee_id", existing_type=_s(NEW), type_=_s(OLD), existing_nullable=True
        )
        batch_op.create_unique_constraint(
            "uq_inquiry_source_message", ["source_channel", "source_ts"]
        )
    bind = op.get_bind()

    def ref_value(ref: str, column: sa.ColumnElement[Any]) -> Any:
        return (
            sa.select(column)
            .where(
                refs.c.object_kind == "inquiry",
                refs.c.object_id == inquiries.c.id,
                refs.c.ref == ref,
                refs.c.platform == "slack",
            )
            .scalar_subquery()
        )

    bind.execute(
        inquiries.update().values(
            source_channel=ref_value("source", refs.c.conversation_id),
            source_ts=ref_value("source", refs.c.message_id),
            card_channel=ref_value("card", refs.c.conversation_id),
            card_ts=ref_value("card", refs.c.message_id),
            card_permalink=ref_value("card", refs.c.permalink),
        )
    )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_ts", _s(OLD), nullable=True))
    bind.execute(outbox.delete().where(outbox.c.platform != "slack"))
    places = {
        (row.object_id, row.ref): (row.conversation_id, row.message_id)
        for row in bind.execute(
            sa.select(refs.c.object_id, refs.c.ref, refs.c.conversation_id, refs.c.message_id)
            .where(refs.c.object_kind == "inquiry", refs.c.platform == "slack")
            .order_by(refs.c.id)
        )
    }
    triage = next(
        iter(
            bind.execute(
                sa.select(refs.c.conversation_id)
                .where(refs.c.ref == "card", refs.c.platform == "slack")
                .order_by(refs.c.id.desc())
                .limit(1)
            ).scalars()
        ),
        None,
    )
    updates = []
    for row in bind.execute(sa.select(outbox.c.id, outbox.c.recipient)):
        form, _, rest = row.recipient.partition(":")
        recipient, thread = row.recipient, None
        if form == "person":
            recipient = rest
        elif form == "conversation":
            recipient, _, thread = rest.partition(" ")
        elif form == "role" and triage:
            recipient = triage
        elif form == "thread":
            _kind, _, tail = rest.partition(":")
            number, _, ref = tail.partition(":")
            place = places.get((int(number), ref)) if number.isdigit() else None
            if place:
                recipient, thread = place
        updates.append({"row_id": row.id, "new": recipient[:OLD], "thread": thread or None})
    if updates:
        bind.execute(
            outbox.update()
            .where(outbox.c.id == sa.bindparam("row_id"))
            .values(recipient=sa.bindparam("new"), thread_ts=sa.bindparam("thread")),
            updates,
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("platform")
        batch_op.alter_column(
            "recipient", existing_type=_s(300), type_=_s(OLD), existing_nullable=False
        )
        batch_op.alter_column("sent_ts", existing_type=_s(NEW), type_=_s(OLD))

    op.drop_table("message_refs")
