"""The bot's lifecycle: one dispatcher, one delivery loop per adapter, explicit start and stop."""

from __future__ import annotations

import asyncio
import functools
import logging
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot import drawing, features
from bot.adapters.base import Adapter, DeliveryError
from bot.config import Settings
from bot.outbox import DeliveryLoop
from commands.context import Environment
from commands.digest import chart
from commands.dispatcher import Dispatcher
from commands.events import Inbound
from commands.messages import Message
from commands.outcome import Outcome, Result
from commands.registry import Registry
from storage import migrate
from storage.db import Database
from storage.models import Outbox, utcnow

if TYPE_CHECKING:
    from bot.scheduler import Scheduler

log = logging.getLogger(__name__)

# events whose author was told the database is away, remembered so that a redelivery is not
# answered twice: an outage's redeliveries are recent, so only the latest are kept
TOLD_KEEP = 1000


class Bot:
    """``Bot(settings, db, adapters)``; ``await bot.start()`` … ``await bot.stop()``.

    With ``scheduler=True`` (``grappe run``), ``start()`` also starts the digest and
    reminder scheduler (with background delivery only: never in a console script).
    """

    def __init__(
        self,
        settings: Settings,
        db: Database,
        adapters: Sequence[Adapter],
        registry: Registry | None = None,
        clock: Callable[[], datetime] = utcnow,
        scheduler: bool = False,
    ):
        self.settings = settings
        self.clock = clock
        self.files_dir = Path(settings.files_dir or Path(tempfile.gettempdir()) / "grappe-files")
        self.environment = Environment(
            files_dir=self.files_dir, day_parts=settings.day_parts(),
            retention_months=settings.retention_months, nudge_hours=settings.nudge_hours,
            first_response_hours=settings.first_response_hours)
        self._with_scheduler = scheduler
        self.scheduler: Scheduler | None = None
        self.db = db
        self.registry = registry or features.registry()
        self.adapters = list(adapters)
        draw = functools.partial(chart.drawn, files_dir=self.files_dir)
        self.loops = {a.platform: DeliveryLoop(db, a, prepare=draw, drawer=drawing.in_process)
                      for a in self.adapters}
        self.dispatcher = Dispatcher(
            db, self.registry, platforms=[a.platform for a in self.adapters],
            handoff=self, clock=clock, environment=self.environment,
            redelivering=[a.platform for a in self.adapters if a.redelivers],
        )
        self._by_platform = {a.platform: a for a in self.adapters}
        self._told: OrderedDict[str, None] = OrderedDict()  # see TOLD_KEEP
        self._started = False

    def _wake(self) -> None:
        for loop in self.loops.values():
            loop.notify()

    # the dispatcher's Handoff: each row to its platform's delivery loop
    def lease(self, rows: Sequence[Outbox]) -> None:
        for row in rows:
            self.loops[row.platform].lease(row)

    def hand(self, rows: Sequence[Outbox]) -> list[asyncio.Future[None]]:
        by_platform: dict[str, list[Outbox]] = {}
        for row in rows:
            by_platform.setdefault(row.platform, []).append(row)
        return [task for platform, some in by_platform.items()
                if (task := self.loops[platform].hand(some)) is not None]

    def wake(self, platform: str) -> None:
        if (loop := self.loops.get(platform)) is not None:
            loop.notify()

    async def dispatch(self, event: Inbound) -> Outcome:
        return await self.dispatcher.dispatch(event)

    async def receive(self, event: Inbound, *, inline: bool = False,
                      quiet: bool = False) -> Outcome:
        """The one entry of every adapter (``bot.adapters.base.Receive``): dispatch the
        event, then send its author what could not go through the outbox.

        ``inline``: the adapter carries the first reply in its own answer (Slack's ack,
        ``Outcome.inline``); ``quiet``: a platform's retry, already answered. An event the
        database could not take is answered once, however often it comes again.
        """
        outcome = await self.dispatcher.dispatch(event)
        items = [m for m in outcome.direct if isinstance(m, Message)]
        if outcome.result in (Result.DB_UNAVAILABLE, Result.DB_ERROR):
            if not self._first_told(event.event_id):
                items = []
        else:
            self._told.pop(event.event_id, None)  # taken: nothing more to remember
        if quiet:
            items = []
        if inline and items:
            outcome.inline, items = items[0], items[1:]
        adapter = self._by_platform.get(event.actor.platform)
        if adapter is None:  # a job's own event: no one to answer
            return outcome
        for item in items:
            try:
                await adapter.send_direct(item, event)
            except DeliveryError as exc:
                log.warning("could not answer %s directly: %s", event.actor.user_id, exc)
        return outcome

    def _first_told(self, event_id: str) -> bool:
        """Remember that the author of ``event_id`` is told the database is away; False
        when they were told already. The ``TOLD_KEEP`` latest events are kept, the one
        least recently seen forgotten first."""
        first = event_id not in self._told
        self._told[event_id] = None
        self._told.move_to_end(event_id)
        while len(self._told) > TOLD_KEEP:
            self._told.popitem(last=False)
        return first

    async def drain(self) -> int:
        """Deliver everything due now on every platform (scripts and tests)."""
        total = 0
        for loop in self.loops.values():
            total += await loop.drain()
        return total

    async def start(self, *, background_delivery: bool = True,
                    standby: Collection[str] = ()) -> None:
        """``standby``: platforms whose delivery starts only with their side (the Matrix
        side's lease, ``bot.lease``)."""
        await migrate.upgrade(self.db)
        if background_delivery:
            for platform, loop in self.loops.items():
                if platform not in standby:
                    loop.start()
            if self._with_scheduler:
                from bot.scheduler import Scheduler  # APScheduler only when scheduling

                self.scheduler = Scheduler(
                    self.db, platforms=list(self.loops), registry=self.registry, clock=self.clock,
                    on_commit=self._wake,
                    environment=self.environment)
                await self.scheduler.start()
        self._started = True

    async def stop(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.scheduler = None
        # side by side: each platform's sends in flight have the same grace, not one after
        # the other's
        await asyncio.gather(*(loop.stop() for loop in self.loops.values()))
        self._started = False

    async def __aenter__(self) -> Bot:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
