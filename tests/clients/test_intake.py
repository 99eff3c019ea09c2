"""Intake from a client's room: who is the client, what opens a request, what follows one,
and the clear answers that write nothing (an empty or too long message, a room whose
client left the directory)."""

from __future__ import annotations

import re

from sqlalchemy import text

from commands.events import Action, Actor, Command, Thread, ThreadReply
from storage.db import Database
from tests import leaks
from tests.clients.rooms import ROOM, add_client
from tests.conftest import Clock, Console
from tests.snapshots import snapshot

WRITTEN = ("requests", "consultations", "client_requests", "client_contacts", "clients",
           "channels", "people", "identities")


async def _rows(db: Database, sql: str) -> list[tuple]:
    async with db.session(read_only=True) as s:
        return [tuple(r) for r in (await (await s.connection()).execute(text(sql))).all()]


async def test_a_person_unknown_to_the_directory_becomes_a_contact_of_the_rooms_client(
        console: Console, clock: Clock) -> None:
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-07 10:00")
    out = await console.run(f"solene in {ROOM}: Bonjour, il nous faut une formation pour "
                            "nos agents d’accueil")
    assert "[#mairie-roubaix] - Bonjour solene, merci pour votre message." in out
    assert "R-1" in out
    assert await _rows(db, "SELECT c.name, c.handle, c.from_file, k.slug FROM client_contacts c "
                           "JOIN clients k ON k.id = c.client_id WHERE c.handle = 'solene'") == [
        ("solene", "solene", False, "mairie-roubaix")]
    assert await _rows(db, "SELECT handle FROM people WHERE handle = 'solene'") == []
    # the next time, the same contact: no second one
    clock.advance(hours=2)
    await console.run(f"solene in {ROOM}: Autre sujet : un appui en comptabilité")
    assert len(await _rows(db, "SELECT id FROM client_contacts WHERE handle = 'solene'")) == 1


async def test_a_command_names_its_author_as_the_platform_does(console: Console,
                                                                clock: Clock) -> None:
    """A client's agent alone with the bot in their room (a room of two reads as a direct
    room on Matrix: any text is a command), or who starts with the bot's name: the contact
    is named as the platform names them, not by their user id."""
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-07 10:00")
    leaks.sent("Bonjour, il nous faut des affiches")
    await console.bot.receive(Command(
        actor=Actor("console", "u-solene"), text="Bonjour, il nous faut des affiches",
        event_id="said-1", place=ROOM, direct=True, name="Solène Garnier"))
    await console.bot.drain()
    assert "[#mairie-roubaix] - Bonjour Solène Garnier, merci pour votre message." in \
        console.out.getvalue()
    assert await _rows(db, "SELECT name, handle FROM client_contacts WHERE handle = 'u-solene'") == [
        ("Solène Garnier", "u-solene")]


async def test_follow_ups_join_their_request(console: Console, clock: Clock) -> None:
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-07 10:00")
    await console.run(f"agathe in {ROOM}: Nous cherchons de la communication pour un festival")
    clock.advance(minutes=5)  # within the window: the same request
    out = await console.run(f"agathe in {ROOM}: Il aura lieu en mai, sur trois jours")
    assert re.search(r"^\[#cooperation\] R-1 Agathe Martin \(Mairie de Roubaix\), message du "
                     r"client : « Il aura lieu en mai, sur trois jours »$", out, re.M)
    assert f"[{ROOM}] R-1 ✅ ajouté à votre demande R-1" in out
    clock.advance(hours=3)  # later: a new request
    out = await console.run(f"agathe in {ROOM}: Autre besoin : une formation comptable")
    assert "référence R-2" in out
    clock.advance(hours=3)  # naming one: joins it, whenever it comes
    out = await console.run(f"agathe in {ROOM}: R-1 : le budget est de 12 000 €")
    assert "[#cooperation] R-1 Agathe Martin (Mairie de Roubaix), message du client : « le " \
           "budget est de 12 000 € »" in out
    clock.advance(hours=3)  # a reply in a thread of the room: the latest open request
    leaks.sent("Merci, nous attendons votre retour")
    await console.bot.receive(ThreadReply(
        actor=Actor("console", "agathe"), thread=Thread(channel=ROOM, message_id="ack-2"),
        text="Merci, nous attendons votre retour", event_id="thread-1", message_id="m-1"))
    await console.bot.drain()
    assert len(await _rows(db, "SELECT id FROM requests")) == 2


