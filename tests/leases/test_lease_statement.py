"""The lease statement (``storage.repo.leases``) on SQLite and PostgreSQL: one holder among
racing replicas, taken over once expired, given back at once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from storage.db import Database
from storage.models import utcnow
from storage.repo import leases

LENGTH = timedelta(seconds=30)


async def _take(db: Database, holder: str, now: datetime | None = None) -> bool:
    now = now or utcnow()
    async with db.session() as s:
        return await leases.take(s, "matrix", holder, now, now + LENGTH)


async def _holder(db: Database, now: datetime | None = None) -> str | None:
    async with db.session(read_only=True) as s:
        return await leases.holder_of(s, "matrix", now or utcnow())


async def test_of_many_racing_replicas_exactly_one_holds_the_lease(db: Database) -> None:
    replicas = [db, *(db.replica() for _ in range(3))]
    contenders = [(engine, f"replica-{i}-{j}") for i, engine in enumerate(replicas)
                  for j in range(5)]
    won = await asyncio.gather(*(_take(engine, holder) for engine, holder in contenders))
    winners = [holder for (_, holder), ok in zip(contenders, won, strict=True) if ok]
    assert len(winners) == 1
    assert await _holder(db) == winners[0]
    # the others keep trying: none gets it while it holds; the holder renews it
    again = await asyncio.gather(*(_take(engine, holder) for engine, holder in contenders))
    assert [h for (_, h), ok in zip(contenders, again, strict=True) if ok] == winners


async def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(
        db: Database) -> None:
    start = utcnow()
    assert await _take(db, "a", start)
    assert not await _take(db, "b", start + LENGTH - timedelta(seconds=1))
    later = start + LENGTH  # a's lease ends here: b may have it
    assert await _holder(db, later) is None
    assert await _take(db, "b", later)
    assert await _holder(db, later) == "b"
    assert not await _take(db, "a", later + timedelta(seconds=1))  # a lost it
    assert await _holder(db, later + timedelta(seconds=1)) == "b"


async def test_a_released_lease_is_taken_at_once_and_only_its_holder_releases_it(
        db: Database) -> None:
    assert await _take(db, "a")
    async with db.session() as s:
        assert not await leases.release(s, "matrix", "b")  # not b's
    assert await _holder(db) == "a"
    async with db.session() as s:
        assert await leases.release(s, "matrix", "a")
    assert await _holder(db) is None
    assert await _take(db, "b")
    assert await _holder(db) == "b"
