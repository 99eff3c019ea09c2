"""Queries on bookings. The no-double-booking guarantee is the database's (migration 0003);
these functions give the booking transaction its order: lock, check, insert."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Booking, BookingSeries, Resource
from storage.models.bookings import ACTIVE_STATUSES
from storage.repo import directory as dir_repo
from storage.repo.statements import run

# pg_advisory_xact_lock(space, resource id): the space keeps these locks apart
# from any other feature's advisory locks.
LOCK_SPACE = 0x6270  # "bp"
EXCLUSION_VIOLATION = "23P01"
SQLITE_TRIGGER_MESSAGE = "bookings_no_overlap"
_BOOKINGS = Booking.metadata.tables[Booking.__tablename__]
_INSERT = insert(_BOOKINGS).returning(_BOOKINGS.c.id, sort_by_parameter_order=True)
_COLUMNS = [column.name for column in _BOOKINGS.columns if column.name != "id"]


async def lock_resource(s: AsyncSession, resource_id: int) -> None:
    """Serialise the bookings of one resource until the transaction ends.

    PostgreSQL: an advisory lock taken before the check, so that racing
    replicas queue instead of running into deadlock chains (STORAGE-NOTES).
    SQLite: the write transaction (``BEGIN IMMEDIATE``) already holds the lock.
    """
    conn = await s.connection()
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:space, :id)"),
                           {"space": LOCK_SPACE, "id": resource_id})


def is_overlap_violation(exc: IntegrityError) -> bool:
    """The database refused an overlapping booking (PostgreSQL 23P01, or the SQLite trigger)."""
    orig = exc.orig
    return (getattr(orig, "sqlstate", None) == EXCLUSION_VIOLATION
            or SQLITE_TRIGGER_MESSAGE in str(orig))


def _active():  # type: ignore[no-untyped-def]
    return col(Booking.status).in_(ACTIVE_STATUSES)


async def overlapping(
    s: AsyncSession, resource_ids: Iterable[int], start: datetime, end: datetime,
    *, exclude: Iterable[int] = (),
) -> Sequence[Booking]:
    """Active bookings of these resources that meet ``[start, end)``."""
    stmt = (
        select(Booking)
        .where(col(Booking.resource_id).in_(list(resource_ids)), _active())
        .where(col(Booking.starts_at) < end, col(Booking.ends_at) > start)
        .order_by(col(Booking.starts_at))
    )
    excluded = list(exclude)
    if excluded:
        stmt = stmt.where(col(Booking.id).not_in(excluded))
    return (await s.exec(stmt)).all()


async def add(s: AsyncSession, bookings: Sequence[Booking],
              series: BookingSeries | None = None) -> None:
    """Insert now, so that the database checks the overlap now: one Core statement for
    the lot (the unit of work costs more than the insert), ids set; the instances are then
    the session's, as if they had been read."""
    if series is not None:
        s.add(series)
        await s.flush()
        for booking in bookings:
            booking.series_id = series.id
    found = await run(s, _INSERT, [{name: getattr(b, name) for name in _COLUMNS}
                                   for b in bookings])
    for booking, booking_id in zip(bookings, found.scalars(), strict=True):
        booking.id = booking_id
        make_transient_to_detached(booking)
        s.add(booking)


async def get(s: AsyncSession, booking_id: int) -> Booking | None:
    return await s.get(Booking, booking_id)


async def of_series(s: AsyncSession, series_id: int) -> Sequence[Booking]:
    stmt = select(Booking).where(Booking.series_id == series_id).order_by(
        col(Booking.starts_at))
    return (await s.exec(stmt)).all()


async def series(s: AsyncSession, series_id: int) -> BookingSeries | None:
    return await s.get(BookingSeries, series_id)


async def between(
    s: AsyncSession, start: datetime, end: datetime, *, resource_ids: Iterable[int] | None = None,
    enterprise_id: int | None = None, person_id: int | None = None,
    statuses: Sequence[str] = ACTIVE_STATUSES,
) -> Sequence[Booking]:
    """Bookings that meet ``[start, end)``, by start time."""
    stmt = (
        select(Booking)
        .where(col(Booking.status).in_(list(statuses)))
        .where(col(Booking.starts_at) < end, col(Booking.ends_at) > start)
        .order_by(col(Booking.starts_at), col(Booking.resource_id))
    )
    if resource_ids is not None:
        stmt = stmt.where(col(Booking.resource_id).in_(list(resource_ids)))
    if enterprise_id is not None and person_id is not None:
        stmt = stmt.where(or_(Booking.enterprise_id == enterprise_id,
                              Booking.person_id == person_id))
    elif enterprise_id is not None:
        stmt = stmt.where(Booking.enterprise_id == enterprise_id)
    elif person_id is not None:
        stmt = stmt.where(Booking.person_id == person_id)
    return (await s.exec(stmt)).all()


async def pending(s: AsyncSession, since: datetime) -> Sequence[Booking]:
    stmt = (select(Booking).where(Booking.status == "pending", col(Booking.ends_at) > since)
            .order_by(col(Booking.starts_at)))
    return (await s.exec(stmt)).all()


async def for_feed(s: AsyncSession, since: datetime | None,
                   resource_id: int | None = None) -> Sequence[Booking]:
    """Bookings ending after ``since`` (all without it), whatever their status: the feeds
    show cancellations."""
    stmt = select(Booking).order_by(col(Booking.starts_at), col(Booking.id))
    if since is not None:
        stmt = stmt.where(col(Booking.ends_at) > since)
    if resource_id is not None:
        stmt = stmt.where(Booking.resource_id == resource_id)
    return (await s.exec(stmt)).all()


async def resources_by_id(s: AsyncSession) -> dict[int, Resource]:
    """Every resource, inactive ones included (old bookings still name them)."""
    return {r.id or 0: r for r in await dir_repo.all_resources(s)}

