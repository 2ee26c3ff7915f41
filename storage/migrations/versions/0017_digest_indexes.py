"""The digest's indexes: open inquiries only (partial), by assignee and number; created_at

Revision ID: 0017_digest_indexes
Revises: 0012_digest
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_digest_indexes"
down_revision = "0016_home_refresh"
branch_labels = None
depends_on = None

# storage.models.OPEN_INQUIRY_SQL as it is at this revision (a migration keeps its own copy).
OPEN = "status IN ('acknowledged', 'in_progress', 'new', 'on_hold')"


def upgrade() -> None:
    # A team's open inquiries (assignee_id = ANY(...)) and the unassigned queue
    # (assignee_id IS NULL ORDER BY number) of every digest: 2% of the rows, not all of them.
    op.create_index(
        "ix_inquiries_open",
        "inquiries",
        ["assignee_id", "number"],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )
    # What every team opened since the last digest, in one range scan (the batch reads all
    # teams at once: one range instead of one per person of ix_inquiries_assignee_created).
    op.create_index("ix_inquiries_created", "inquiries", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_inquiries_created", table_name="inquiries")
    op.drop_index("ix_inquiries_open", table_name="inquiries")
