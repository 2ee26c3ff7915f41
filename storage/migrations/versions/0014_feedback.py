"""Feedback: satisfaction surveys, complaints about staff, praise (C13–C15)

Revision ID: 0014_feedback
Revises: 0013_person_language
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision = "0014_feedback"
down_revision = "0013_person_language"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_DT = storage.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("inquiry_number", sa.Integer(), nullable=False),
        sa.Column("inquiry_kind", _S(length=20), nullable=False),
        sa.Column("team", _S(length=200), nullable=False),
        sa.Column("requester_id", _S(length=255), nullable=False),
        sa.Column("assignee_id", _S(length=255), nullable=False),
        sa.Column("platform", _S(length=10), nullable=False),
        sa.Column("nonce", _S(length=64), nullable=False),
        sa.Column("sent_at", _DT(timezone=True), nullable=False),
        sa.Column("expires_at", _DT(timezone=True), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", _DT(timezone=True), nullable=True),
        sa.Column("answered_via", _S(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_inquiry_id"), ["inquiry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveys_requester_id"), ["requester_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_surveys_sent_at"), ["sent_at"], unique=False)
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", _S(length=255), nullable=False),
        sa.Column("manager_id", _S(length=255), nullable=False),
        sa.Column("reporter_id", _S(length=255), nullable=False),
        sa.Column("reporter_is_customer", sa.Boolean(), nullable=False),
        sa.Column("source", _S(length=10), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", _S(length=12), nullable=False),
        sa.Column("created_at", _DT(timezone=True), nullable=False),
        sa.Column("review_due_at", _DT(timezone=True), nullable=False),
        sa.Column("decided_by", _S(length=255), nullable=False),
        sa.Column("decided_at", _DT(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("action_text", sa.Text(), nullable=False),
        sa.Column("action_by", _S(length=10), nullable=False),
        sa.Column("action_at", _DT(timezone=True), nullable=True),
        sa.Column("reward_kind", _S(length=100), nullable=False),
        sa.Column("reward_state", _S(length=10), nullable=False),
        sa.Column("reward_sent_by", _S(length=255), nullable=False),
        sa.Column("reward_sent_at", _DT(timezone=True), nullable=True),
        sa.Column("reward_note", _S(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_complaints_reporter_id"), ["reporter_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)
    op.create_table(
        "praise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _S(length=10), nullable=False),
        sa.Column("staff_id", _S(length=255), nullable=False),
        sa.Column("giver_id", _S(length=255), nullable=False),
        sa.Column("source", _S(length=10), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _DT(timezone=True), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("posted_at", _DT(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("praise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_praise_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_praise_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    for table, columns in (
        ("praise", ("staff_id", "created_at")),
        ("complaints", ("staff_id", "reporter_id", "status")),
        ("surveys", ("inquiry_id", "requester_id", "sent_at")),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
