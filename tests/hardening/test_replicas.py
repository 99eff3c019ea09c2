"""Two replicas against one PostgreSQL run the full request flow (issue #9): each event
reaches both (as a load balancer's retry would), both delivery loops run, and still every
event is handled once and every outbox row delivered exactly once."""

from __future__ import annotations

import asyncio
import io

import pytest
from sqlalchemy import text

from bot.adapters.base import Delivery, Sent
from bot.app import Bot
from bot.config import Settings
from bot.console import ConsoleAdapter, parse_line
from commands.events import Inbound
from storage.db import Database
from tests.conftest import PG_URL
from tests.hardening import figures
from tests.hardening.faults_support import pg_cooperative
from tests.matrix.harness import count, eventually

pytestmark = pytest.mark.skipif(not PG_URL, reason="GRAPPE_TEST_DATABASE_URL is not set")

FLOW = [
    "nadia: /grappe demande Mairie de Roubaix : accompagner la création d'une ressourcerie, "
    "il faut de la com et de la compta pour le 15 janvier",
    "camille: /grappe relayer R-1 +terreau",
    "nadia in R-1: Intéressés ! On peut piloter, dispo jeudi et vendredi matin, 3 jours",
    "hugo in R-1: pas dispo avant février, désolés",
    "marion in R-1: Partants, une demi-journée par semaine",
    "anais clicks R-1 interested",
    "camille: /grappe attribuer R-1 pilote=chiffres-et-communs partenaires=le-grand-livre : "
    "expérience des ressourceries",
    "camille: /grappe clore R-1 gagne : convention signée",
]


class Recording(ConsoleAdapter):
    """The console adapter of one replica, remembering which outbox rows it delivered."""

    def __init__(self) -> None:
        super().__init__(io.StringIO())
        self.rows: list[int] = []

    async def send(self, delivery: Delivery) -> Sent:
        self.rows.append(delivery.row_id)
        return await super().send(delivery)


async def _outbox(db: Database) -> list[tuple[int, str]]:
    async with db.session(read_only=True) as s:
        found = await (await s.connection()).execute(
            text("SELECT id, status FROM outbox ORDER BY id"))
        return [(int(r[0]), str(r[1])) for r in found]


async def test_two_replicas_run_the_request_flow_handling_each_event_once() -> None:
    async with pg_cooperative() as (_, db):
        other = db.replica()
        adapters = [Recording(), Recording()]
        bots = [Bot(Settings(DATABASE_URL=db.url), engine, [adapter])
                for engine, adapter in zip((db, other), adapters, strict=True)]
        for bot in bots:
            await bot.start()  # both delivery loops run in the background
        try:
            for line in FLOW:
                event = parse_line(line)
                assert isinstance(event, Inbound)
                outcomes = await asyncio.gather(*(bot.dispatch(event) for bot in bots))
                assert sorted(o.duplicate for o in outcomes) == [False, True], line
                assert [o.result for o in outcomes if not o.duplicate] == ["ok"], line
            await eventually(lambda: _all_sent(db), what="every row delivered")
        finally:
            for bot in bots:
                await bot.stop()
            await other.dispose()
        rows = await _outbox(db)
        delivered = adapters[0].rows + adapters[1].rows
        assert sorted(delivered) == [row_id for row_id, _ in rows]  # each exactly once
        assert await count(db, "inbound_events") == len(FLOW)
        assert await count(db, "answers") == 4
        assert await count(db, "requests", "status = 'won'") == 1
    figures.add("fault scenarios survived", "two replicas, full request flow (postgresql)")


async def _all_sent(db: Database) -> bool:
    return await count(db, "outbox", "status <> 'sent'") == 0
