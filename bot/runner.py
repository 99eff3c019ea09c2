"""Running the bot on its platforms until SIGTERM or SIGINT.

Each platform package (``bot.slack``, ``bot.matrix``) exposes
``create_adapter(settings, db) -> Adapter`` and is imported only when
that platform is configured (importing slack_bolt or nio costs start-up time).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal

from bot.adapters.base import Adapter
from bot.app import Bot
from bot.config import Settings
from bot.http import Installer
from storage.db import Database

log = logging.getLogger(__name__)

PLATFORM_PACKAGES = {"slack": "bot.slack", "matrix": "bot.matrix"}


def create_adapters(settings: Settings, db: Database) -> list[Adapter]:
    adapters = []
    for platform in settings.platforms:
        if platform not in PLATFORM_PACKAGES:
            continue  # the console runs on its own (grappe console)
        module = importlib.import_module(PLATFORM_PACKAGES[platform])
        adapters.append(module.create_adapter(settings, db))
    return adapters


def http_routes(settings: Settings, db: Database,
                adapters: list[Adapter]) -> list[Installer]:
    """What ``grappe serve`` carries besides Slack's events: readiness and the iCal feeds."""
    from bot.health import ready_route
    from bot.ical import ical_routes

    return [ready_route(db, adapters), ical_routes(settings, db)]


async def run_platforms(settings: Settings, stop: asyncio.Event | None = None,
                        db: Database | None = None) -> None:
    """Start every configured platform; return once ``stop`` is set or a signal arrives.

    ``db`` defaults to ``DATABASE_URL``; a given one stays open for its owner.
    """
    owned = db is None
    db = db or Database(settings.database_url)
    adapters = create_adapters(settings, db)
    bot = Bot(settings, db, adapters, scheduler=True)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not the main thread
            pass
    routes = http_routes(settings, db, adapters)
    # an adapter that serves HTTP itself (Slack's events) carries the other routes
    served = [adapter.serve(routes) for adapter in adapters]
    await bot.start()
    server = None
    try:
        for adapter in adapters:
            await adapter.start(bot.receive)
        if settings.serve_http and not any(served):
            from bot.http import HttpServer  # no Slack events here: health and iCal feeds

            server = HttpServer(settings.host, settings.port, routes)
            await server.start()
        log.warning("grappe is running on %s",
                    ", ".join(a.platform for a in adapters) or "HTTP only")
        await stop.wait()
        log.warning("grappe is stopping: commands in flight finish, what is not delivered "
                    "stays in the outbox")
    finally:
        if server is not None:
            await server.stop()
        # delivery loops and the scheduler first: a send in flight finishes on an open
        # connection; what is still pending stays in the outbox for the next start
        await bot.stop()
        for adapter in reversed(adapters):
            await adapter.stop()
        if owned:
            await db.dispose()
