"""What a crash campaign is judged against: the same events, handled once, with no crash.

After a campaign the database is *observed*: which events were handled, which outbox
rows each one wrote (a row belongs to the last event recorded before it was created:
a command's rows are written in its transaction, and events are handled one after the
other), the last edit of each card, and the cooperative's state (every work table,
without the columns that hold the time of day; in messages, a time of day is masked as
well: a card says when it was recorded, which differs from one run to the next). The *reference* is the same
observation of a copy of the starting database on which the same neutral events were
dispatched in-process by a bot whose adapter accepts everything at once.

A command applied in part (its state without its messages, half its rows) or twice
shows as a difference; ``compare`` counts the events whose messages differ, the cards
whose last version differs and the rows of state that differ, as half-applied commands.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import text
from sqlmodel import col, select

from bot.adapters.base import Delivery, Sent
from bot.app import Bot
from bot.config import Settings
from commands.events import Inbound
from commands.messages import Message
from storage.db import Database
from storage.models import InboundEvent, Outbox
from tests.hardening.conftest import WORK_TABLES

K = TypeVar("K", bound=Hashable)
RowKey = tuple[str, str | None, str | None, str | None, str]
STATE_TABLES = tuple(t for t in WORK_TABLES if t not in ("message_refs", "claims"))
_TIME_COLUMN = re.compile(r"(^|_)at$")
# ``14 h``, ``14 h 05`` (a no-break space, escaped or not in the JSON payload), ``14:05``
_TIME_OF_DAY = re.compile(r"\b\d{1,2}(?:\\u00a0|\u00a0)h(?:(?:\\u00a0|\u00a0)\d{2})?|\b\d{1,2}:\d{2}\b")


def masked(payload: str) -> str:
    return _TIME_OF_DAY.sub("<time>", payload)


def row_key(row: Outbox) -> RowKey:
    return (row.role, row.channel, row.recipient, row.object_ref, masked(row.payload))


@dataclass
class Observed:
    events: list[str] = field(default_factory=list)  # handled event ids, in order
    rows: dict[str, Counter[RowKey]] = field(default_factory=dict)  # by event (edits apart)
    edits: dict[tuple[str | None, str | None], str] = field(default_factory=dict)
    unowned: Counter[RowKey] = field(default_factory=Counter)  # rows before any event
    unsent: list[tuple[int, str, str | None]] = field(default_factory=list)  # id, status, error
    state: Counter[tuple[str, tuple[str, ...]]] = field(default_factory=Counter)


async def sent_rows(db: Database, platform: str) -> list[Outbox]:
    async with db.session(read_only=True) as s:
        return list((await s.exec(select(Outbox).where(
            Outbox.platform == platform, Outbox.status == "sent").order_by(col(Outbox.id)))).all())


async def pending(db: Database, platform: str) -> int:
    async with db.session(read_only=True) as s:
        return len((await s.exec(select(Outbox.id).where(
            Outbox.platform == platform, Outbox.status == "pending"))).all())


async def handled(db: Database, platform: str) -> set[str]:
    async with db.session(read_only=True) as s:
        return set((await s.exec(select(InboundEvent.event_id).where(
            InboundEvent.platform == platform))).all())


async def state(db: Database) -> Counter[tuple[str, tuple[str, ...]]]:
    """Every work table's rows as text, without the time-of-day columns."""
    found: Counter[tuple[str, tuple[str, ...]]] = Counter()
    async with db.session(read_only=True) as s:
        conn = await s.connection()
        for table in STATE_TABLES:
            result = await conn.execute(text(f"SELECT * FROM {table}"))
            keep = [i for i, name in enumerate(result.keys()) if not _TIME_COLUMN.search(name)]
            for row in result.all():
                found[(table, tuple(str(row[i]) for i in keep))] += 1
    return found


