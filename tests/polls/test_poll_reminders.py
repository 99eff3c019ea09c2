"""One reminder to each invitee who has not answered, before the poll's deadline, once."""

from __future__ import annotations

import asyncio

from sqlmodel import col, select

from bot import features
from commands import reminders
from commands.jobs import JobEnv
from storage.models import Outbox
from tests.conftest import Clock, Console


async def test_poll_reminder_goes_once_to_those_missing(console: Console, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    await console.run("nadia: /grappe dispo Point : ven 4 déc 9h-11h | lun 7 déc 14h-16h "
                      "membres=sobre-et-clair avant 30/11",
                      "olivia in P-1: 1")
    db = console.bot.db
    envs = [JobEnv(db=replica, registry=features.registry(), platforms=("console",), owner=f"r{n}")
            for n, replica in enumerate([db, db.replica()])]
    early = clock.now
    assert await reminders.sweep(envs[0], early) == 0  # the deadline is days away
    clock.set("2026-11-30 09:00")  # the poll closes tonight
    sent = await asyncio.gather(*(reminders.sweep(env, clock.now) for env in envs))
    again = await reminders.sweep(envs[1], clock.now)
    assert sum(sent) == 2  # elodie, and nadia (the author, invited with them)
    assert again == 0
    async with db.session(read_only=True) as s:
        rows = (await s.exec(select(Outbox).where(Outbox.role == "dm").order_by(
            col(Outbox.id)))).all()
    recipients = sorted(r.recipient or "" for r in rows if "P-1" in r.payload)
    assert recipients == ["elodie", "nadia"]
    await envs[1].db.dispose()
