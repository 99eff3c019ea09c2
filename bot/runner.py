"""Running the bot on its platforms until SIGTERM or SIGINT.

Each platform package (``bot.slack``, ``bot.matrix``) exposes
``create_adapter(settings, db) -> PlatformAdapter`` and is imported only when
that platform is configured (importing slack_bolt or nio costs start-up time).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal

from bot.adapters.base import PlatformAdapter
from bot.app import Bot
from bot.config import Settings
from storage.db import Database

log = logging.getLogger(__name__)

PLATFORM_PACKAGES = {"slack": "bot.slack", "matrix": "bot.matrix"}


def create_adapters(settings: Settings, db: Database) -> list[PlatformAdapter]:
    adapters = []
    for platform in settings.platforms:
        module = importlib.import_module(PLATFORM_PACKAGES[platform])
        adapters.append(module.create_adapter(settings, db))
    return adapters


async def run_platforms(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Start every configured platform; return once ``stop`` is set or a signal arrives."""
    db = Database(settings.database_url)
    adapters = create_adapters(settings, db)
    bot = Bot(settings, db, adapters)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not the main thread
            pass
    await bot.start()
    try:
        for adapter in adapters:
            await adapter.start(bot)
        log.warning("grappe is running on %s", ", ".join(a.platform for a in adapters))
        await stop.wait()
    finally:
        for adapter in reversed(adapters):
            await adapter.stop()
        await bot.stop()
        await db.dispose()
