"""The rows a command queues go to the running delivery loop without being read back.

They are leased in the command's transaction and handed over at its commit
(bot/outbox.py); what a stopping loop cannot send is given back for the next start.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.adapters.base import Delivery, Sent
from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter, parse_line
from bot.outbox import LEASE, DeliveryLoop
from commands.events import Actor, Command, Inbound
from commands.messages import Message, Target, para
from commands.routing import plan
from storage.db import Database
from storage.models import utcnow
from storage.repo import outbox as repo
from tests.matrix.harness import eventually


class Gated(ConsoleAdapter):
    """The console adapter, whose sends wait for ``gate`` once it is closed."""

    def __init__(self) -> None:
        super().__init__(io.StringIO())
        self.gate = asyncio.Event()
        self.gate.set()
        self.waiting = asyncio.Event()
        self.rows: list[int] = []
        self.deliveries: list[Delivery] = []

    async def send(self, delivery: Delivery) -> Sent:
        if not self.gate.is_set():
            self.waiting.set()
            await self.gate.wait()
        self.rows.append(delivery.row_id)
        self.deliveries.append(delivery)
        return await super().send(delivery)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen.append(" ".join(sql.split()))

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _line(text_: str) -> Inbound:
    found = parse_line(text_)
    assert isinstance(found, Inbound)
    return found


async def _rows(db: Database) -> list[tuple[int, str, bool]]:
    async with db.session(read_only=True) as s:
        found = await (await s.connection()).execute(
            text("SELECT /* probe */ id, status, lease_until IS NOT NULL FROM outbox ORDER BY id"))
        return [(int(r[0]), str(r[1]), bool(r[2])) for r in found]


async def test_a_commands_reply_goes_out_without_being_read_back(coop_db: Database) -> None:
    adapter = Gated()
    bot = Bot(Settings(DATABASE_URL=coop_db.url), coop_db, [adapter])
    await bot.start()
    try:
        await asyncio.sleep(0.2)  # the loop's first drain finds nothing and waits
        with statements(coop_db) as seen:
            outcome = await bot.dispatch(_line("camille: /grappe ressources"))
            assert outcome.result == "ok"
            assert outcome.queued == 1
            await eventually(lambda: _sent(coop_db, 1), what="the reply delivered")
        assert adapter.rows == [row_id for row_id, *_ in await _rows(coop_db)]
    finally:
        await bot.stop()
    after = seen[next(i for i, sql in enumerate(seen) if sql.startswith("INSERT INTO outbox")):]
    reads = [sql for sql in after
             if sql.startswith("SELECT") and "outbox" in sql and "probe" not in sql]
    updates = [sql for sql in after if sql.startswith("UPDATE outbox")]
    assert reads == []  # neither `due` nor the thread checks: a reply to its author
    assert len(updates) == 1
    assert "status" in updates[0]


async def _sent(db: Database, n: int) -> bool:
    return [status for _, status, _ in await _rows(db)] == ["sent"] * n


async def test_rows_handed_to_a_stopping_loop_are_given_back(coop_db: Database) -> None:
    adapter = Gated()  # concurrency 1: the second command's reply waits for the first's
    bot = Bot(Settings(DATABASE_URL=coop_db.url), coop_db, [adapter])
    await bot.start()
    adapter.gate.clear()
    await bot.dispatch(_line("camille: /grappe ressources"))
    await asyncio.wait_for(adapter.waiting.wait(), 10)  # the first reply is in flight
    await bot.dispatch(_line("camille: /grappe membres"))  # leased, waits for its turn
    assert [leased for *_, leased in await _rows(coop_db)] == [True, True]
    stopping = asyncio.create_task(bot.stop())
    await asyncio.sleep(0.05)
    adapter.gate.set()  # the send in flight ends; the loop stops before the next one
    await asyncio.wait_for(stopping, 10)
    assert [(status, leased) for _, status, leased in await _rows(coop_db)] == [
        ("sent", False), ("pending", False)]

    # the next start takes it at once: no lease to wait for
    again = Bot(Settings(DATABASE_URL=coop_db.url), coop_db, [adapter])
    await again.start(background_delivery=False)
    try:
        assert await again.drain() == 1
    finally:
        await again.stop()
    assert [status for _, status, _ in await _rows(coop_db)] == ["sent", "sent"]


async def test_the_loop_waits_for_a_lease_to_end_rather_than_spinning(db: Database) -> None:
    event_ = Command(actor=Actor("console", "camille"), text="", event_id="e", place="#x")
    reply = Message(target=Target(kind="actor"), blocks=[para("hi")])
    now = utcnow()
    async with db.session() as s:
        rows = await plan(s, [reply], event_, ["console"])
        rows[0].lease_until = now + timedelta(seconds=60)  # leased by a command (handed)
        await repo.enqueue(s, rows)
    async with db.session(read_only=True) as s:
        when = await repo.next_due_at(s, "console")
        assert await repo.due(s, "console", now) == []
    assert when is not None
    assert when >= now + timedelta(seconds=59)


async def test_a_newer_edit_queued_with_an_older_one_replaces_it(db: Database) -> None:
    event_ = Command(actor=Actor("console", "camille"), text="", event_id="e", place="#x")
    edits = [Message(target=Target(kind="channel", purpose="cooperation"),
                     blocks=[para(f"version {n}")], edit_of="R-1") for n in (1, 2)]
    async with db.session() as s:
        from storage.models import Channel

        s.add(Channel(platform="console", platform_channel_id="#cooperation",
                      purpose="cooperation", name="cooperation"))
        await s.flush()
        queued = await repo.enqueue(s, await plan(s, edits, event_, ["console"]))
    assert len(queued) == 1
    assert "version 2" in queued[0].payload
    assert [row_id for row_id, *_ in await _rows(db)] == [queued[0].id]


async def test_a_handed_row_whose_record_fails_keeps_its_lease_and_says_maybe_sent(
        coop_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The send went out, the record did not (the database went away): the row keeps the
    lease it was queued with, and whoever takes it when the lease ends is told it may
    have been sent already (Slack then looks it up instead of posting twice)."""
    adapter = Gated()
    bot = Bot(Settings(DATABASE_URL=coop_db.url), coop_db, [adapter])
    loop = bot.loops["console"]
    now = utcnow()
    loop.clock = lambda: now
    await bot.start()

    async def record_lost(*_: object, **__: object) -> None:
        raise OSError("the database went away")

    monkeypatch.setattr("storage.repo.outbox.mark_sent", record_lost)
    try:
        await bot.dispatch(_line("camille: /grappe ressources"))
        await eventually(lambda: _async(len(adapter.deliveries) == 1), what="the send")
        while loop._handed:
            await asyncio.gather(*loop._handed)
        monkeypatch.undo()
        assert [(status, leased) for _, status, leased in await _rows(coop_db)] == [
            ("pending", True)]
        assert await loop.drain() == 0  # its lease holds it
        now += LEASE + timedelta(seconds=1)
        assert await loop.drain() == 1
    finally:
        await bot.stop()
    first, again = adapter.deliveries
    assert first.row_id == again.row_id
    assert (first.maybe_sent, again.maybe_sent) == (False, True)
    assert [status for _, status, _ in await _rows(coop_db)] == ["sent"]


