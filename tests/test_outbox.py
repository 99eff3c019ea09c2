"""Delivery: nothing lost on errors, cards before their threads, stable transaction ids."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text

from bot.adapters.base import Delivery, DeliveryError, Sent
from bot.outbox import DeliveryLoop
from commands.events import Actor, Command
from commands.messages import Chart, Message, Reaction, Target, para
from commands.routing import plan
from storage.db import Database
from storage.models import utcnow
from storage.repo import outbox as repo


@dataclass
class FlakyAdapter:
    """Records what it sends; fails the first ``failures`` sends with ``error``."""

    platform: str = "console"
    concurrency: int = 1  # the port's (bot/adapters/base.py: Sender)
    duplicates_on_retry: frozenset[str] = frozenset()
    failures: int = 0
    error: DeliveryError = field(default_factory=lambda: DeliveryError("429", retry_after=0))
    sent: list[Delivery] = field(default_factory=list)
    attempts: int = 0

    async def send(self, delivery: Delivery) -> Sent:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error
        self.sent.append(delivery)
        return Sent(delivery.channel or "dm", f"m{len(self.sent)}")

    async def send_direct(self, *_: object) -> None:  # pragma: no cover
        pass


class Clock:
    """A clock the test moves by hand: no sleeping to wait for a retry."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 3600) -> None:
        self.now += timedelta(seconds=seconds)


def _loop(db: Database, adapter: FlakyAdapter) -> tuple[DeliveryLoop, Clock]:
    clock = Clock()
    return DeliveryLoop(db, adapter, clock=clock), clock


async def _enqueue(db: Database, *messages: Message) -> None:
    event = Command(actor=Actor("console", "camille"), text="", event_id="e", place="#cooperation")
    async with db.session() as s:
        await repo.enqueue(s, await plan(s, messages, event, ["console"]))


async def _statuses(db: Database) -> list[tuple[str, int]]:
    async with db.session(read_only=True) as s:
        conn = await s.connection()
        rows = await conn.execute(text("SELECT status, attempts FROM outbox ORDER BY id"))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def plain(delivery: Delivery) -> str:
    return delivery.item.blocks[0].spans[0].text  # type: ignore[union-attr]


def _card(ref: str) -> Message:
    return Message(target=Target(kind="channel", purpose="cooperation"),
                   blocks=[para(f"card {ref}")], card_of=ref)


def _reply(ref: str) -> Message:
    return Message(target=Target(kind="thread", purpose="cooperation", object_ref=ref),
                   blocks=[para(f"reply {ref}")])


async def test_transient_errors_keep_the_row_until_it_is_delivered(coop_db: Database) -> None:
    adapter = FlakyAdapter(failures=2)
    loop, clock = _loop(coop_db, adapter)
    await _enqueue(coop_db, _card("R-1"))
    for _ in range(3):
        await loop.drain()
        clock.advance()
    assert len(adapter.sent) == 1
    assert await _statuses(coop_db) == [("sent", 2)]
    ids = {adapter.sent[0].transaction_id}
    assert len(ids) == 1


async def test_unexpected_adapter_errors_are_retried_not_lost(coop_db: Database) -> None:
    adapter = FlakyAdapter(failures=1, error=RuntimeError("socket closed"))  # type: ignore[arg-type]
    loop, _ = _loop(coop_db, adapter)
    await _enqueue(coop_db, _card("R-1"))
    await loop.drain()
    assert await _statuses(coop_db) == [("pending", 1)]


async def test_permanent_errors_keep_the_row_marked_failed(coop_db: Database) -> None:
    adapter = FlakyAdapter(failures=1, error=DeliveryError("channel_not_found", permanent=True))
    loop, _ = _loop(coop_db, adapter)
    await _enqueue(coop_db, _card("R-1"))
    await loop.drain()
    assert await _statuses(coop_db) == [("failed", 0)]


