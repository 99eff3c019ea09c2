"""``bot.lease.Owner``: the Matrix side runs on the replica holding the lease, and only
there — on a stop it is given back and another replica takes over; a holder that cannot
renew stops its side; a standby replica is ready on ``/readyz``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from bot.adapters.base import Delivery, Receive, Sent
from bot.health import readiness
from bot.lease import Lease, Owner
from bot.outbox import DeliveryLoop
from commands.events import Inbound
from commands.messages import Message
from storage.db import Database
from tests.matrix.harness import eventually

SECONDS = 0.9  # renewed every 0.3 s: the tests wait for conditions, never for a time


class Side:
    """A Matrix adapter that only records whether it runs."""

    platform = "matrix"
    redelivers = True
    concurrency = 1
    duplicates_on_retry: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self.running = False
        self.starts = 0

    @property
    def connected(self) -> bool:
        return self.running

    def serve(self, routes: object) -> bool:
        return False

    def member_of(self, channel: str) -> bool | None:
        return None

    async def start(self, receive: Receive) -> None:
        self.running = True
        self.starts += 1

    async def stop(self) -> None:
        self.running = False

    async def send(self, delivery: Delivery) -> Sent:
        raise AssertionError("nothing is queued in these tests")

    async def send_direct(self, item: Message, event: Inbound) -> None:
        raise AssertionError("nothing is answered in these tests")


async def _receive(event: Inbound, *, inline: bool = False, quiet: bool = False) -> object:
    raise AssertionError("no event in these tests")


@pytest.fixture
async def owners(db: Database) -> AsyncIterator[Callable[[Database], Owner]]:
    made: list[Owner] = []

    def make(engine: Database) -> Owner:
        side = Side()
        owner = Owner(Lease(engine, "matrix", SECONDS), side,  # type: ignore[arg-type]
                      DeliveryLoop(engine, side), engine)  # type: ignore[arg-type]
        made.append(owner)
        return owner

    try:
        yield make
    finally:
        for owner in made:
            await owner.stop()


def _runs(owner: Owner) -> bool:
    return owner.adapter.running  # type: ignore[attr-defined,no-any-return]


async def test_one_replica_runs_the_side_and_another_takes_over_when_it_stops(
        db: Database, owners: Callable[[Database], Owner]) -> None:
    first, second = owners(db), owners(db.replica())
    await first.start(_receive)  # type: ignore[arg-type]
    await second.start(_receive)  # type: ignore[arg-type]
    assert _runs(first)
    assert first.held
    assert not _runs(second)
    assert not second.held
    ok, report = await readiness(db, [second.adapter], owners=[second])
    assert ok  # standing by: it serves the rest
    assert report["leases"]["matrix"]["held"] is False
    taken_until = first.lease.until
    await eventually(lambda: _async(first.lease.until != taken_until), what="a renewal")
    assert not _runs(second)  # renewed: never two sides at once

    await first.stop()  # SIGTERM: given back at once
    assert not _runs(first)
    await eventually(lambda: _async(_runs(second)), what="the takeover")
    assert second.held
    assert not _runs(first)


async def test_a_holder_that_cannot_renew_stops_its_side(
        db: Database, owners: Callable[[Database], Owner]) -> None:
    owner = owners(db)
    await owner.start(_receive)  # type: ignore[arg-type]
    assert _runs(owner)
    gone = owner.lease.db
    owner.lease.db = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # unreachable
    try:
        await eventually(lambda: _async(not _runs(owner)), what="the side stopped")
        assert not owner.held
    finally:
        await owner.lease.db.dispose()
        owner.lease.db = gone
    await eventually(lambda: _async(_runs(owner)), what="the side back with the lease")
    assert owner.adapter.starts == 2  # type: ignore[attr-defined]


async def _async(value: bool) -> bool:
    return value
