"""The no-double-booking guarantee is the database's, not only a check in Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from commands.bookings import flow as booking_flow
from storage.db import Database
from storage.models import Booking
from storage.repo import bookings as repo
from storage.repo import directory as dir_repo
from tests.bookings.conftest import TABLES, all_bookings
from tests.conftest import Console
from tests.snapshots import snapshot

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def _ids(db: Database) -> tuple[int, int]:
    async with db.session(read_only=True) as s:
        room = await dir_repo.resource_by_slug(s, "salle-garance")
        nadia = await dir_repo.person_by_handle(s, "nadia")
    assert room is not None
    assert nadia is not None
    return room.id or 0, nadia.id or 0


async def _insert(db: Database, resource_id: int, person_id: int, start_h: int, end_h: int,
                  status: str = "confirmed") -> Booking:
    booking = Booking(resource_id=resource_id, person_id=person_id, status=status,
                      starts_at=T0 + timedelta(hours=start_h), ends_at=T0 + timedelta(hours=end_h))
    async with db.session() as s:
        await repo.add(s, [booking])
    return booking


async def _set_status(db: Database, booking: Booking, status: str) -> None:
    async with db.session() as s:
        booking.status = status
        s.add(booking)


async def test_the_database_refuses_an_overlap_that_skips_the_check(coop_db: Database) -> None:
    room, nadia = await _ids(coop_db)
    await _insert(coop_db, room, nadia, 0, 2)
    await _insert(coop_db, room, nadia, 2, 4)  # adjacent: [9,11) and [11,13)
    await _insert(coop_db, room, nadia, 1, 3, status="cancelled")  # cancelled ones hold nothing
    with pytest.raises(IntegrityError) as refused:
        await _insert(coop_db, room, nadia, 1, 3)
    assert repo.is_overlap_violation(refused.value)
    with pytest.raises(IntegrityError) as pending:
        await _insert(coop_db, room, nadia, 3, 5, status="pending")
    assert repo.is_overlap_violation(pending.value)
    with pytest.raises(IntegrityError):  # bringing a cancelled booking back is checked too
        await _set_status(coop_db, (await all_bookings(coop_db))[2], "confirmed")
    with pytest.raises(IntegrityError):  # and a booking needs a length
        await _insert(coop_db, room, nadia, 6, 6)
    assert [b.status for b in await all_bookings(coop_db)] == ["confirmed", "confirmed",
                                                               "cancelled"]


async def test_the_exclusion_constraint_is_in_pg_constraint(db: Database) -> None:
    if db.is_sqlite:
        async with db.engine.connect() as conn:
            names = (await conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
        assert {"bookings_no_overlap_insert", "bookings_no_overlap_update"} <= set(names)
        return
    async with db.engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'bookings'::regclass AND contype = 'x'"))).one()
    name, definition = row
    assert name == "ex_bookings_no_overlap"
    assert definition.startswith("EXCLUDE USING gist (resource_id WITH =, "
                                 "tstzrange(starts_at, ends_at, '[)'::text) WITH &&)")
    assert "confirmed" in definition
    assert "pending" in definition


async def test_a_refusal_by_the_database_becomes_a_clear_conflict_reply(
        bk: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    """A replica that committed between our check and our insert: the database says no."""
    await bk.run("nadia: /grappe reserver salle-garance jeudi 14h-16h : point compta")
    real = booking_flow._clashes
    calls = []

    async def blind_first(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return {} if len(calls) == 1 else await real(*args, **kwargs)

    monkeypatch.setattr(booking_flow, "_clashes", blind_first)
    before = await snapshot(bk.bot.db, TABLES)
    out = await bk.run("karim: /grappe reserver salle-garance jeudi 15h-17h : comité")
    assert "Ce créneau de Salle Garance est déjà pris ; rien n’a été réservé." in out
    assert "Chiffres & Communs (Nadia Benali) — point compta · B-1" in out
    assert await snapshot(bk.bot.db, TABLES) == before
    assert len(calls) == 2
