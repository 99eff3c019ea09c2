"""clients: the cluster's clients, their contacts, their rooms, and a request's client

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", _TEXT(length=64), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("kind", _TEXT(length=30), nullable=False),
        sa.Column("locale", _TEXT(length=8), nullable=False),
        sa.Column("siret", _TEXT(length=14), nullable=True),
        sa.Column("chorus_service", _TEXT(length=100), nullable=True),
        sa.Column("response_hours", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_clients_slug", "clients", ["slug"], unique=True)
    op.create_table(
        "client_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("handle", _TEXT(length=64), nullable=True),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("email", _TEXT(length=320), nullable=True),
        sa.Column("locale", _TEXT(length=8), nullable=False),
        sa.Column("slack", _TEXT(length=255), nullable=True),
        sa.Column("matrix", _TEXT(length=255), nullable=True),
        sa.Column("from_file", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handle"),
        sa.UniqueConstraint("slack"),
        sa.UniqueConstraint("matrix"),
    )
    op.create_index("ix_client_contacts_client_id", "client_contacts", ["client_id"])
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_channels_client_id", "clients", ["client_id"], ["id"])
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_requests_client_id", "clients", ["client_id"], ["id"])
        batch_op.create_index("ix_requests_client_id", ["client_id"])


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_client_id")
        batch_op.drop_constraint("fk_requests_client_id", type_="foreignkey")
        batch_op.drop_column("client_id")
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_constraint("fk_channels_client_id", type_="foreignkey")
        batch_op.drop_column("client_id")
    op.drop_index("ix_client_contacts_client_id", table_name="client_contacts")
    op.drop_table("client_contacts")
    op.drop_index("ix_clients_slug", table_name="clients")
    op.drop_table("clients")
