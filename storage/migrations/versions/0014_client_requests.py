"""client requests: a request opened from a client's room, its promised first answer, the
satisfaction given at its close

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "client_requests",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("platform", _TEXT(length=20), nullable=False),
        sa.Column("room", _TEXT(length=255), nullable=False),
        sa.Column("locale", _TEXT(length=8), nullable=False),
        sa.Column("acknowledged_at", _TIME(), nullable=False),
        sa.Column("response_due_at", _TIME(), nullable=True),
        sa.Column("first_reply_at", _TIME(), nullable=True),
        sa.Column("last_message_at", _TIME(), nullable=False),
        sa.Column("satisfaction_asked_at", _TIME(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("satisfaction_at", _TIME(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["client_contacts.id"]),
        sa.PrimaryKeyConstraint("request_id"),
    )
    op.create_index("ix_client_requests_client_id", "client_requests", ["client_id"])
    op.create_index("ix_client_requests_response_due_at", "client_requests",
                    ["response_due_at"])


def downgrade() -> None:
    op.drop_index("ix_client_requests_response_due_at", table_name="client_requests")
    op.drop_index("ix_client_requests_client_id", table_name="client_requests")
    op.drop_table("client_requests")
