"""The port is complete: the real bot, with only the toy platform, runs whole flows.

Payloads go on the toy's queue; each test waits (with a timeout) until what the toy was
asked to send satisfies a condition, then asserts on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

import pytest

from bot.app import Bot
from bot.config import Settings
from storage.db import Database
from tests.conftest import Clock
from tests.toy.platform import Payload, Record, ToyPlatform

ROOM = "#cooperation"  # the console's id of the cooperation channel (see tests/toy/platform.py)
REQUEST = ("/grappe demande Mairie de Roubaix : accompagner la création d'une ressourcerie, "
           "il faut de la com et de la compta pour le 15 janvier")


class Recorded(logging.Handler):
    """The platform message ids the delivery loop has recorded (its ``delivery`` log line,
    written once the id is stored): a reply to a card the bot has not recorded yet would
    read as chatter, so a test replies, as a person would, only once the card is known."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.ids: dict[str, asyncio.Event] = {}

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", {})
        if fields.get("outcome") == "sent":
            self.ids.setdefault(str(fields["message"]), asyncio.Event()).set()

    async def wait(self, message_id: str) -> None:
        async with asyncio.timeout(10):
            await self.ids.setdefault(message_id, asyncio.Event()).wait()


class Toy:
    def __init__(self, bot: Bot, platform: ToyPlatform, recorded: Recorded):
        self.bot, self.platform, self.recorded = bot, platform, recorded

    def put(self, user: str, text: str = "", **more: str) -> None:
        payload: Payload = {"user": user, "room": ROOM, "text": text, **more}
        self.platform.queue.put_nowait(payload)

    async def until(self, match: Callable[[Record], bool], count: int = 1) -> list[Record]:
        """Wait (10 s at most) until ``count`` recorded sends match; return every match."""
        def hits() -> list[Record]:
            return [r for r in self.platform.sent if match(r)]

        try:
            async with asyncio.timeout(10), self.platform.changed:
                await self.platform.changed.wait_for(lambda: len(hits()) >= count)
        except TimeoutError:
            sent = "\n".join(repr(r) for r in self.platform.sent)
            raise AssertionError(f"not sent within 10 s; sent:\n{sent}") from None
        return hits()

    async def card(self, ref: str) -> Record:
        """The card of ``ref``, once the bot has recorded its message id."""
        (card,) = await self.until(card_of(ref))
        await self.recorded.wait(card["id"])
        return card


def text(record: Record) -> str:
    """A record's text, with French typography's no-break spaces as plain spaces."""
    return str(record.get("text", "")).replace("\u00a0", " ").replace("\u202f", " ")


def card_of(ref: str) -> Callable[[Record], bool]:
    return lambda r: r["role"] == "card" and r["ref"] == ref


def edit_of(ref: str, words: str) -> Callable[[Record], bool]:
    return lambda r: r["role"] == "edit" and r["ref"] == ref and words in text(r)


def to(handle: str, words: str = "") -> Callable[[Record], bool]:
    return lambda r: r.get("to") == handle and words in text(r)


@pytest.fixture
async def toy(coop_db: Database, clock: Clock) -> AsyncIterator[Toy]:
    platform, recorded = ToyPlatform(), Recorded()
    outbox_log = logging.getLogger("bot.outbox")
    level = outbox_log.level
    outbox_log.setLevel(logging.INFO)
    outbox_log.addHandler(recorded)
    bot = Bot(Settings(DATABASE_URL=coop_db.url), coop_db, [platform], clock=clock)
    await bot.start()
    await platform.start(bot.receive)
    assert platform.connected
    yield Toy(bot, platform, recorded)
    await platform.stop()
    await bot.stop()
    outbox_log.removeHandler(recorded)
    outbox_log.setLevel(level)


