"""One replica runs the Matrix side at a time: the one holding its lease in the database.

The bot has one Matrix device: two replicas syncing it, or sending from it, would split
its sync stream and (with encryption) its keys. Each replica started with Matrix tries to
take the ``matrix`` lease (``storage.repo.leases``: one statement, the database decides)
every third of its length (``MATRIX_LEASE_SECONDS``). The holder renews it as often and
runs the Matrix side — the sync loop and the Matrix delivery loop; the others keep serving
Slack and HTTP and keep trying. A holder whose renewal fails (refused, an error, no answer
within a third of the lease) stops its Matrix side at once, before its lease can expire:
two replicas never run it together. On SIGTERM the holder gives the lease back, so another
takes over at once; one that dies is replaced once its lease expires.

Exactly once holds across a takeover as it does across a restart: inbound events by their
event id, outbox rows by their transaction id (the stored session is the same device). The
device's keys pass over the same way: the side's start reads its store afresh (a volume
the replicas share, ``MATRIX_STORE_PATH``) and its stop closes it (``bot.matrix.store``),
so the store is open in the holder only.
The new holder frees the leases of the Matrix outbox rows first: only the holder delivers
them, so a row still leased was leased by a holder that is gone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.adapters.base import Adapter, Receive
from bot.outbox import DeliveryLoop, release_all
from storage.db import Database
from storage.models import utcnow
from storage.repo import leases as repo

log = logging.getLogger(__name__)


def holder_id() -> str:
    """This process, among the replicas: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Lease:
    """This process's hold on one lease row."""

    def __init__(self, db: Database, name: str, seconds: float, holder: str | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self.db, self.name, self.seconds, self.clock = db, name, seconds, clock
        self.holder = holder or holder_id()
        self.until: datetime | None = None

    @property
    def period(self) -> float:
        """Seconds between two renewals (and the longest a renewal may take)."""
        return self.seconds / 3

    @property
    def held(self) -> bool:
        return self.until is not None and self.clock() < self.until

    async def take(self) -> bool:
        """Take or renew it; False (and not held any more) when refused or unanswered."""
        now = self.clock()
        until = now + timedelta(seconds=self.seconds)
        try:
            async with asyncio.timeout(self.period):
                async with self.db.session() as s:
                    ok = await repo.take(s, self.name, self.holder, now, until)
        except Exception as exc:
            log.warning("lease %s: could not take or renew it (%r)", self.name, exc)
            ok = False
        self.until = until if ok else None
        return ok

    async def release(self) -> None:
        self.until = None
        try:
            async with asyncio.timeout(self.period):
                async with self.db.session() as s:
                    await repo.release(s, self.name, self.holder)
        except Exception as exc:  # it expires by itself
            log.warning("lease %s: could not give it back (%r)", self.name, exc)


class Owner:
    """Runs ``adapter`` and its delivery ``loop`` only while ``lease`` is held.

    Stands in for the adapter in the runner's start and stop. Its first ``start`` waits
    for the side's start when the lease was free, so that a refused login still ends the
    run as it did; a later start's failure is logged, and the lease given back."""

    def __init__(self, lease: Lease, adapter: Adapter, loop: DeliveryLoop, db: Database):
        self.lease, self.adapter, self.loop, self.db = lease, adapter, loop, db
        self.platform = adapter.platform
        self._receive: Receive | None = None
        self._starting: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def held(self) -> bool:
        """This replica runs the side now (``/readyz`` says so)."""
        return self._starting is not None and self.lease.held

    async def start(self, receive: Receive) -> None:
        self._receive = receive
        await self._turn()
        self._task = asyncio.create_task(self._keep(), name=f"lease-{self.lease.name}")
        if (starting := self._starting) is not None:
            await asyncio.wait({starting})
            if not starting.cancelled():
                starting.result()  # a refused login: the run's error, as without a lease
        else:
            log.warning("%s: another replica holds the lease; this one stands by",
                        self.platform)

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.lease.period)  # the renewal's schedule
            try:
                await self._check()
            except Exception:  # this loop must outlive anything: it alone stops the side
                log.exception("%s: the lease's loop failed; trying again", self.platform)

    async def _check(self) -> None:
        starting = self._starting
        if starting is not None and starting.done() and not starting.cancelled() \
                and starting.exception() is not None:
            log.error("%s: the side failed to start (%r); the lease is given back",
                      self.platform, starting.exception())
            await self._stop_side()
            await self.lease.release()
            return
        await self._turn()

    async def _turn(self) -> None:
        """Take or renew the lease, and start or stop the side accordingly."""
        if await self.lease.take():
            # the rows other replicas queued for this platform (a digest their scheduler
            # claimed, a DM a Slack command queued) wake no loop here: one look a period
            self.loop.notify()
            if self._starting is None:
                log.warning("%s: this replica holds the lease (%s): starting its side",
                            self.platform, self.lease.holder)
                self._starting = asyncio.create_task(self._start_side(),
                                                     name=f"{self.platform}-side")
        elif self._starting is not None:
            log.warning("%s: the lease is lost: stopping the side at once", self.platform)
            await self._stop_side()

    async def _start_side(self) -> None:
        assert self._receive is not None
        freed = await release_all(self.db, self.platform)  # a gone holder's rows
        if freed:
            log.warning("%s: %d outbox row(s) leased by the previous holder are due now",
                        self.platform, freed)
        self.loop.start()
        await self.adapter.start(self._receive)

    async def _stop_side(self) -> None:
        starting, self._starting = self._starting, None
        if starting is None:
            return
        starting.cancel()
        await asyncio.wait({starting})
        await self.loop.stop()
        await self.adapter.stop()

    async def stop(self) -> None:
        """SIGTERM: stop the side, then give the lease back for another replica at once."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task})
        held = self._starting is not None
        await self._stop_side()
        if held:
            await self.lease.release()


def matrix_owner(lease_seconds: float, db: Database, adapters: list[Adapter],
                 loops: dict[str, DeliveryLoop]) -> Owner | None:
    """The Matrix side's owner, when Matrix runs and a lease is set (not on SQLite)."""
    matrix = next((a for a in adapters if a.platform == "matrix"), None)
    if matrix is None or lease_seconds <= 0:
        return None
    return Owner(Lease(db, "matrix", lease_seconds), matrix, loops["matrix"], db)
