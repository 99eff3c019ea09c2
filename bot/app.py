"""The bot's lifecycle: one dispatcher, one delivery loop per adapter, explicit start and stop."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.adapters.base import Adapter
from bot.config import Settings
from bot.outbox import DeliveryLoop
from commands.dispatcher import Dispatcher, Outcome
from commands.events import Inbound
from commands.registry import Registry, load_all
from storage import migrate
from storage.db import Database
from storage.models import utcnow

log = logging.getLogger(__name__)


class Bot:
    """``Bot(settings, db, adapters)``; ``await bot.start()`` … ``await bot.stop()``."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        adapters: Sequence[Adapter],
        registry: Registry | None = None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.settings = settings
        self.db = db
        self.adapters = list(adapters)
        self.loops = {a.platform: DeliveryLoop(db, a) for a in self.adapters}
        self.dispatcher = Dispatcher(
            db, registry or load_all(), platforms=[a.platform for a in self.adapters],
            on_commit=self._wake, clock=clock,
        )
        self._started = False

    def _wake(self) -> None:
        for loop in self.loops.values():
            loop.notify()

    async def dispatch(self, event: Inbound) -> Outcome:
        return await self.dispatcher.dispatch(event)

    async def drain(self) -> int:
        """Deliver everything due now on every platform (scripts and tests)."""
        total = 0
        for loop in self.loops.values():
            total += await loop.drain()
        return total

    async def start(self, *, background_delivery: bool = True) -> None:
        await migrate.upgrade(self.db)
        if background_delivery:
            for loop in self.loops.values():
                loop.start()
        self._started = True

    async def stop(self) -> None:
        for loop in self.loops.values():
            await loop.stop()
        self._started = False

    async def __aenter__(self) -> Bot:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
