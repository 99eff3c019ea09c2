"""Leases: which replica runs a side of the bot that only one may run at a time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class AdapterLease(SQLModel, table=True):
    """One row per side that one replica alone may run (``matrix``: the bot's one device).

    ``holder`` has it until ``expires_at``; whoever takes the row after that has it
    (``storage.repo.leases``). Not a ``Claim``: a claim is won once for good, a lease is
    held for a while and renewed."""

    __tablename__ = "adapter_leases"

    name: str = Field(max_length=40, primary_key=True)
    holder: str = Field(max_length=200)
    expires_at: datetime