async def test_a_thread_reply_waits_for_its_card_and_goes_in_its_thread(coop_db: Database) -> None:
    adapter = FlakyAdapter(failures=1)
    loop, clock = _loop(coop_db, adapter)
    await _enqueue(coop_db, _card("R-1"), _reply("R-1"))
    for _ in range(3):
        await loop.drain()
        clock.advance()
    card, reply = adapter.sent
    assert card.role == "card"
    assert reply.role == "post"
    assert reply.thread_root == "m1"


async def test_a_card_refused_for_good_keeps_its_thread_out_of_the_channel(
        coop_db: Database) -> None:
    adapter = FlakyAdapter(failures=1, error=DeliveryError("invalid_blocks", permanent=True))
    loop, clock = _loop(coop_db, adapter)
    await _enqueue(coop_db, _card("R-1"), _reply("R-1"), _reply("R-2"))
    for _ in range(3):
        await loop.drain()
        clock.advance()
    # R-1's reply would read as noise at the channel's top level: kept, failed with its card;
    # R-2 never had a card on this platform: its message still goes
    assert [d.item.blocks for d in adapter.sent] == [_reply("R-2").blocks]
    async with coop_db.session(read_only=True) as s:
        rows = (await (await s.connection()).execute(text(
            "SELECT object_ref, role, status, last_error FROM outbox ORDER BY id"))).all()
    assert [tuple(r) for r in rows] == [
        ("R-1", "card", "failed", "invalid_blocks"),
        ("R-1", "post", "failed", "its card could not be posted"),
        ("R-2", "post", "sent", None)]


async def test_card_edits_target_the_delivered_card(coop_db: Database) -> None:
    adapter = FlakyAdapter()
    loop, _ = _loop(coop_db, adapter)
    await _enqueue(coop_db, _card("R-1"))
    await loop.drain()
    edit = Message(target=Target(kind="channel", purpose="cooperation"),
                   blocks=[para("v2")], edit_of="R-1")
    await _enqueue(coop_db, edit)
    await loop.drain()
    assert adapter.sent[1].role == "edit"
    assert adapter.sent[1].edit_target == "m1"


@dataclass
class GatedAdapter:
    """Card A's send waits until card B's has started: only concurrent delivery passes."""

    platform: str = "console"
    concurrency: int = 4
    duplicates_on_retry: frozenset[str] = frozenset()
    b_started: asyncio.Event = field(default_factory=asyncio.Event)
    sent: list[str] = field(default_factory=list)

    async def send(self, delivery: Delivery) -> Sent:
        text = delivery.item.blocks[0].spans[0].text  # type: ignore[union-attr]
        if text == "card R-2":
            self.b_started.set()
        if text == "card R-1":
            await asyncio.wait_for(self.b_started.wait(), 5)
        self.sent.append(text)
        return Sent(delivery.channel or "dm", f"m{len(self.sent)}")

    async def send_direct(self, *_: object) -> None:  # pragma: no cover
        pass


async def test_threads_go_side_by_side_each_in_order(coop_db: Database) -> None:
    adapter = GatedAdapter()
    loop, _ = _loop(coop_db, adapter)  # type: ignore[arg-type]
    await _enqueue(coop_db, _card("R-1"), _reply("R-1"), _card("R-2"), _reply("R-2"))
    await loop.drain()
    assert sorted(adapter.sent) == ["card R-1", "card R-2", "reply R-1", "reply R-2"]
    for ref in ("R-1", "R-2"):
        assert adapter.sent.index(f"card {ref}") < adapter.sent.index(f"reply {ref}")


