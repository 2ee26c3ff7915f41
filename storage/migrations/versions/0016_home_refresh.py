"""App Home refresh: who has opened their dashboard (and where a Teams one lives), with the
debounce of its re-publishing

Revision ID: 0016_home_refresh
Revises: 0012_digest
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision = "0016_home_refresh"
down_revision = "0012_digest"
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "home_views",
        sa.Column("platform", _text(12), nullable=False),
        sa.Column("user_id", _text(255), nullable=False),
        sa.Column("opened_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.String(512), nullable=False),
        sa.Column("message_id", _text(255), nullable=False),
        sa.Column("refresh_due_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("platform", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("home_views")
