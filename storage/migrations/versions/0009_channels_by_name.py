"""a channel is its name: one row per name and platform, and retired channels

Until now a re-import keyed channels by their room id, so a corrected room id added a
second row under the same name and every card also went to the dead room. A channel
is now identified by its name (unique per platform) and its room id is replaced; a
channel the directory file no longer lists is retired (``active`` false), its row kept.

Rows already doubled by the old import are merged: per name and platform the newest
row (the highest id, the last id imported) stays, the older ones go (no table points
to a channel's row: outbox rows and message references name the room itself). The
next ``grappe directory import`` sets every room id from the file.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM channels WHERE id NOT IN "
        "(SELECT max(id) FROM channels GROUP BY platform, name)")
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.drop_constraint("uq_channels_platform_platform_channel_id", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_channels_platform_name"),
                                          ["platform", "name"])


def downgrade() -> None:
    op.execute("DELETE FROM channels WHERE NOT active")
    op.execute(
        "DELETE FROM channels WHERE id NOT IN "
        "(SELECT max(id) FROM channels GROUP BY platform, platform_channel_id)")
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_constraint("uq_channels_platform_name", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_channels_platform_platform_channel_id"),
            ["platform", "platform_channel_id"])
        batch_op.drop_column("active")