async def observe(db: Database, platform: str) -> Observed:
    seen = Observed()
    async with db.session(read_only=True) as s:
        events = (await s.exec(select(InboundEvent).where(InboundEvent.platform == platform)
                               .order_by(col(InboundEvent.received_at)))).all()
        rows = (await s.exec(select(Outbox).where(Outbox.platform == platform)
                             .order_by(col(Outbox.id)))).all()
    seen.events = [e.event_id for e in events]
    times = [e.received_at for e in events]
    for row in rows:
        if row.status != "sent":
            seen.unsent.append((row.id or 0, row.status, row.last_error))
        if row.role == "edit":
            seen.edits[(row.channel, row.object_ref)] = masked(row.payload)
            continue
        index = bisect.bisect_right(times, row.created_at) - 1
        if index < 0:
            seen.unowned[row_key(row)] += 1
        else:
            seen.rows.setdefault(seen.events[index], Counter())[row_key(row)] += 1
    seen.state = await state(db)
    return seen


class NullAdapter:
    """An adapter that delivers everything at once, for the reference run."""

    concurrency = 1
    duplicates_on_retry: frozenset[str] = frozenset()
    redelivers = False
    connected = True

    def __init__(self, platform: str):
        self.platform = platform

    async def send(self, delivery: Delivery) -> Sent:
        where = delivery.channel or f"to:{delivery.recipient}"
        return Sent(where, f"ref-{delivery.row_id}")

    async def send_direct(self, item: Message, event: Inbound) -> None:
        return None


async def reference(db: Database, platform: str, events: Iterable[Inbound]) -> Observed:
    """Dispatch ``events`` in order on ``db`` (a copy of the starting database), no crash."""
    bot = Bot(Settings(DATABASE_URL=db.url), db, [NullAdapter(platform)])
    await bot.start(background_delivery=False)
    try:
        for event in events:
            await bot.dispatch(event)
            await bot.drain()
    finally:
        await bot.stop()
    return await observe(db, platform)


@dataclass
class Verdict:
    """The differences between a campaign and its reference, with a line for each."""

    half_applied: int = 0
    lost: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    details: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        if len(self.details) < 40:
            self.details.append(what)


def tally(seen: Counter[K], expected: Counter[K], verdict: Verdict,
          show: Callable[[K], str]) -> None:
    """What a platform received against what the outbox sent: more is a duplicate, less
    a lost message."""
    for key, n in (seen - expected).items():
        verdict.duplicates += n
        verdict.note(f"received {n} more time(s) than sent: {show(key)}")
    for key, n in (expected - seen).items():
        verdict.lost += n
        verdict.note(f"sent, received {n} time(s) less: {show(key)}")


def compare(ref: Observed, run: Observed, script: Sequence[str]) -> Verdict:
    """``script`` is the event ids the campaign sent, in order."""
    verdict = Verdict()
    done = set(run.events)
    for event_id in script:
        if event_id not in done:
            verdict.lost += 1
            verdict.note(f"event {event_id} was never handled")
    wanted = set(script)
    order = [e for e in run.events if e in wanted]
    if order != [e for e in script if e in done]:
        verdict.out_of_order += 1
        verdict.note("events were not handled in the order they were sent")
    for event_id in script:
        want, got = ref.rows.get(event_id, Counter()), run.rows.get(event_id, Counter())
        if want != got and event_id in done:
            verdict.half_applied += 1
            verdict.note(f"event {event_id}: messages missing {sum((want - got).values())}, "
                         f"extra {sum((got - want).values())}")
    for card in sorted(set(ref.edits) | set(run.edits), key=str):
        if ref.edits.get(card) != run.edits.get(card):
            verdict.half_applied += 1
            verdict.note(f"card {card}: its last version differs")
    if run.unowned != ref.unowned:
        verdict.half_applied += sum((run.unowned - ref.unowned).values())
        verdict.note(f"messages written before any event: {sum(run.unowned.values())}")
    differing = (run.state - ref.state) + (ref.state - run.state)
    if differing:
        verdict.half_applied += sum(differing.values())
        for (table, values), n in list(differing.items())[:10]:
            verdict.note(f"state {table} {'+' if run.state[(table, values)] else '-'}{n} "
                         f"{values[:6]}")
    if run.unsent:
        verdict.lost += len(run.unsent)
        verdict.note(f"rows never delivered: {run.unsent[:5]}")
    return verdict