async def test_the_team_writing_in_a_client_room_is_not_the_client(console: Console) -> None:
    db = console.bot.db
    await add_client(db)
    before = await snapshot(db, WRITTEN)
    out = await console.run(f"camille in {ROOM}: Bonjour Madame Martin, je reviens vers vous")
    assert out == ""
    assert await snapshot(db, WRITTEN) == before


async def test_an_empty_or_too_long_message_gets_a_clear_answer_and_writes_nothing(
        console: Console) -> None:
    db = console.bot.db
    await add_client(db)
    before = await snapshot(db, WRITTEN)
    out = await console.run(f"inconnue in {ROOM}: ")
    assert out.strip() == ("[DM:inconnue] - Votre message est vide : décrivez votre demande "
                           "en quelques mots et nous nous en occupons.")
    out = await console.run(f"agathe in {ROOM}: " + "trop long " * 500)
    assert out.strip() == ("[DM:agathe] - Votre message est trop long (5 000 caractères ; "
                           "4 000 au maximum). Veuillez le raccourcir.")
    assert await snapshot(db, WRITTEN) == before


async def test_a_room_whose_client_left_the_directory_records_nothing(console: Console) -> None:
    db = console.bot.db
    await add_client(db)
    async with db.session() as s:
        await (await s.connection()).execute(text(
            "UPDATE clients SET active = false WHERE slug = 'mairie-roubaix'"))
    before = await snapshot(db, (*WRITTEN, "outbox", "inbound_events"))
    out = await console.run(f"agathe in {ROOM}: Nous avons besoin d’une formation")
    assert out.strip() == ("[DM:agathe] - Ce salon n’est plus suivi par La Grappe : votre "
                           "message n’a pas été enregistré. Merci de contacter directement "
                           "La Grappe.")
    assert await snapshot(db, (*WRITTEN, "outbox", "inbound_events")) == before


async def test_the_satisfaction_is_given_by_a_reaction_too(console: Console,
                                                           clock: Clock) -> None:
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-07 10:00")
    await console.run(f"agathe in {ROOM}: Nous cherchons de la communication pour un festival",
                      "camille: /grappe clore R-1 annule")

    async def react(n: int, emoji: str) -> None:
        await console.bot.receive(Action(
            actor=Actor("console", "agathe"), thread=Thread(channel=ROOM, message_id="q-1"),
            action=emoji, event_id=f"reaction-{n}", reaction=True))
        await console.bot.drain()

    await react(1, "❤️")  # a reaction among people: nothing
    await react(2, "4\u20e3")  # the keycap, as some platforms send it (no variation selector)
    assert await _rows(db, "SELECT request_id, satisfaction FROM client_requests") == [(1, 4)]


async def test_the_satisfaction_is_given_in_a_room_of_two_too(console: Console,
                                                              clock: Clock) -> None:
    """The agent alone with the bot (Matrix takes the room for a direct one: "4" comes as a
    command): the number is the rating all the same."""
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-07 10:00")
    await console.run(f"agathe in {ROOM}: Nous cherchons de la communication pour un festival",
                      "camille: /grappe clore R-1 annule")
    await console.bot.receive(Command(actor=Actor("console", "agathe"), text="4",
                                      event_id="said-4", place=ROOM, direct=True))
    await console.bot.drain()
    assert await _rows(db, "SELECT request_id, satisfaction FROM client_requests") == [(1, 4)]
    assert "votre note de 4/5 pour la demande R-1 est bien enregistrée" in \
        console.out.getvalue().replace("\u00a0", " ")
