"""Exactly once, whatever replicas and restarts: two schedulers on two engines against the
same database (a SQLite file, and PostgreSQL when configured) fire at the same instant."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot import features
from bot.scheduler import Scheduler, run_catch_up, run_digest, run_sweep
from commands import reminders
from commands.digest.sections import post_digest
from commands.messages import Envelope
from storage.db import Database
from storage.repo import digest as repo
from storage.repo import directory as dir_repo
from tests.conftest import Clock
from tests.digest.conftest import BOTH, add_request, claims, job_env, outbox, paris

MONDAY = paris("2026-12-07 08:30")


async def _replicas(db: Database, clock: Clock) -> list[Scheduler]:
    """Two bot replicas, each with its own engine and its own running scheduler."""
    replicas = []
    for n in range(2):
        scheduler = Scheduler(db.replica(), registry=features.registry(), platforms=BOTH, clock=clock, owner=f"replica-{n}")
        await scheduler.start(catch_up=False)
        replicas.append(scheduler)
    return replicas


async def _stop(replicas: list[Scheduler]) -> None:
    for scheduler in replicas:
        await scheduler.stop()
        await scheduler.env.db.dispose()


def _digests(rows: list) -> list[tuple[str, str | None]]:  # type: ignore[type-arg]
    return [(r.platform, r.channel) for r in rows if r.role == "post"
            and "Résumé de la semaine" in Envelope.model_validate_json(r.payload).model_dump_json()]


async def test_one_digest_per_channel_per_week_across_replicas_and_a_restart(
        coop_db: Database) -> None:
    clock = Clock(MONDAY)
    first = await _replicas(coop_db, clock)
    await asyncio.gather(*(run_digest(r.id, "cooperation") for r in first))
    await _stop(first)  # both replicas restart…

    clock.advance(minutes=20)
    second = await _replicas(coop_db, clock)
    await asyncio.gather(*(run_catch_up(r.id) for r in second))  # …and catch up at start
    await asyncio.gather(*(run_digest(r.id, "cooperation") for r in second))
    assert sorted(_digests(await outbox(coop_db))) == [
        ("matrix", "!cooperation:grappe.example"), ("slack", "C01COOPERA")]
    assert [(c.key, c.period) for c in await claims(coop_db, "digest")] == [
        ("cooperation", "2026-W50")]

    clock.advance(days=7)  # the next Monday: one more, still one per channel
    await asyncio.gather(*(run_digest(r.id, "cooperation") for r in second))
    await _stop(second)
    assert len(_digests(await outbox(coop_db))) == 4
    assert [c.period for c in await claims(coop_db, "digest")] == ["2026-W50", "2026-W51"]


async def test_one_reminder_per_enterprise_per_request_across_replicas_and_a_restart(
        coop_db: Database) -> None:
    await add_request(coop_db, "Mairie de Lille", created=paris("2026-12-01 10:00"),
                      deadline=paris("2026-12-09 23:59"),
                      consulted=("chiffres-et-communs", "le-grand-livre", "sobre-et-clair"),
                      answered=("sobre-et-clair",))
    clock = Clock(paris("2026-12-07 12:00"))  # 24 business hours before the deadline's end
    first = await _replicas(coop_db, clock)
    await asyncio.gather(*(run_sweep(r.id) for r in first))
    assert len(await claims(coop_db, "nudge")) == 2  # sent before the restart
    await _stop(first)

    clock.advance(minutes=15)
    second = await _replicas(coop_db, clock)
    await asyncio.gather(*(run_sweep(r.id) for r in second))
    clock.advance(hours=5)
    await asyncio.gather(*(run_sweep(r.id) for r in second))
    await _stop(second)

    assert sorted(c.key for c in await claims(coop_db, "nudge")) == [
        "R-1:chiffres-et-communs", "R-1:le-grand-livre"]
    dms = Counter(r.recipient for r in await outbox(coop_db) if r.role == "dm")
    # nadia, pierre-louis (Chiffres & Communs); marion, olivier, fatou (Le Grand Livre)
    assert len(dms) == 5
    assert set(dms.values()) == {1}


async def test_the_job_returns_true_on_exactly_one_replica(coop_db: Database) -> None:
    envs = [job_env(coop_db.replica(), owner=f"r{n}") for n in range(2)]
    won = await asyncio.gather(*(post_digest(e, "cooperation", MONDAY) for e in envs))
    assert sorted(won) == [False, True]
    await add_request(coop_db, "Département", created=paris("2026-12-01 10:00"),
                      deadline=paris("2026-12-08 18:00"), consulted=("ancrages",))
    sent = await asyncio.gather(*(reminders.sweep(e, MONDAY) for e in envs))
    assert sorted(sent) == [0, 1]
    for env in envs:
        await env.db.dispose()


async def test_a_paused_channel_gets_nothing_that_week_and_is_not_caught_up(
        coop_db: Database) -> None:
    async with coop_db.session() as s:
        await repo.set_paused(s, "cooperation", "cooperation", True, None)
    env = job_env(coop_db)
    assert not await post_digest(env, "cooperation", MONDAY)
    async with coop_db.session() as s:
        await repo.set_paused(s, "cooperation", "cooperation", False, None)
    assert not await post_digest(env, "cooperation", MONDAY + timedelta(hours=2), catch_up=True)
    assert _digests(await outbox(coop_db)) == []
    assert await post_digest(env, "cooperation", MONDAY + timedelta(days=7))


async def test_a_catch_up_posts_only_while_the_week_lasts(coop_db: Database) -> None:
    async with coop_db.session() as s:
        cooperative = await dir_repo.cooperative(s)
        cooperative.digest_weekday, cooperative.digest_time = "fri", "17:00"
        s.add(cooperative)
    env = job_env(coop_db)
    # down from Friday 16:00 to Monday: that Friday's digest belongs to a week that is over
    assert not await post_digest(env, "cooperation", paris("2026-12-07 09:00"), catch_up=True)
    # back on Saturday: still that week, so it is posted, once
    assert await post_digest(env, "cooperation", paris("2026-12-12 10:00"), catch_up=True)
    assert not await post_digest(env, "cooperation", paris("2026-12-12 10:05"), catch_up=True)
    assert [c.period for c in await claims(coop_db, "digest")] == ["2026-W50"]