async def test_a_request_answered_then_assigned(toy: Toy, clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    toy.put("nadia", REQUEST)
    card = await toy.card("R-1")
    assert card["channel"] == ROOM
    assert "R-1 · Mairie de Roubaix" in text(card)
    assert "Chiffres & Communs" in text(card)
    assert "Encre Verte" in text(card)

    clock.advance(hours=2)
    for user, answer in [("nadia", "Intéressés ! On peut piloter, dispo jeudi, 3 jours"),
                         ("hugo", "pas dispo avant février, désolés"),
                         ("marion", "Partants, une demi-journée par semaine")]:
        toy.put(user, answer, thread=card["id"])
    acks = await toy.until(lambda r: r["role"] == "react" and r.get("emoji") == "✅", count=3)
    assert all(a["channel"] == ROOM for a in acks)
    edits = await toy.until(edit_of("R-1", "(3/5"))
    assert {e["id"] for e in edits} == {card["id"]}  # edited in place, never posted again
    assert "peut piloter" in text(edits[-1])
    assert "décline" in text(edits[-1])
    assert [r for r in toy.platform.sent if card_of("R-1")(r)] == [card]

    clock.advance(hours=3)
    toy.put("camille", "/grappe attribuer R-1 pilote=chiffres-et-communs "
                       "partenaires=le-grand-livre : expérience des ressourceries")
    chosen = {"nadia", "pierre-louis", "marion", "fatou", "olivier"}

    def dms() -> set[str]:
        return {r["to"] for r in toy.platform.sent if r["role"] == "dm" and "R-1" in text(r)}

    await toy.until(lambda r: chosen <= dms())
    (decision,) = await toy.until(lambda r: r["role"] == "post" and "Décision" in text(r))
    assert decision["thread"] == card["id"]  # in the card's thread
    assert "expérience des ressourceries" in text(decision)
    (assigned,) = await toy.until(edit_of("R-1", "attribuée"))
    assert assigned["id"] == card["id"]
    assert "hugo" not in dms()  # declined: not told


async def test_a_booking_refused_for_a_conflict(toy: Toy, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")  # a Thursday
    toy.put("nadia", "/grappe reserver salle-garance jeudi 14h-16h : point compta")
    toy.put("karim", "/grappe reserver salle-garance jeudi 15h-16h")
    (refusal,) = await toy.until(to("karim", "déjà pris"))
    assert "Ce créneau de Salle Garance est déjà pris ; rien n’a été réservé." in text(refusal)
    assert "B-1" in text(refusal)
    assert refusal["channel"] == ROOM  # told where they acted, only them
    assert await toy.until(to("nadia", "B-1"))


async def test_a_poll_closed_with_a_booking(toy: Toy, clock: Clock) -> None:
    clock.set("2026-11-26 10:00")
    toy.put("nadia", "/grappe dispo Réunion de lancement : mar 1 déc 14h-16h "
                     "| ven 4 déc 9h-11h | lun 7 déc matin")
    card = await toy.card("P-1")
    assert "mar. 1 déc., 14 h–16 h" in text(card)
    toy.put("nadia", "2", thread=card["id"])
    await toy.until(edit_of("P-1", "1 réponse"))
    toy.put("hugo", thread=card["id"], reaction="2️⃣")  # the emoji of the poll's choice 2
    await toy.until(edit_of("P-1", "2 réponses"))
    toy.put("nadia", "/grappe dispo clore P-1 et reserver salle-garance")
    (closed,) = await toy.until(edit_of("P-1", "Réservé : B-1"))
    assert closed["id"] == card["id"]
    assert "👉 2." in text(closed)
    assert "✅ 2 · 🤷 0 · ❌ 0 — hugo, nadia" in text(closed)  # the reaction counted


async def test_a_digest_preview_goes_to_the_asker_only(toy: Toy, clock: Clock) -> None:
    clock.set("2026-12-07 10:00")
    toy.put("nadia", "/grappe demande Mairie de Roubaix : une campagne de com #communication")
    await toy.until(card_of("R-1"))
    await toy.until(to("nadia", "R-1"))
    clock.advance(minutes=5)
    seen = len(toy.platform.sent)
    toy.put("camille", "/grappe resume apercu")
    (preview,) = await toy.until(to("camille", "Résumé de la semaine"))
    assert text(preview).startswith("Résumé de la semaine du lun. 7 déc.\n")
    assert "1 nouvelle demande cette semaine" in text(preview)
    assert all(r.get("to") == "camille" for r in toy.platform.sent[seen:])


async def test_someone_unknown_is_answered_directly(toy: Toy) -> None:
    toy.put("stranger", "/grappe aide")
    (reply,) = await toy.until(lambda r: r["role"] == "direct")
    assert reply["to"] == "stranger"
    assert reply["channel"] == ROOM
    assert text(reply)
