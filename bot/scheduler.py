"""The scheduler: APScheduler says *when*; the database (the ``claims`` table) says *whether*.

One ``Scheduler`` per bot process wraps APScheduler 3's ``AsyncIOScheduler``,
started inside the running event loop and shut down with the bot. It
installs:

- a cron job per digest channel (purpose ``cooperation``), on the weekday and
  local time of the directory's ``[digest]`` (Monday 08:30 by default), in the
  cooperative's time zone (so DST changes move nothing);
- a reminder sweep every 15 minutes (it also notices a changed schedule);
- at start-up, a catch-up: a digest whose time passed while the bot was
  down is posted once, while its week lasts.

Jobs are importable module-level functions that take ids (the scheduler's
and the channel's name), so a persistent job store could serialise them.
Every replica runs the same jobs at the same instants; the claims make sure
one of them speaks. Tests call the jobs (``commands.digest.sections.post_digest``,
``commands.reminders.sweep``) directly with a fixed clock.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import undefined

from commands import reminders
from commands.context import Environment
from commands.digest.sections import WEEKDAYS, digest_channels, post_digest, schedule_of
from commands.jobs import JobEnv
from commands.registry import Registry
from storage.db import Database
from storage.models import utcnow
from storage.repo import directory as dir_repo

log = logging.getLogger(__name__)

SWEEP_MINUTES = 15
RETRY = timedelta(minutes=5)
STOP_TIMEOUT = 10.0
DIGEST_PREFIX = "digest:"

_RUNNING: dict[str, Scheduler] = {}


# --- the jobs: module-level, taking ids --------------------------------------------------

async def run_digest(scheduler_id: str, channel: str, catch_up: bool = False) -> None:
    scheduler = _RUNNING.get(scheduler_id)
    if scheduler is not None:
        await scheduler.guarded(scheduler.digest(channel, catch_up=catch_up),
                                retry=(channel, True))


async def run_catch_up(scheduler_id: str) -> None:
    scheduler = _RUNNING.get(scheduler_id)
    if scheduler is not None:
        for channel in await scheduler.guarded(digest_channels(scheduler.env)) or []:
            await run_digest(scheduler_id, channel, catch_up=True)


async def run_sweep(scheduler_id: str) -> None:
    scheduler = _RUNNING.get(scheduler_id)
    if scheduler is not None:
        await scheduler.guarded(scheduler.sweep())


# --- the wrapper ---------------------------------------------------------------------------

class Scheduler:
    """``Scheduler(db, platforms=…)``; ``await start()`` inside the loop, ``await stop()``."""

    def __init__(
        self,
        db: Database,
        *,
        platforms: Sequence[str],
        registry: Registry,
        clock: Callable[[], datetime] = utcnow,
        on_commit: Callable[[], None] | None = None,
        environment: Environment | None = None,
        owner: str | None = None,
    ):
        self.id = uuid.uuid4().hex
        self.clock = clock
        self.env = JobEnv(
            db=db, platforms=tuple(platforms), registry=registry,
            environment=environment or Environment(),
            owner=owner or f"{socket.gethostname()}:{os.getpid()}:{self.id[:8]}",
            on_commit=on_commit,
        )
        self.aps: AsyncIOScheduler | None = None
        self._installed: tuple[object, ...] | None = None
        self._running: set[asyncio.Task[object]] = set()

    # lifecycle ---------------------------------------------------------------------------
    async def start(self, *, catch_up: bool = True, catch_up_delay: float = 10.0) -> None:
        """Install the jobs; the catch-up (a missed digest, the reminders due meanwhile) runs
        ``catch_up_delay`` seconds later, once the adapters had time to connect."""
        self.aps = AsyncIOScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self.aps.start()
        _RUNNING[self.id] = self
        await self.guarded(self.refresh())
        soon = datetime.now(UTC) + timedelta(seconds=catch_up_delay)
        self.aps.add_job(run_sweep, IntervalTrigger(minutes=SWEEP_MINUTES, timezone=UTC),
                         args=[self.id], id="reminders", name="reminder sweep",
                         next_run_time=soon if catch_up else undefined)
        if catch_up:
            self.aps.add_job(run_catch_up, DateTrigger(soon), args=[self.id],
                             id="catch-up", name="digest catch-up")

    async def stop(self) -> None:
        """Let running jobs finish (a few seconds at most), then shut APScheduler down."""
        if self.aps is None:
            return
        self.aps.pause()
        pending = {t for t in self._running if not t.done()}
        if pending:
            await asyncio.wait(pending, timeout=STOP_TIMEOUT)
        self.aps.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn
        _RUNNING.pop(self.id, None)
        self.aps = None

    def jobs(self) -> list[Job]:
        return self.aps.get_jobs() if self.aps is not None else []

    # what the jobs do ---------------------------------------------------------------------
    async def digest(self, channel: str, *, catch_up: bool = False) -> bool:
        return await post_digest(self.env, channel, self.clock(), catch_up=catch_up)

    async def sweep(self) -> int:
        await self.refresh()
        return await reminders.sweep(self.env, self.clock())

    async def refresh(self) -> bool:
        """(Re)install the digest jobs when the schedule or the channels changed."""
        if self.aps is None:
            return False
        async with self.env.db.session(read_only=True) as s:
            coop = await dir_repo.cooperative(s)
        channels = await digest_channels(self.env)
        weekday, at = schedule_of(coop)
        wanted = (weekday, at, coop.timezone, tuple(channels))
        if wanted == self._installed:
            return False
        for job in self.jobs():
            if job.id.startswith(DIGEST_PREFIX):
                job.remove()
        for channel in channels:
            trigger = CronTrigger(day_of_week=WEEKDAYS[weekday], hour=at.hour, minute=at.minute,
                                  timezone=ZoneInfo(coop.timezone))
            self.aps.add_job(run_digest, trigger, args=[self.id, channel],
                             id=f"{DIGEST_PREFIX}{channel}", name=f"weekly digest of #{channel}")
        self._installed = wanted
        log.info("digest on %s %s (%s) for %s", WEEKDAYS[weekday], at, coop.timezone,
                 ", ".join(channels) or "no channel")
        return True

    async def guarded(self, work, retry: tuple[str, bool] | None = None):  # type: ignore[no-untyped-def]
        """Run one job's work: tracked (so ``stop`` waits for it), its failure logged and,
        for a digest, tried again a few minutes later (still once: the claim decides)."""
        task = asyncio.current_task()
        mine = task is not None and task not in self._running  # outermost call of this task
        if mine:
            self._running.add(task)  # type: ignore[arg-type]
        try:
            return await work
        except Exception:
            log.exception("scheduled job failed")
            if retry is not None and self.aps is not None and self.aps.running:
                self.aps.add_job(run_digest, DateTrigger(datetime.now(UTC) + RETRY),
                                 args=[self.id, *retry], id=f"retry:{retry[0]}",
                                 replace_existing=True)
            return None
        finally:
            if mine:
                self._running.discard(task)  # type: ignore[arg-type]
