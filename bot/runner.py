"""Running the bot on its platforms until SIGTERM or SIGINT.

Each platform package (``bot.slack``, ``bot.matrix``) exposes
``create_adapter(settings, db) -> Adapter`` and is imported only when
that platform is configured (importing slack_bolt or nio costs start-up time).

A signal ends the run within a few seconds whatever the platforms do: a start still
waiting for one (a homeserver that hangs) is abandoned, the sends in flight are cut
short after a grace (``bot.outbox``) and stay in the outbox, and so are the requests of
an adapter's own loop (``bot.matrix.sync``).
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import signal
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING

from bot.absence import rooms_not_joined
from bot.adapters.base import Adapter, Receive
from bot.app import Bot
from bot.config import Settings
from bot.lease import Owner, matrix_owner
from storage.db import Database

if TYPE_CHECKING:
    from bot.http import Installer  # aiohttp: loaded by the adapters that serve HTTP

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


def http_routes(settings: Settings, db: Database, adapters: list[Adapter],
                owners: Sequence[Owner] = ()) -> list[Installer]:
    """What ``grappe serve`` carries besides Slack's events: readiness and the iCal feeds."""
    from bot.health import ready_route
    from bot.ical import ical_routes

    return [ready_route(db, adapters, owners), ical_routes(settings, db)]


async def run_platforms(settings: Settings, stop: asyncio.Event | None = None,
                        db: Database | None = None, *, whole_process: bool = False) -> None:
    """Start every configured platform; return once ``stop`` is set or a signal arrives.

    ``db`` defaults to ``DATABASE_URL``; a given one stays open for its owner.
    ``whole_process``: this run is the process's life (``grappe run``/``serve``), so what
    the start-up made is frozen out of the collector once running (``settle``).
    """
    owned = db is None
    db = db or Database(settings.database_url)
    adapters = create_adapters(settings, db)
    bot = Bot(settings, db, adapters, scheduler=True)
    # with several replicas, the Matrix side runs where its lease is held (bot.lease)
    owner = matrix_owner(settings.matrix_lease, db, adapters, bot.loops)
    owners = [owner] if owner is not None else []
    sides: list[Adapter | Owner] = [owner if owner is not None and a is owner.adapter else a
                                    for a in adapters]
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - not the main thread
            pass
    routes = http_routes(settings, db, adapters, owners)
    # an adapter that serves HTTP itself (Slack's events) carries the other routes
    served = [adapter.serve(routes) for adapter in adapters]
    await bot.start(standby=[o.platform for o in owners])
    server = None
    try:
        if not await until_stopped(start_all(sides, bot.receive), stop):
            log.warning("grappe is stopping before it was running on %s",
                        ", ".join(a.platform for a in adapters))
            return
        if settings.serve_http and not any(served):
            from bot.http import HttpServer  # no Slack events here: health and iCal feeds

            server = HttpServer(settings.host, settings.port, routes)
            await server.start()
        if whole_process:
            settle()
        standing = {o.platform for o in owners if not o.held}  # another replica has it
        log.warning("grappe is running on %s", ", ".join(
            p + " (standing by)" * (p in standing) for p in (a.platform for a in adapters))
            or "HTTP only")
        await log_rooms_not_joined(db, adapters)
        await stop.wait()
        log.warning("grappe is stopping: commands in flight finish, what is not delivered "
                    "stays in the outbox")
    finally:
        if server is not None:
            await server.stop()
        # delivery loops and the scheduler first: a send in flight finishes on an open
        # connection; what is still pending stays in the outbox for the next start
        await bot.stop()
        for side in reversed(sides):  # an owner gives its lease back once its side stopped
            await side.stop()
        if owned:
            await db.dispose()


def settle() -> None:
    """Move what the start-up made (modules, tables, catalogs, the directory: ~140 000
    objects) to the collector's permanent generation: they live as long as the process,
    and every full collection walked them all — 30 to 150 ms, once in a few hundred
    commands, on whichever ack it fell (the `resume` outlier of bench/README.md)."""
    gc.freeze()


async def log_rooms_not_joined(db: Database, adapters: list[Adapter]) -> None:
    """Name the directory's rooms the bot is not in yet: what it posts there waits."""
    try:
        async with db.session(read_only=True) as s:
            absent = await rooms_not_joined(s, adapters)
    except Exception as exc:  # the database away at start: the delivery says it later
        log.warning("could not list the rooms the bot is not in (%r)", exc)
        return
    for platform, names in absent.items():
        log.warning("%s: the bot is not in %s yet: what it posts there waits until it is "
                    "invited", platform, ", ".join(f"#{name}" for name in names))


async def start_all(sides: Sequence[Adapter | Owner], receive: Receive) -> None:
    for side in sides:
        await side.start(receive)


async def until_stopped(work: Awaitable[None], stop: asyncio.Event) -> bool:
    """Run ``work`` unless ``stop`` is set first, which cancels it: whether it ended."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        task.cancel()  # nothing if it has ended
        await asyncio.wait({task})
    if task.cancelled():
        return False
    task.result()  # its error, if it failed
    return True
