"""The daily digest: claimed runs, opt-outs, and the indexes its queries walk

Revision ID: 0012_digest
Revises: 0011_notices
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision = "0012_digest"
down_revision = "0011_notices"
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", _text(255), nullable=False),
        sa.Column("day", _text(10), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("manager_id", "day", name="uq_digest_runs"),
    )
    op.create_table(
        "digest_prefs",
        sa.Column("user_id", _text(255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index("ix_inquiries_assignee_status", "inquiries", ["assignee_id", "status"])
    op.create_index("ix_inquiries_assignee_created", "inquiries", ["assignee_id", "created_at"])
    op.create_index("ix_inquiries_assignee_resolved", "inquiries", ["assignee_id", "resolved_at"])
    op.create_index("ix_inquiries_resolved", "inquiries", ["resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_inquiries_resolved", table_name="inquiries")
    op.drop_index("ix_inquiries_assignee_resolved", table_name="inquiries")
    op.drop_index("ix_inquiries_assignee_created", table_name="inquiries")
    op.drop_index("ix_inquiries_assignee_status", table_name="inquiries")
    op.drop_table("digest_prefs")
    op.drop_table("digest_runs")
