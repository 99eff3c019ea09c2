"""project invoicing: the client's SIRET, Chorus Pro service code and commitment number on
a project; when a request was won and when it was delivered (``closed_at`` moves on at
delivery, so the win's date was lost)

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.add_column(sa.Column("siret", _TEXT(length=14), nullable=True))
        batch.add_column(sa.Column("chorus_service", _TEXT(length=100), nullable=True))
        batch.add_column(sa.Column("commitment", _TEXT(length=50), nullable=True))
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("won_at", _TIME(), nullable=True))
        batch.add_column(sa.Column("delivered_at", _TIME(), nullable=True))
    # what is known of the requests closed before: a won one was won when it was closed,
    # a delivered one delivered then (its win's date is gone)
    op.execute("UPDATE requests SET won_at = closed_at WHERE status = 'won'")
    op.execute("UPDATE requests SET delivered_at = closed_at WHERE status = 'delivered'")


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("delivered_at")
        batch.drop_column("won_at")
    with op.batch_alter_table("projects") as batch:
        batch.drop_column("commitment")
        batch.drop_column("chorus_service")
        batch.drop_column("siret")
