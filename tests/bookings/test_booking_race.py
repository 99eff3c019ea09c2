"""Two bot replicas race 50 overlapping bookings of one room: one wins, 49 are told why."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.features import registry as load_all
from commands.dispatcher import Dispatcher
from commands.events import Actor, Command
from commands.messages import Envelope, Message
from commands.render import plain
from storage.db import Database
from storage.models import Outbox
from storage.repo import directory as dir_repo
from tests.bookings.conftest import NOW, all_bookings

ATTEMPTS = 50


async def test_fifty_racing_attempts_make_exactly_one_booking(coop_db: Database) -> None:
    async with coop_db.session(read_only=True) as s:
        handles = [p.handle for p in await dir_repo.people(s)]
    replicas = [coop_db.replica(), coop_db.replica()]
    dispatchers = [Dispatcher(r, load_all(), platforms=("console",), clock=lambda: NOW)
                   for r in replicas]

    def attempt(n: int) -> Command:
        start = 14 * 60 + 15 * (n % 5)  # 14:00 … 15:00, two hours each: all overlap
        when = f"jeudi {start // 60}h{start % 60:02d}-{start // 60 + 2}h{start % 60:02d}"
        return Command(actor=Actor("console", handles[n % len(handles)]), place="#cooperation",
                       text=f"/grappe reserver salle-garance {when} : course {n}",
                       event_id=f"race-{n}")

    try:
        outcomes = await asyncio.gather(*[dispatchers[n % 2].dispatch(attempt(n))
                                          for n in range(ATTEMPTS)])
    finally:
        for replica in replicas:
            await replica.dispose()
    assert all(o.handled and not o.direct for o in outcomes)
    booked = [b for b in await all_bookings(coop_db) if b.active]
    assert len(booked) == 1
    async with coop_db.session(read_only=True) as s:
        rows = (await s.exec(select(Outbox).where(Outbox.role == "ephemeral"))).all()
    replies = []
    for row in rows:
        item = Envelope.model_validate_json(row.payload).item
        assert isinstance(item, Message)
        replies.append(plain(item.blocks).replace("\u00a0", " ").replace("\u202f", " "))
    assert len(replies) == ATTEMPTS
    assert sum(r.startswith("✅ B-") for r in replies) == 1
    refused = [r for r in replies if r.startswith((
        "Ce créneau de Salle Garance est déjà pris ; rien n’a été réservé.",
        "Salle Garance is already booked then; nothing was booked."))]  # Olivia reads English
    assert len(refused) == ATTEMPTS - 1
    assert all(f"· {booked[0].ref}" in r for r in refused)  # who has it, when and why
