"""the platform message an answer was written in

Members edit their messages (Matrix's ``m.replace``, Slack's ``message_changed``). An
edited thread answer is a new version of the enterprise's answer that replaces the
versions of the same message, so each version now keeps the id of the message it was
written in. Earlier answers have none: each stands alone, as before.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=255),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("message_id")
