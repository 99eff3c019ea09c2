"""The APScheduler wrapper: the jobs and triggers it installs, the catch-up at start-up, and
its place in the bot's lifecycle."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import features
from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter
from bot.scheduler import Scheduler, run_digest, run_sweep
from storage.db import Database
from storage.repo import directory as dir_repo
from tests.conftest import Clock
from tests.digest.conftest import BOTH, PARIS, claims, paris


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_the_wrapper_installs_the_jobs_and_catches_up(coop_db: Database) -> None:
    clock = Clock(paris("2026-03-30 10:00"))  # the bot was down at Monday 08:30
    scheduler = Scheduler(coop_db, registry=features.registry(), platforms=BOTH, clock=clock)
    await scheduler.start(catch_up_delay=0)
    try:
        async def caught_up() -> bool:
            return len(await claims(coop_db, "digest")) == 1

        await eventually(caught_up)
        jobs = {job.id: job for job in scheduler.jobs()}
        assert set(jobs) == {"digest:cooperation", "reminders"}  # the catch-up ran and left
        digest = jobs["digest:cooperation"]
        assert digest.func is run_digest
        assert digest.args == (scheduler.id, "cooperation")
        assert isinstance(digest.trigger, CronTrigger)
        fields = {f.name: str(f) for f in digest.trigger.fields}
        assert (fields["day_of_week"], fields["hour"], fields["minute"]) == ("mon", "8", "30")
        assert digest.trigger.timezone == PARIS
        # local time holds across the DST change: 08:30 CET, then 08:30 CEST
        after = digest.trigger.get_next_fire_time(None, paris("2026-03-23 09:00"))
        assert after == paris("2026-03-30 08:30")
        assert after.utcoffset() == timedelta(hours=2)
        sweep = jobs["reminders"]
        assert sweep.func is run_sweep
        assert isinstance(sweep.trigger, IntervalTrigger)
        assert sweep.trigger.interval == timedelta(minutes=15)
    finally:
        await scheduler.stop()
    assert scheduler.jobs() == []


async def test_a_new_schedule_is_picked_up_by_the_next_sweep(coop_db: Database) -> None:
    scheduler = Scheduler(coop_db, registry=features.registry(), platforms=BOTH, clock=Clock(paris("2026-03-25 10:00")))
    await scheduler.start(catch_up=False)
    try:
        async with coop_db.session() as s:
            coop = await dir_repo.cooperative(s)
            coop.digest_weekday, coop.digest_time = "fri", "17:15"
            s.add(coop)
        await run_sweep(scheduler.id)
        trigger = next(j for j in scheduler.jobs() if j.id == "digest:cooperation").trigger
        fields = {f.name: str(f) for f in trigger.fields}
        assert (fields["day_of_week"], fields["hour"], fields["minute"]) == ("fri", "17", "15")
        assert await scheduler.refresh() is False  # nothing changed since
    finally:
        await scheduler.stop()


async def test_the_bot_runs_a_scheduler_only_when_asked(coop_db: Database) -> None:
    settings = Settings(DATABASE_URL=coop_db.url)
    plain = Bot(settings, coop_db, [ConsoleAdapter(io.StringIO())])
    await plain.start()
    assert plain.scheduler is None
    await plain.stop()
    scheduled = Bot(settings, coop_db, [ConsoleAdapter(io.StringIO())], scheduler=True)
    await scheduled.start(background_delivery=False)  # a console script: never scheduled
    assert scheduled.scheduler is None
    await scheduled.stop()
    await scheduled.start()
    assert scheduled.scheduler is not None
    assert {j.id for j in scheduled.scheduler.jobs()} >= {"digest:cooperation", "reminders"}
    await scheduled.stop()
    assert scheduled.scheduler is None
