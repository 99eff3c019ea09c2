"""The audit log: who did what, when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class Audit(SQLModel, table=True):
    """Who did what, when."""

    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    person_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    action: str = Field(max_length=60)
    object_ref: str | None = Field(default=None, max_length=80)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
