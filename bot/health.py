"""``/readyz``: can this replica do its work? (``/healthz`` only says the process answers.)

Ready means the database answers within ``DB_TIMEOUT`` and every adapter is connected
(Slack: the token was checked; Matrix: the last sync succeeded). The outbox backlog is
reported — rows pending, the age of the oldest, rows failed for good — but does not make
a replica unready: a platform outage would otherwise take every replica out of the load
balancer, and the rows wait in the database whichever replica sends them. So are the
directory's rooms the bot is not in (``not_in_rooms``, by platform: it waits for an
invitation there), which no other replica would change either.

With several replicas, one runs the Matrix side (``bot.lease``): ``leases`` says, by
platform, whether this replica holds it and as whom. A replica standing by is ready (it
serves Slack and HTTP) whatever its idle Matrix adapter says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.absence import rooms_not_joined
from bot.adapters.base import Adapter
from bot.http import Installer
from bot.lease import Owner
from storage.db import Database
from storage.models import utcnow
from storage.repo import outbox as outbox_repo

READY_PATH = "/readyz"
DB_TIMEOUT = 2.0


async def readiness(db: Database, adapters: Sequence[Adapter],
                    clock: Callable[[], datetime] = utcnow,
                    owners: Sequence[Owner] = ()) -> tuple[bool, dict[str, Any]]:
    """(ready, report) — the report is what ``/readyz`` answers as JSON."""
    standby = {o.platform for o in owners if not o.held}
    report: dict[str, Any] = {
        "adapters": {a.platform: a.connected for a in adapters}}
    if owners:
        report["leases"] = {o.platform: {"held": o.held, "holder": o.lease.holder}
                            for o in owners}
    try:
        async with asyncio.timeout(DB_TIMEOUT):
            async with db.session(read_only=True) as s:
                backlog = await outbox_repo.backlog(s)
                absent = await rooms_not_joined(s, adapters)
    except Exception as exc:  # unreachable, locked, timed out: not ready, and why
        report["database"] = {"ok": False, "error": type(exc).__name__}
        return False, report
    report["database"] = {"ok": True}
    now = clock()
    report["outbox"] = {
        platform: {"pending": entry.pending, "failed": entry.failed,
                   "oldest_pending_seconds": round((now - oldest).total_seconds(), 1)
                   if (oldest := entry.oldest_pending) is not None else None}
        for platform, entry in sorted(backlog.items())}
    report["not_in_rooms"] = absent
    return all(on for platform, on in report["adapters"].items()
               if platform not in standby), report


def ready_route(db: Database, adapters: Sequence[Adapter],
                owners: Sequence[Owner] = ()) -> Installer:
    """The ``/readyz`` route: 200 when ready, 503 otherwise, with the report."""

    async def ready(_: web.Request) -> web.Response:
        ok, report = await readiness(db, adapters, owners=owners)
        return web.json_response({"ready": ok, **report}, status=200 if ok else 503)

    def install(application: web.Application) -> None:
        application.router.add_get(READY_PATH, ready)

    return install
