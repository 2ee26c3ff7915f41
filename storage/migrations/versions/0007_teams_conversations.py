"""Teams conversation references (where the bot may post proactively in Teams)

Revision ID: 0007_teams_conversations
Revises: 0005 (re-pointed to 0006_platform_seam when the platform-seam branch is merged)
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision = "0007_teams_conversations"
down_revision = "0006_platform_seam"
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "teams_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=512), nullable=False),
        sa.Column("kind", _text(20), nullable=False),
        sa.Column("service_url", _text(500), nullable=False),
        sa.Column("tenant_id", _text(64), nullable=False),
        sa.Column("bot_id", _text(255), nullable=False),
        sa.Column("user_id", _text(255), nullable=False),
        sa.Column("aad_object_id", _text(64), nullable=False),
        sa.Column("team_id", _text(255), nullable=False),
        sa.Column("channel_id", _text(255), nullable=False),
        sa.Column("locale", _text(16), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id"),
    )
    with op.batch_alter_table("teams_conversations", schema=None) as batch_op:
        for column in ("user_id", "aad_object_id", "team_id"):
            batch_op.create_index(
                batch_op.f(f"ix_teams_conversations_{column}"), [column], unique=False
            )


def downgrade() -> None:
    with op.batch_alter_table("teams_conversations", schema=None) as batch_op:
        for column in ("team_id", "aad_object_id", "user_id"):
            batch_op.drop_index(batch_op.f(f"ix_teams_conversations_{column}"))
    op.drop_table("teams_conversations")
