"""A handoff keeps the final delivery state of its context card (C8 after outbox retention)

Revision ID: 0018_handoff_card_state
Revises: 0017_digest_indexes
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_handoff_card_state"
down_revision = "0017_digest_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("card_state", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("card_state")
