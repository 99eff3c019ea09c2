"""Claims of exactly-once jobs (a digest, a reminder, a retention purge)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


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
