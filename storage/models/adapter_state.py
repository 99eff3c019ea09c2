"""Small durable values an adapter keeps between runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from storage.models.base import utcnow


class AdapterState(SQLModel, table=True):
    """Small durable values an adapter keeps (a Matrix sync token, an access token…)."""

    __tablename__ = "adapter_state"

    platform: str = Field(max_length=20, primary_key=True)
    key: str = Field(max_length=80, primary_key=True)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
