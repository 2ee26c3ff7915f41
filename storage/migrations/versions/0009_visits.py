"""Visits: visitors (numbered V<id>), their events, reception-room bookings, field visits (F<id>)

Revision ID: 0009_visits
Revises: 0014_feedback
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision = "0009_visits"
down_revision = "0014_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("customer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("visit_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("staff", sa.Text(), nullable=False),
        sa.Column("inquiry_number", sa.Integer(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("report_due_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("reported_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("reported_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("field_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_field_visits_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_field_visits_visit_at"), ["visit_at"], unique=False)

    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("visitor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("company", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("host_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("registered_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("walkin", sa.Boolean(), nullable=False),
        sa.Column("visit_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("badge", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("id_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("slot", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("badge_returned", sa.Boolean(), nullable=False),
        sa.Column("id_returned", sa.Boolean(), nullable=False),
        sa.Column("arrived_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seated_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("host_due_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("met_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("left_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("room_freed_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("anonymised_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visits_anonymised_at"), ["anonymised_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_visits_host_id"), ["host_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_visit_at"), ["visit_at"], unique=False)

    op.create_table(
        "room_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("starts_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("booked_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("room_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_bookings_room"), ["room"], unique=False)
        batch_op.create_index(batch_op.f("ix_room_bookings_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_room_bookings_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "visit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_events_visit_id"), ["visit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_events_visit_id"))

    op.drop_table("visit_events")
    with op.batch_alter_table("room_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_bookings_visit_id"))
        batch_op.drop_index(batch_op.f("ix_room_bookings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_room_bookings_room"))

    op.drop_table("room_bookings")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_visit_at"))
        batch_op.drop_index(batch_op.f("ix_visits_status"))
        batch_op.drop_index(batch_op.f("ix_visits_host_id"))
        batch_op.drop_index(batch_op.f("ix_visits_anonymised_at"))

    op.drop_table("visits")
    with op.batch_alter_table("field_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_visits_visit_at"))
        batch_op.drop_index(batch_op.f("ix_field_visits_status"))

    op.drop_table("field_visits")
