"""The outbox: one row per message to deliver, kept until it is delivered.

A row's ``role`` and ``status`` are stored as their strings (``StrEnum``
values), so the column types and the stored data are those of plain text.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class DeliveryRole(StrEnum):
    """What an outbox row is on its platform: the adapters send each one its own way."""

    CARD = "card"  # a message that shows an object (R-3, P-2, B-7); its thread's root
    POST = "post"  # a message in a channel, in its object's thread when it has a card
    EDIT = "edit"  # a new version of a card, replacing the pending one (``coalesce_key``)
    DM = "dm"
    EPHEMERAL = "ephemeral"  # seen only by its recipient, kept nowhere by the platform
    REACT = "react"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # to send (or being sent, under a lease)
    SENT = "sent"
    FAILED = "failed"  # for good: a person looks at it (/readyz counts them)


class Outbox(SQLModel, table=True):
    """One message to deliver on one platform; kept until it is delivered.

    ``payload`` is the neutral message as JSON. ``coalesce_key`` lets a newer
    edit of the same card replace an older one that is still pending.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "platform", "status", "next_try_at"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=12)
    role: str = Field(default=DeliveryRole.POST.value, max_length=12)
    channel: str | None = Field(default=None, max_length=255)
    recipient: str | None = Field(default=None, max_length=255)  # platform user id (DM, ephemeral)
    object_ref: str | None = Field(default=None, max_length=40, index=True)
    coalesce_key: str | None = Field(default=None, max_length=80, index=True)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int = Field(default=0)
    # an earlier attempt may have reached the platform (a timeout, a dropped connection):
    # Slack, which has no idempotency key, looks for the message before posting it again
    maybe_sent: bool = Field(default=False)
    next_try_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = Field(default=None)
    platform_message_id: str | None = Field(default=None, max_length=255)
