"""The shared machinery: outbox, message references, idempotency, claims, audit, adapter state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow

__all__ = ["utcnow"]


class Outbox(SQLModel, table=True):
    """One message to deliver on one platform; kept until it is delivered.

    ``payload`` is the neutral message as JSON. ``coalesce_key`` lets a newer
    edit of the same card replace an older one that is still pending.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "platform", "status", "next_try_at"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    status: str = Field(default="pending", max_length=12)  # pending | sent | failed
    role: str = Field(default="post", max_length=12)  # card | post | edit | dm | ephemeral | react
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


class InboundEvent(SQLModel, table=True):
    """A platform event already handled: a second delivery changes nothing."""

    __tablename__ = "inbound_events"

    platform: str = Field(max_length=20, primary_key=True)
    event_id: str = Field(max_length=255, primary_key=True)
    received_at: datetime = Field(default_factory=utcnow)


class Claim(SQLModel, table=True):
    """Exactly-once jobs: only the replica whose insert succeeds does the work."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("kind", "key", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    key: str = Field(max_length=255)
    period: str = Field(max_length=40)
    owner: str = Field(default="", max_length=120)
    claimed_at: datetime = Field(default_factory=utcnow)


class Audit(SQLModel, table=True):
    """Who did what, when."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    person_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    action: str = Field(max_length=60)
    object_ref: str | None = Field(default=None, max_length=80)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class AdapterState(SQLModel, table=True):
    """Small durable values an adapter keeps (a Matrix sync token, an access token…)."""

    __tablename__ = "adapter_state"

    platform: str = Field(max_length=20, primary_key=True)
    key: str = Field(max_length=80, primary_key=True)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
