"""bookings: shared resources booked with no double booking, ever

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26 08:10:00.000000

The guarantee is in the database. PostgreSQL: an exclusion constraint over
(resource, time range) for the active bookings, with ``btree_gist`` for the
``=`` on the resource. SQLite: a trigger that aborts an overlapping insert or
update (the bot also checks and inserts in one ``BEGIN IMMEDIATE`` transaction).
Neither is in the models' ``__table_args__`` (shared/STORAGE-NOTES.md).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('confirmed', 'pending')"
OVERLAP = "no_overlap"  # the message of the SQLite trigger; ex_bookings_no_overlap on PostgreSQL


def _sqlite_trigger(when: str) -> str:
    row = "NEW"
    return f"""
        CREATE TRIGGER bookings_{OVERLAP}_{when.lower()}
        BEFORE {when} ON bookings
        WHEN {row}.status IN ('confirmed', 'pending')
        BEGIN
            SELECT RAISE(ABORT, 'bookings_{OVERLAP}')
            WHERE EXISTS (
                SELECT 1 FROM bookings AS b
                WHERE b.resource_id = {row}.resource_id AND b.id IS NOT {row}.id
                  AND b.{ACTIVE}
                  AND b.starts_at < {row}.ends_at AND b.ends_at > {row}.starts_at
            );
        END
    """


def upgrade() -> None:
    op.create_table(
        "booking_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_booking_series_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_booking_series_person_id_people")),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"],
                                name=op.f("fk_booking_series_resource_id_resources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_series")),
    )
    with op.batch_alter_table("booking_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_series_resource_id"), ["resource_id"],
                              unique=False)

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_bookings_positive_length")),
        sa.ForeignKeyConstraint(["cancelled_by_id"], ["people.id"],
                                name=op.f("fk_bookings_cancelled_by_id_people")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["people.id"],
                                name=op.f("fk_bookings_decided_by_id_people")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_bookings_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_bookings_person_id_people")),
        sa.ForeignKeyConstraint(["resource_id"], ["resources.id"],
                                name=op.f("fk_bookings_resource_id_resources")),
        sa.ForeignKeyConstraint(["series_id"], ["booking_series.id"],
                                name=op.f("fk_bookings_series_id_booking_series")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bookings_enterprise_id"), ["enterprise_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_bookings_resource_window",
                              ["resource_id", "starts_at", "ends_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_bookings_series_id"), ["series_id"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # Into ``public`` when it exists: an extension lives in one schema of the
        # database, and a schema that is dropped later must not take it along.
        has_public = op.get_bind().execute(
            sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'")).scalar()
        schema = " WITH SCHEMA public" if has_public else ""
        op.execute(f"CREATE EXTENSION IF NOT EXISTS btree_gist{schema}")
        op.execute(
            f"ALTER TABLE bookings ADD CONSTRAINT ex_bookings_{OVERLAP} "
            "EXCLUDE USING gist (resource_id WITH =, "
            f"tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE ({ACTIVE})"
        )
    elif dialect == "sqlite":
        op.execute(_sqlite_trigger("INSERT"))
        op.execute(_sqlite_trigger("UPDATE"))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"ALTER TABLE bookings DROP CONSTRAINT IF EXISTS ex_bookings_{OVERLAP}")
    elif dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS bookings_{OVERLAP}_insert")
        op.execute(f"DROP TRIGGER IF EXISTS bookings_{OVERLAP}_update")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_series_id"))
        batch_op.drop_index("ix_bookings_resource_window")
        batch_op.drop_index(batch_op.f("ix_bookings_person_id"))
        batch_op.drop_index(batch_op.f("ix_bookings_enterprise_id"))
    op.drop_table("bookings")
    with op.batch_alter_table("booking_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_series_resource_id"))
    op.drop_table("booking_series")
