"""Callbacks (C7), their steps, absences (/away) and handoffs (C8)

Revision ID: 0010_callbacks
Revises: 0009_visits
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision = "0010_callbacks"
down_revision = "0009_visits"
branch_labels = None
depends_on = None

UTC = storage.models.UTCDateTime


def _s(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", _s(255), nullable=False),
        sa.Column("logged_by", _s(255), nullable=False),
        sa.Column("platform", _s(12), nullable=False),
        sa.Column("caller", _s(200), nullable=False),
        sa.Column("company", _s(200), nullable=False),
        sa.Column("phone", _s(40), nullable=False),
        sa.Column("topic", _s(500), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("state", _s(12), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("rung", _s(12), nullable=False),
        sa.Column("logged_at", UTC(timezone=True), nullable=False),
        sa.Column("start_at", UTC(timezone=True), nullable=False),
        sa.Column("claimed_by", _s(255), nullable=True),
        sa.Column("claimed_at", UTC(timezone=True), nullable=True),
        sa.Column("called_back_at", UTC(timezone=True), nullable=True),
        sa.Column("called_back_by", _s(255), nullable=True),
        sa.Column("escalated_at", UTC(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("anonymised_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callbacks_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_callbacks_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_callbacks_anonymised_at"), ["anonymised_at"], unique=False
        )
    op.create_table(
        "callback_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callback_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("kind", _s(20), nullable=False),
        sa.Column("rung", _s(12), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("actor_id", _s(255), nullable=False),
        sa.Column("user_id", _s(255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["callback_id"], ["callbacks.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("callback_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_callback_steps_callback_id"), ["callback_id"], unique=False
        )
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", _s(255), nullable=False),
        sa.Column("starts_at", UTC(timezone=True), nullable=False),
        sa.Column("until", UTC(timezone=True), nullable=False),
        sa.Column("delegate", _s(255), nullable=True),
        sa.Column("reason", _s(500), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("ended_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_absences_until"), ["until"], unique=False)
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_kind", _s(20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("from_id", _s(255), nullable=False),
        sa.Column("to_id", _s(255), nullable=False),
        sa.Column("by_id", _s(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoffs_object_id"), ["object_id"], unique=False)


def downgrade() -> None:
    op.drop_table("handoffs")
    op.drop_table("absences")
    op.drop_table("callback_steps")
    op.drop_table("callbacks")
