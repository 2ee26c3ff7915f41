"""Notices, outages and web VOC submissions (C1, C6, C12)

Revision ID: 0011_notices
Revises: 0010_callbacks
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision = "0011_notices"
down_revision = "0010_callbacks"
branch_labels = None
depends_on = None


def _dt(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, storage.models.UTCDateTime(timezone=True), nullable=nullable)


def _s(name: str, length: int) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False)


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        _s("title", 200),
        _s("title_en", 200),
        _s("impact", 500),
        _s("impact_en", 500),
        _s("services", 1000),
        _s("reason", 20),
        _s("status", 12),
        _dt("start_at"),
        _dt("end_at"),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("lead_ok", sa.Boolean(), nullable=False),
        _dt("planned_at"),
        _s("created_by", 255),
        _s("cancel_reason", 500),
        _dt("updated_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_notices_start_at"), ["start_at"], unique=False)
    op.create_table(
        "outages",
        sa.Column("id", sa.Integer(), nullable=False),
        _s("title", 200),
        _s("services", 1000),
        _s("impact", 500),
        _s("status", 12),
        _dt("started_at"),
        _dt("resolved_at", nullable=True),
        _s("cause", 1000),
        _s("last_note", 1000),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        _s("created_by", 255),
        _dt("updated_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outages_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outages_started_at"), ["started_at"], unique=False)
    op.create_table(
        "voc_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=True),
        _dt("received_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("external_id"),
    )


def downgrade() -> None:
    op.drop_table("voc_submissions")
    with op.batch_alter_table("outages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outages_started_at"))
        batch_op.drop_index(batch_op.f("ix_outages_status"))
    op.drop_table("outages")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notices_start_at"))
        batch_op.drop_index(batch_op.f("ix_notices_status"))
    op.drop_table("notices")
