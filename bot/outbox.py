"""Delivery of outbox rows: one loop per adapter, woken by the commit, never polling.

A row is leased before it is sent (so two replicas never send the same row),
marked sent with the platform's message id afterwards, and retried with
backoff on a ``DeliveryError``. Thread replies and card edits wait for their
card (``bot.pacing``). No row is ever deleted by delivery.

The rows a command queues are leased in the command's own transaction (``lease``)
and handed to the loop once it commits (``hand``): they go out without being read
back or leased again. Everything else — a retry, a row another process queued, what
a stopped process left — is found by the loop's ``drain``. Rows leased by a process
that dies are taken by anyone once their lease ends, as a crashed send's are.

A crash between a send and its record sends that row again at the next start.
Matrix recognises it (same transaction id); Slack, which has no idempotency key,
looks for the message by the metadata each post carries (``Delivery.maybe_sent``).
The roles an adapter cannot recognise (Slack's ephemeral replies, kept nowhere) are
its ``duplicates_on_retry``: those go one at a time from the send to the record, so
a crash can double at most one of them.

Which rows wait (a thread's rows behind their card and each other) and what goes first
after a rate limit is ``bot.pacing``'s rule; this module runs it.

A stop lets the sends in flight finish for ``STOP_GRACE`` seconds, then cuts them short
(``bot.adapters.cutoff``): their rows stay pending, maybe sent, due at once for the next
start, whose attempt the platform recognises as above. A row for a room the bot is not in
yet waits for it without counting as an attempt (``bot.absence``), as does a private row
for a person the bot cannot reach yet (no direct room, and none may be created: Tchap).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import drawing, pacing
from bot.absence import Absences
from bot.adapters.base import Delivery, DeliveryError, Sender
from bot.adapters.cutoff import Cutoff
from commands.messages import Envelope, Message
from storage.db import Database
from storage.models import DeliveryRole, Outbox, utcnow
from storage.repo import outbox as repo

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = 15 * 60
IDLE_WAIT = 30.0
STOP_GRACE = 3.0  # seconds the sends in flight have to finish once the bot stops
RECORDED_ROLES = frozenset({DeliveryRole.CARD, DeliveryRole.DM})  # in message_refs once sent


class DeliveryResult(StrEnum):
    """What one attempt at a row did (returned by ``_deliver``, logged as ``outcome``)."""

    SENT = "sent"
    RETRY = "retry"  # a platform error worth another try, after a backoff
    FAILED = "failed"  # for good: never tried again
    WAITING = "waiting"  # not tried: held back (its card, an earlier row) or leased elsewhere


async def release_all(db: Database, platform: str, now: datetime | None = None) -> int:
    """Free every lease on ``platform``'s rows, so that they go at once rather than when
    their lease ends; how many were held.

    Only for a platform that one process alone delivers, at its start (the console: one
    process per database), where a lease still held belongs to a process that died."""
    async with db.session() as s:
        return await repo.release_all(s, platform, now or utcnow())


def backoff(attempts: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return max(retry_after, 0.05)
    return float(min(2 ** min(attempts, 20), MAX_BACKOFF))


class DeliveryLoop:
    """``prepare`` finishes a message before it is sent (draws its charts): the slow work
    a command leaves to its delivery, so that its ack never waits for it. ``drawer`` runs
    it away from the event loop (a worker thread by default; the bot's drawing process,
    ``bot.drawing``), for the messages that have something to draw (``Message.to_draw``)
    only: the others do not queue behind a chart."""

    def __init__(self, db: Database, adapter: Sender, clock: Callable[[], datetime] = utcnow,
                 prepare: Callable[[Message], Message] | None = None,
                 drawer: drawing.Drawer = drawing.in_thread):
        self.db = db
        self.prepare = prepare
        self.drawer = drawer
        self.clock = clock
        self.adapter = adapter
        self.platform = adapter.platform
        self.wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._one_unrecorded = asyncio.Lock()  # see the module's docstring
        self._limit: asyncio.Semaphore | None = None
        self._handed: set[asyncio.Task[None]] = set()
        self.pace = pacing.Pace()  # the platform asked to slow down
        self._cutoff = Cutoff()
        self.stop_grace = STOP_GRACE
        self.absences = Absences(db, adapter, lambda: self.clock(), self.notify)

    @property
    def limit(self) -> asyncio.Semaphore:
        """Threads delivered side by side, by ``drain`` and handed rows together."""
        if self._limit is None:
            self._limit = asyncio.Semaphore(max(1, self.adapter.concurrency))
        return self._limit

    def _guard(self, row: Outbox) -> contextlib.AbstractAsyncContextManager[object]:
        if row.role in self.adapter.duplicates_on_retry:
            return self._one_unrecorded
        return contextlib.nullcontext()

    def notify(self) -> None:
        self.wake.set()

    def start(self) -> None:
        """Deliver in the background (again, after a ``stop``: the Matrix side's lease)."""
        self._stopping = False
        self._cutoff.reset()
        self._task = asyncio.create_task(self._run(), name=f"outbox-{self.platform}")

    async def stop(self) -> None:
        """Take no more rows; the sends in flight have ``stop_grace`` seconds, then are cut
        short."""
        self._stopping = True
        self.wake.set()
        if running := self._running():
            _, late = await asyncio.wait(running, timeout=self.stop_grace)
            if late:
                log.warning("outbox: sends on %s still in flight after %.1fs: cut short, "
                            "their rows stay in the outbox", self.platform, self.stop_grace)
                self._cutoff.cut()
        while running := self._running():  # after the cut: only their records are left
            await asyncio.wait(running)

    def _running(self) -> set[asyncio.Task[None]]:
        tasks = {t for t in self._handed if not t.done()}
        if self._task is not None and not self._task.done():
            tasks.add(self._task)
        return tasks

    # --- the rows a command queues -------------------------------------------------
    def lease(self, row: Outbox) -> None:
        """Lease a row about to be committed, for ``hand`` (only while the loop runs).

        Not a card's edit, nor anything while the platform is rate-limiting
        (``Pace.may_lease``)."""
        if self._task is not None and not self._stopping \
                and self.pace.may_lease(row, self.clock()):
            row.lease_until = self.clock() + LEASE

    def hand(self, rows: list[Outbox]) -> None:
        """Deliver the committed rows this loop leased; wake the loop for the others."""
        leased = [row for row in rows if row.lease_until is not None]
        if len(leased) < len(rows):
            self.notify()
        if leased:
            task = asyncio.create_task(self._deliver_handed(leased),
                                       name=f"outbox-{self.platform}-handed")
            self._handed.add(task)
            task.add_done_callback(self._handed.discard)

    async def _deliver_handed(self, rows: list[Outbox]) -> None:
        left: list[int] = []
        groups = pacing.threads(rows)
        # every thread runs to its end, whatever another one meets
        results = await asyncio.gather(*(self._in_order(group, handed=True, left=left)
                                         for group in groups), return_exceptions=True)
        waiting = False
        for group, result in zip(groups, results, strict=True):
            if isinstance(result, BaseException):
                # its send may have gone out unrecorded: the lease it keeps says so (maybe
                # sent), and anyone takes it again when the lease ends
                log.warning("outbox: a handed row on %s failed; it is taken again when its "
                            "lease ends", self.platform, exc_info=result)
            else:
                waiting |= result[0] < len(group)
        if left:  # rows behind one that did not go, or not sent before a stop
            try:
                async with self.db.session() as s:
                    await repo.release(s, left)
            except Exception as exc:
                log.warning("outbox: %d lease(s) on %s not given back (%r); they end by "
                            "themselves", len(left), self.platform, exc)
        if waiting:
            self.notify()  # the loop takes what waits from here

    async def _run(self) -> None:
        while not self._stopping:
            self.wake.clear()
            try:
                await self.drain()
                timeout = await self._seconds_to_next()
            except Exception:
                log.exception("outbox loop for %s failed; retrying", self.platform)
                timeout = 1.0
            if self._stopping:
                break
            try:
                await asyncio.wait_for(self.wake.wait(), timeout)
            except TimeoutError:
                pass

    async def _seconds_to_next(self) -> float:
        async with self.db.session(read_only=True) as s:
            when = await repo.next_due_at(s, self.platform)
        if when is None:
            return IDLE_WAIT
        return min(max((when - self.clock()).total_seconds(), 0.01), IDLE_WAIT)

    async def drain(self) -> int:
        """Deliver every row due now; returns how many were sent.

        Rows of one thread (or one person's DMs) go one after the other, in the
        order they were queued; different threads go side by side, up to the
        adapter's ``concurrency`` (1 for the console, whose output is a script).
        """
        sent = 0
        while not self._stopping:
            now = self.clock()
            async with self.db.session(read_only=True) as s:
                rows = list(await repo.due(s, self.platform, now))
            groups = pacing.threads(rows)
            if self.pace.careful(now):  # one at a time, what people wait for first
                results = [await self._in_order(g) for g in self.pace.first(groups)]
            else:
                results = await asyncio.gather(*(self._in_order(g) for g in groups))
            sent += sum(done for done, _ in results)
            if not rows or not any(progressed for _, progressed in results):
                break
        return sent

    async def _in_order(self, rows: list[Outbox], *, handed: bool = False,
                        left: list[int] | None = None) -> tuple[int, bool]:
        """Deliver one thread's rows in order; (rows sent, whether any moved on)."""
        done, progressed = 0, False
        rest: list[Outbox] = []  # the rows not tried
        async with self.limit:
            for i, row in enumerate(rows):
                if self._stopping:  # shutting down: what is left stays in the outbox
                    rest = rows[i:]
                    break
                async with self._guard(row):
                    outcome = await self._deliver(row, handed=handed)
                done += outcome is DeliveryResult.SENT
                progressed |= outcome is not DeliveryResult.WAITING
                if outcome is not DeliveryResult.SENT:
                    rest = rows[i + 1:]  # the rest of this thread waits for this row
                    break
        if handed and left is not None:  # leased with their command: give the leases back
            left.extend(r.id for r in rest if r.id is not None)
        return done, progressed

    async def _deliver(self, row: Outbox, *, handed: bool = False) -> DeliveryResult:
        now = self.clock()
        assert row.id is not None
        item = Envelope.model_validate_json(row.payload).item
        thread, own_card = pacing.thread_of(row, item)
        if handed:  # leased when it was queued: only where it goes is read, if anything
            place = repo.Placement()
            if repo.placed(row, thread):
                async with self.db.session(read_only=True) as s:
                    place = await repo.placement(s, row, thread)
            held = pacing.hold(row, place, now, own_card)
            if held is not None:
                async with self.db.session() as s:
                    return await _keep(s, row, held)
        else:
            async with self.db.session() as s:
                if not await repo.lease(s, row.id, now, now + LEASE, created_at=row.created_at):
                    return DeliveryResult.WAITING
                place = await repo.placement(s, row, thread)
                held = pacing.hold(row, place, now, own_card)
                if held is not None:
                    return await _keep(s, row, held)
        thread_root, edit_target = pacing.anchors(row, place, thread)
        if (paused := self.pace.paused(now)) is not None:
            async with self.db.session() as s:  # not even tried: the platform said when
                await repo.defer(s, row.id, paused)
            return DeliveryResult.WAITING
        if self.prepare is not None and isinstance(item, Message) and item.to_draw:
            item = await self.drawer(self.prepare, item)  # slow work, after the ack
        role = DeliveryRole(row.role) if row.role in RECORDED_ROLES else None
        posted: list[str] = []

        async def record_posted(channel: str, message_id: str) -> None:
            if role is not None and row.object_ref and not posted:
                async with self.db.session() as s:
                    await repo.mark_posted(s, row, channel, message_id, role)
                posted.append(message_id)

        delivery = Delivery(
            row_id=row.id, role=row.role, item=item,
            channel=row.channel, recipient=row.recipient, object_ref=row.object_ref,
            thread_root=thread_root, edit_target=edit_target,
            # stable across retries, unique even when SQLite reuses a deleted row's id
            transaction_id=f"grappe-{row.id}-{int(row.created_at.timestamp() * 1_000_000)}",
            # a lease still set was taken by an attempt that never finished (a crash)
            maybe_sent=row.maybe_sent or (row.lease_until is not None and not handed),
            queued_at=row.created_at, posted=record_posted,
        )
        started = time.perf_counter()
        try:
            async with self._cutoff.bound(f"row {row.id}"):
                sent = await self.adapter.send(delivery)
        except Exception as raw:  # every platform error becomes a DeliveryError at the edge
            exc = raw if isinstance(raw, DeliveryError) else DeliveryError(repr(raw))
            if (exc.absent and await self.absences.wait(row, exc)) or (  # not in its room,
                    exc.no_direct and await self.absences.for_person(row, exc)):  # or no DM yet
                self._log(row, DeliveryResult.WAITING, started, error=str(exc))
                return DeliveryResult.WAITING
            async with self.db.session() as s:
                if exc.permanent or exc.absent or exc.no_direct:
                    self._log(row, DeliveryResult.FAILED, started, error=str(exc),
                              level=logging.ERROR)
                    await repo.mark_failed(s, row.id, str(exc))
                    return DeliveryResult.FAILED
                delay = backoff(row.attempts + 1, exc.retry_after)
                retry_at = self.clock() + timedelta(seconds=delay)
                if exc.throttled:
                    self.pace.throttled(retry_at)
                self._log(row, DeliveryResult.RETRY, started, error=str(exc),
                          retry_in=round(delay, 2),
                          level=logging.INFO if exc.throttled else logging.WARNING)
                await repo.mark_retry(s, row.id, str(exc), retry_at, maybe_sent=exc.maybe_sent)
            return DeliveryResult.RETRY
        async with self.db.session() as s:
            await repo.mark_sent(s, row, sent.channel, sent.message_id,
                                 None if posted else role)
        self._log(row, DeliveryResult.SENT, started, message=sent.message_id)
        return DeliveryResult.SENT

    def _log(self, row: Outbox, outcome: DeliveryResult, started: float, level: int = logging.INFO,
             **more: object) -> None:
        """One line per delivery attempt: ids, latency, time queued and outcome, no text."""
        log.log(level, "delivery", extra={"fields": {
            "platform": self.platform, "row": row.id, "role": row.role,
            "object": row.object_ref, "channel": row.channel, "outcome": outcome,
            "attempt": row.attempts + 1, "ms": round((time.perf_counter() - started) * 1000, 2),
            "queued_ms": round((self.clock() - row.created_at).total_seconds() * 1000),
            **more}})


async def _keep(s: AsyncSession, row: Outbox, held: datetime | str) -> DeliveryResult:
    assert row.id is not None
    if isinstance(held, str):
        await repo.mark_failed(s, row.id, held)
        return DeliveryResult.FAILED
    await repo.defer(s, row.id, held)
    return DeliveryResult.WAITING
