"""adapter leases: the replica that runs the Matrix side (the bot's one device) holds the
``matrix`` row until it expires (issue #19)

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "adapter_leases",
        sa.Column("name", _TEXT(length=40), nullable=False),
        sa.Column("holder", _TEXT(length=200), nullable=False),
        sa.Column("expires_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_adapter_leases")),
    )


def downgrade() -> None:
    op.drop_table("adapter_leases")
