"""Bookings of the shared resources, and the series that recurring bookings belong to.

No two active bookings (``confirmed`` or ``pending``) of one resource overlap:
PostgreSQL refuses it with an exclusion constraint and SQLite with a trigger,
both written in migration 0003 (not here: see shared/STORAGE-NOTES.md). Times
are UTC; a booking is the half-open range ``[starts_at, ends_at)``, so 10–12
and 12–14 do not overlap.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    PENDING = "pending"  # waits for a coordinator; holds the slot meanwhile
    CANCELLED = "cancelled"
    REJECTED = "rejected"


ACTIVE_STATUSES = (BookingStatus.CONFIRMED.value, BookingStatus.PENDING.value)


class BookingSeries(SQLModel, table=True):
    """Recurring bookings made by one request ("chaque mardi 9h-11h x6")."""

    __tablename__ = "booking_series"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resources.id", index=True)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprises.id")
    person_id: int = Field(foreign_key="people.id")
    rule: str = Field(default="", max_length=200)  # the words used, for the record
    purpose: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class Booking(SQLModel, table=True):
    """One booking of one resource; ``B-<id>`` for people."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="positive_length"),
        # Led by ends_at (migration 0006): time windows read what is to come, not the history.
        Index("ix_bookings_resource_ends", "resource_id", "ends_at", "starts_at"),
        Index("ix_bookings_ends_at", "ends_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resources.id")
    enterprise_id: int | None = Field(default=None, foreign_key="enterprises.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    starts_at: datetime
    ends_at: datetime
    purpose: str = Field(default="", max_length=500)
    status: str = Field(default=BookingStatus.CONFIRMED.value, max_length=12)
    series_id: int | None = Field(default=None, foreign_key="booking_series.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    sequence: int = Field(default=0)  # iCal SEQUENCE: bumped at each change
    decided_by_id: int | None = Field(default=None, foreign_key="people.id")
    decided_at: datetime | None = Field(default=None)
    cancelled_by_id: int | None = Field(default=None, foreign_key="people.id")
    reason: str = Field(default="", max_length=500)  # why it was declined

    @property
    def ref(self) -> str:
        return f"B-{self.id}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES
