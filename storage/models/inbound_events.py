"""Inbound event ids already handled: the idempotency of every platform's redeliveries."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class InboundEvent(SQLModel, table=True):
    """A platform event already handled: a second delivery changes nothing."""

    __tablename__ = "inbound_events"

    platform: str = Field(max_length=20, primary_key=True)
    event_id: str = Field(max_length=255, primary_key=True)
    received_at: datetime = Field(default_factory=utcnow)
