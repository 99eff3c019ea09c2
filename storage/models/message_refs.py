"""Platform messages and the objects they show, to map replies and edit cards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class MessageRef(SQLModel, table=True):
    """A platform message ↔ the object (``R-3``, ``P-2``, ``B-7``, ``digest``) it shows."""

    __tablename__ = "message_refs"
    __table_args__ = (UniqueConstraint("platform", "channel", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    channel: str = Field(max_length=255)
    message_id: str = Field(max_length=255)
    object_ref: str = Field(max_length=40, index=True)
    role: str = Field(default="card", max_length=20)  # card | reply | dm | file
    created_at: datetime = Field(default_factory=utcnow)