async def _async(value: bool) -> bool:
    return value


async def test_a_send_that_hangs_past_the_stops_grace_is_cut_short_and_kept(
        coop_db: Database) -> None:
    """A platform that never answers cannot hold a stop: the card's send is cut short
    after the grace and stays pending, maybe sent, due at once; the posts of its thread,
    leased with it, are given back; the next start sends all three."""
    adapter = Gated()
    adapter.gate.clear()  # every send hangs
    loop = DeliveryLoop(coop_db, adapter)
    loop.stop_grace = 0.2
    loop.start()
    event_ = Command(actor=Actor("console", "camille"), text="", event_id="e",
                     place="#cooperation")
    thread = [Message(target=Target(kind="channel", purpose="cooperation"),
                      blocks=[para("card T-1")], card_of="T-1"),
              *(Message(target=Target(kind="thread", purpose="cooperation", object_ref="T-1"),
                        blocks=[para(f"post {n}")]) for n in (1, 2))]
    async with coop_db.session() as s:
        rows = await plan(s, thread, event_, ["console"])
        for row in rows:
            loop.lease(row)
        queued = await repo.enqueue(s, rows)
    loop.hand(queued)
    await asyncio.wait_for(adapter.waiting.wait(), 10)  # the card's send is in flight
    await asyncio.wait_for(loop.stop(), 10)
    assert [(status, leased) for _, status, leased in await _rows(coop_db)] == [
        ("pending", False)] * 3
    async with coop_db.session(read_only=True) as s:
        due = await repo.due(s, "console", utcnow() + timedelta(seconds=1))
    assert [row.id for row in due] == [row.id for row in queued]  # nothing to wait for
    assert (due[0].attempts, due[0].maybe_sent) == (1, True)

    adapter.gate.set()
    # due at once: its next try was set within the cut's 50 ms floor of backoff
    later = DeliveryLoop(coop_db, adapter, clock=lambda: utcnow() + timedelta(seconds=1))
    assert await later.drain() == 3
    assert [d.maybe_sent for d in adapter.deliveries] == [True, False, False]
    assert [status for _, status, _ in await _rows(coop_db)] == ["sent"] * 3
