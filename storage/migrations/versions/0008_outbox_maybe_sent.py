"""whether an outbox row's earlier attempt may have reached the platform

A retry after a timeout or a dropped connection may find its message already posted;
one after a refusal (a 429, an error answer) cannot. Slack looks a row up in the
channel's history only in the first case (bot/slack/outbound.py): a rate-limit storm no
longer doubles its calls with lookups. Rows already retried are marked, as before.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("maybe_sent", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE outbox SET maybe_sent = TRUE WHERE attempts > 0 AND status = 'pending'")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("maybe_sent")