async def test_a_rate_limit_pauses_the_platform_and_sends_what_people_wait_for_first(
        coop_db: Database) -> None:
    """A throttled error is the account's: no other row is tried before the platform's
    time has passed, then cards and posts go before acknowledgement reactions."""
    limited = DeliveryError("rate limited", retry_after=30, maybe_sent=False, throttled=True)
    adapter = FlakyAdapter(failures=1, error=limited)
    loop, clock = _loop(coop_db, adapter)
    event = Command(actor=Actor("console", "camille"), text="", event_id="e", place="#cooperation")
    async with coop_db.session() as s:
        await repo.enqueue(s, await plan(s, [Reaction(emoji="✅", message_id="m0")], event,
                                         ["console"]))
    await _enqueue(coop_db, _card("R-1"), _card("R-2"))
    await loop.drain()  # the reaction meets the limit; the cards are not even tried
    assert adapter.attempts == 1
    assert not adapter.sent
    assert [status for status, _ in await _statuses(coop_db)] == ["pending"] * 3
    clock.advance(29)
    assert await loop.drain() == 0  # not before the time given
    assert adapter.attempts == 1
    clock.advance(2)
    assert await loop.drain() == 3
    assert [d.role for d in adapter.sent] == ["card", "card", "react"]


async def test_a_pending_acknowledgement_gives_way_to_the_same_persons_next_one(
        coop_db: Database) -> None:
    event = Command(actor=Actor("console", "camille"), text="", event_id="e", place="#cooperation")
    acks = [Reaction(emoji="✅", message_id=f"m{n}", object_ref="R-1") for n in (1, 2)]
    async with coop_db.session() as s:
        for ack in acks:
            await repo.enqueue(s, await plan(s, [ack], event, ["console"]))
    adapter = FlakyAdapter()
    loop, _ = _loop(coop_db, adapter)
    await loop.drain()
    assert [d.item.message_id for d in adapter.sent] == ["m2"]  # type: ignore[union-attr]


async def test_a_newer_post_of_a_thread_waits_for_an_older_one_that_backs_off(
        coop_db: Database) -> None:
    """The thread order is the outbox's, for every platform: an older post that failed
    and backs off holds the newer ones of its thread, not those of other threads."""
    adapter = FlakyAdapter()
    loop, clock = _loop(coop_db, adapter)
    await _enqueue(coop_db, _card("R-1"))
    await loop.drain()
    adapter.failures, adapter.attempts, adapter.error = 1, 0, DeliveryError("HTTP 500")
    await _enqueue(coop_db, _reply("R-1"))
    await loop.drain()  # the first reply fails; it is due again in 2 s
    await _enqueue(coop_db, Message(target=Target(kind="thread", purpose="cooperation",
                                                  object_ref="R-1"), blocks=[para("later")]),
                   _card("R-2"))
    clock.advance(1)
    await loop.drain()
    assert [plain(d) for d in adapter.sent] == ["card R-1", "card R-2"]
    clock.advance(2)
    await loop.drain()
    assert [plain(d) for d in adapter.sent] == ["card R-1", "card R-2", "reply R-1", "later"]


async def test_only_a_message_with_something_to_draw_is_prepared_in_a_worker_thread(
        coop_db: Database) -> None:
    """``prepare`` (drawing a chart) takes a worker thread; a message with nothing to draw
    goes without one, so it never queues behind a chart being drawn."""
    chart = Chart(title="semaine", locale="fr", days=[], hours=[], rows=[])
    prepared: list[tuple[str, bool]] = []

    def prepare(message: Message) -> Message:
        prepared.append((message.blocks[0].spans[0].text,  # type: ignore[union-attr]
                         threading.current_thread() is threading.main_thread()))
        return message.model_copy(update={"blocks": message.blocks[:1]})

    adapter = FlakyAdapter()
    loop = DeliveryLoop(coop_db, adapter, clock=Clock(), prepare=prepare)
    digest = Message(target=Target(kind="channel", purpose="cooperation"),
                     blocks=[para("digest"), chart])
    await _enqueue(coop_db, _card("R-1"), digest)
    assert await loop.drain() == 2
    assert prepared == [("digest", False)]  # in a worker thread, and only the digest
    assert [d.item.blocks for d in adapter.sent] == [_card("R-1").blocks, [para("digest")]]
