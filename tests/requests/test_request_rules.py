"""Dates, permissions and idempotency of requests."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from bot.features import registry as load_all
from commands.dispatcher import Dispatcher
from commands.events import Actor, Command, Thread, ThreadReply
from storage.db import Database
from storage.repo import requests as repo
from tests.conftest import Clock, Console
from tests.snapshots import snapshot


async def _deadline(console: Console, number: int) -> date | None:
    async with console.bot.db.session(read_only=True) as s:
        request = await repo.get(s, number)
    assert request is not None
    assert request.deadline is not None
    return request.deadline.date()


@pytest.mark.parametrize(("said", "expected"), [
    ("pour le 15 janvier", date(2027, 1, 15)),  # said in December: next year
    ("pour vendredi", date(2026, 12, 11)),  # the coming Friday
    ("by Dec 18", date(2026, 12, 18)),
    ("pour le 3/02", date(2027, 2, 3)),
])
async def test_deadlines_are_read_in_the_future(console: Console, clock: Clock, said: str,
                                                expected: date) -> None:
    clock.set("2026-12-10 10:00")
    await console.run(f"nadia: /grappe demande Mairie : un atelier de com {said}")
    assert await _deadline(console, 1) == expected


async def test_an_impossible_date_is_refused_and_nothing_is_written(console: Console,
                                                                    clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    before = await snapshot(console.bot.db)
    out = await console.run("nadia: /grappe demande Mairie : un atelier de com pour le 31 février")
    assert "31 février" in out
    assert "n’est pas une date valide" in out
    assert await snapshot(console.bot.db) == before


@pytest.mark.parametrize("line", [
    "nadia: /grappe attribuer R-1 pilote=chiffres-et-communs",
    "nadia: /grappe clore R-1 gagne",
    "nadia: /grappe relayer R-1 +terreau",
])
async def test_only_coordinators_decide(console: Console, line: str) -> None:
    await console.run("olivia: /grappe request Mairie : un atelier de com")
    before = await snapshot(console.bot.db)
    out = await console.run(line)
    assert "réservée à la coordination" in out
    assert await snapshot(console.bot.db) == before


async def test_anyone_linked_can_create_and_an_unknown_person_is_told(console: Console) -> None:
    out = await console.run("olivia: /grappe request Town hall : a comms workshop",
                            "zorro: /grappe demande Mairie : un atelier")
    assert "[#cooperation] R-1" in out
    assert "/grappe lier <votre-identifiant> console zorro" in out


async def test_the_same_answer_event_is_recorded_once(coop_db: Database) -> None:
    d = Dispatcher(coop_db, load_all(), platforms=["console"])
    await d.dispatch(Command(actor=Actor("console", "nadia"), event_id="e1",
                             text="/grappe demande Mairie : un atelier de com"))
    reply = ThreadReply(actor=Actor("console", "olivia"), thread=Thread(object_ref="R-1"),
                        text="interested", event_id="answer-1")
    await d.dispatch(reply)
    second = await d.dispatch(reply)
    assert second.duplicate
    async with coop_db.session(read_only=True) as s:
        count = (await (await s.connection()).execute(text("SELECT count(*) FROM answers"))
                 ).scalar_one()
    assert count == 1


async def test_answers_after_closing_are_refused_politely(console: Console) -> None:
    await console.run("olivia: /grappe request Mairie : un atelier de com",
                      "camille: /grappe clore R-1 annule")
    before = await snapshot(console.bot.db)
    out = await console.run("nadia in R-1: intéressés")
    assert "R-1" in out
    assert "Traceback" not in out
    assert await snapshot(console.bot.db) == before
