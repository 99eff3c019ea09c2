"""A client's contacts are people too (GDPR): ``grappe export person`` shows what is held
about one, ``grappe member forget`` erases what identifies them; the requests they wrote
stay, as a former contact's."""

from __future__ import annotations

from commands.privacy import forget as privacy
from storage.db import Database
from storage.repo import client_rooms
from tests.clients.rooms import ROOM, add_client
from tests.conftest import Clock, Console


async def test_a_contact_met_in_the_room_is_exported_then_forgotten(console: Console,
                                                                    clock: Clock) -> None:
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-07 10:00")
    await console.run(f"solene in {ROOM}: Bonjour, il nous faut un appui comptable")
    async with db.session(read_only=True) as s:
        held = await privacy.export(s, "solene")
    assert held["contact"]["name"] == "solene"
    assert held["contact"]["client"] == "mairie-roubaix"
    assert [r["id"] for r in held["requests"]] == [1]
    assert held["requests"][0]["client_side"]["room"] == ROOM
    async with db.session() as s:
        pseudonym, removed = await privacy.forget(s, "solene")
    assert pseudonym.startswith("ancien-contact-")
    assert removed == 0  # a console handle is no platform account
    async with db.session(read_only=True) as s:
        held = await privacy.export(s, pseudonym)
        cr = await client_rooms.of_request(s, 1)
    assert held["contact"]["name"] == "ancien contact"
    assert held["contact"]["email"] is None
    assert cr is not None  # the request stays


async def test_contacts_met_on_a_platform_get_a_handle_of_their_own(coop_db: Database) -> None:
    room = await add_client(coop_db)
    async with coop_db.session() as s:
        first = await client_rooms.add_contact(s, room.client_id, "slack", "U09SG1",
                                               "Solène Garnier", "fr", "solene-garnier")
        second = await client_rooms.add_contact(s, room.client_id, "matrix",
                                                "@sg:mairie.example", "Solène Garnier", "fr",
                                                "solene-garnier")
    assert (first.handle, first.slack) == ("solene-garnier", "U09SG1")
    assert (second.handle, second.matrix) == ("solene-garnier-2", "@sg:mairie.example")
