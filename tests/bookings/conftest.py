"""Bookings at a fixed "now": Thursday 26 November 2026, 10:00 in Paris (09:00 UTC)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from storage.db import Database
from storage.models import Booking
from tests.conftest import Console
from tests.snapshots import DOMAIN_TABLES

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TABLES = (*DOMAIN_TABLES, "bookings", "booking_series")


def set_clock(console: Console, moment: datetime) -> None:
    console.bot.dispatcher.clock = lambda: moment


@pytest.fixture
async def bk(console: Console) -> Console:
    """The console harness with the clock stopped at ``NOW``."""
    set_clock(console, NOW)
    return console


async def all_bookings(db: Database) -> Sequence[Booking]:
    async with db.session(read_only=True) as s:
        return (await s.exec(select(Booking).order_by(col(Booking.id)))).all()
