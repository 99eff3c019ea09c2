"""The weekly digest's per-channel settings (paused or not).

Whether a digest or a reminder was already posted is not kept here: that is
the ``claims`` table's job (one row per ``(kind, key, period)``).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class DigestSetting(SQLModel, table=True):
    """One channel's digest: ``channel`` is the channel's name, the same on every platform."""

    __tablename__ = "digest_settings"

    channel: str = Field(max_length=80, primary_key=True)
    purpose: str = Field(default="cooperation", max_length=40)
    paused: bool = Field(default=False)
    paused_by: int | None = Field(default=None, foreign_key="people.id")
    updated_at: datetime = Field(default_factory=utcnow)
