"""a resource's open days, and urgent requests

A resource is booked on the weekdays the directory gives (``days``), public holidays
closed unless it says so; until this revision every resource could be booked every day,
and now the default is Monday to Friday. A request said "urgent" is flagged.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("days", sqlmodel.sql.sqltypes.AutoString(length=60),
                                      nullable=False, server_default="mon,tue,wed,thu,fri"))
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgent", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("urgent")
    with op.batch_alter_table("resources", schema=None) as batch_op:
        batch_op.drop_column("days")
