"""Storage on real databases: migrations, idempotency and claims, the outbox queries."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text

from storage import migrate
from storage.db import Database
from storage.models import Outbox, utcnow
from storage.repo import adapter_state as state_repo
from storage.repo import claims as claims_repo
from storage.repo import inbound_events as events_repo
from storage.repo import outbox as repo


async def test_migrations_upgrade_from_empty_and_match_the_models(empty_db: Database) -> None:
    assert await migrate.current_heads(empty_db) == ()
    await migrate.upgrade(empty_db)
    assert await migrate.current_heads(empty_db) == migrate.script_heads()
    assert await migrate.pending_differences(empty_db) == []
    await migrate.upgrade(empty_db)  # running it again at start-up changes nothing


async def test_sqlite_file_is_in_wal_mode(db: Database) -> None:
    if not db.is_sqlite:
        return
    async with db.engine.connect() as conn:
        mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
    assert mode == "wal"


async def test_an_event_id_is_recorded_once(db: Database) -> None:
    async with db.session() as s:
        assert await events_repo.record_event(s, "slack", "Ev1")
        assert not await events_repo.record_event(s, "slack", "Ev1")
        assert await events_repo.record_event(s, "matrix", "Ev1")


async def test_a_claim_is_won_by_exactly_one_of_many_racing_replicas(db: Database) -> None:
    replicas = [db.replica() for _ in range(2)]

    async def try_claim(replica: Database, n: int) -> bool:
        async with replica.session() as s:
            return await claims_repo.claim(s, "digest", "cooperation", "2026-W48", owner=f"r{n}")

    results = await asyncio.gather(*[try_claim(replicas[i % 2], i) for i in range(20)])
    assert results.count(True) == 1
    for replica in replicas:
        await replica.dispose()


async def test_a_newer_pending_edit_replaces_the_older_one(db: Database) -> None:
    async with db.session() as s:
        for n in range(3):
            await repo.enqueue(s, [Outbox(platform="console", role="edit", object_ref="R-1",
                                          coalesce_key="edit:R-1", payload=f'{{"n":{n}}}')])
            await s.flush()
    async with db.session(read_only=True) as s:
        rows = await repo.due(s, "console", utcnow())
    assert [r.payload for r in rows] == ['{"n":2}']


async def test_due_rows_respect_leases_and_retry_times(db: Database) -> None:
    now = utcnow()
    async with db.session() as s:
        await repo.enqueue(s, [Outbox(platform="console", payload="{}"),
                               Outbox(platform="console", payload="{}",
                                      next_try_at=now + timedelta(minutes=5))])
    async with db.session() as s:
        (row,) = await repo.due(s, "console", now + timedelta(seconds=1))
        assert await repo.lease(s, row.id, now, now + timedelta(minutes=1))
        assert not await repo.lease(s, row.id, now, now + timedelta(minutes=1))
    async with db.session(read_only=True) as s:
        assert list(await repo.due(s, "console", now + timedelta(seconds=1))) == []
        assert len(await repo.due(s, "console", now + timedelta(minutes=6))) == 2


async def test_every_lease_of_one_platform_is_given_back_in_one_statement(db: Database) -> None:
    """What a console does at its start for the leases of a console that died: the rows
    they held are due at once; the rows of other platforms, and those not leased, keep
    their lease and their next try."""
    now = utcnow()
    later = now + timedelta(minutes=5)
    async with db.session() as s:
        rows = await repo.enqueue(s, [Outbox(platform="console", payload="{}"),
                                      Outbox(platform="console", payload="{}", next_try_at=later),
                                      Outbox(platform="slack", payload="{}")])
    held, waiting, other = (row.id or 0 for row in rows)
    async with db.session() as s:
        for row_id in (held, other):
            assert await repo.lease(s, row_id, now, now + timedelta(minutes=1))
    async with db.session() as s:
        assert await repo.release_all(s, "console", now) == 1
    async with db.session(read_only=True) as s:
        assert [r.id for r in await repo.due(s, "console", now)] == [held]
        assert [r.id for r in await repo.due(s, "console", later)] == [held, waiting]
        assert list(await repo.due(s, "slack", now)) == []  # still leased


async def test_adapter_state_round_trip(db: Database) -> None:
    async with db.session() as s:
        await state_repo.set_state(s, "matrix", "next_batch", "s1")
    async with db.session() as s:
        await state_repo.set_state(s, "matrix", "next_batch", "s2")
    async with db.session(read_only=True) as s:
        assert await state_repo.get_state(s, "matrix", "next_batch") == "s2"
        assert await state_repo.get_state(s, "matrix", "missing") is None


async def test_read_only_sessions_do_not_write(db: Database) -> None:
    async with db.session(read_only=True) as s:
        await (await s.connection()).execute(
            text("INSERT INTO claims (kind, key, period, owner, claimed_at) "
                 "VALUES ('k', 'k', 'p', '', CURRENT_TIMESTAMP)"))
    async with db.session(read_only=True) as s:
        count = (await (await s.connection()).execute(text("SELECT count(*) FROM claims"))
                 ).scalar_one()
    assert count == 0


async def test_0009_merges_channels_doubled_by_the_old_import(empty_db: Database) -> None:
    """The old import added a row for a corrected room id: the newest row of each name and
    platform stays (the one last imported), in use; other channels are untouched."""
    await migrate.upgrade(empty_db, "0008")
    rows = [("cooperation", "matrix", "!old:grappe.example"),
            ("cooperation", "matrix", "!new:grappe.example"),
            ("cooperation", "slack", "C01COOPERA"),
            ("annonces", "matrix", "!annonces:grappe.example")]
    async with empty_db.engine.begin() as conn:
        for name, platform, room in rows:
            await conn.execute(text(
                "INSERT INTO channels (name, purpose, platform, platform_channel_id) "
                "VALUES (:name, 'cooperation', :platform, :room)"),
                {"name": name, "platform": platform, "room": room})
    await migrate.upgrade(empty_db)
    async with empty_db.engine.connect() as conn:
        kept = (await conn.execute(text(
            "SELECT name, platform, platform_channel_id, active FROM channels "
            "ORDER BY name, platform"))).all()
    assert [tuple(r) for r in kept] == [
        ("annonces", "matrix", "!annonces:grappe.example", True),
        ("cooperation", "matrix", "!new:grappe.example", True),
        ("cooperation", "slack", "C01COOPERA", True)]
