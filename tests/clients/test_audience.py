"""The audience rule: a client room gets only what is addressed to its client.

The guard, not luck: a handler written to leak (it posts, threads, edits, reacts and
replies in the client room, for the team) is refused row by row, and says so in the log.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from commands.context import Context
from commands.dispatcher import Dispatcher
from commands.events import Actor, Command
from commands.messages import Message, Reaction, Target, for_client, para
from commands.registry import Registry, command
from storage.db import Database
from tests.clients.rooms import ROOM, add_client

PLATFORMS = ("console", "slack", "matrix")


def leaky_family(client_id: int, other_id: int = 0) -> Registry:
    registry = Registry()

    @command(("fuite", "leak"), usage="/grappe fuite", summary="test", registry=registry)
    async def leak(ctx: Context, args: str) -> None:
        ctx.post(para("le décompte : 3 intéressés"), purpose="client")
        ctx.in_thread("R-1", para("Chiffres & Communs décline"), purpose="client")
        ctx.edit_card("R-1", para("R-1 · la carte"), purpose="client")
        ctx.reply(para("pour toi seul"))
        ctx.out.append(Reaction(emoji="✅", message_id="m1", object_ref="R-1"))
        # addressed to a client, shown where the person acted: the room of another one
        ctx.out.append(Message(target=Target(kind="actor"), blocks=[para("pour un autre")],
                               audience=for_client(other_id)))

    @command(("public",), usage="/grappe public", summary="test", registry=registry)
    async def public(ctx: Context, args: str) -> None:
        ctx.out.append(Message(target=Target(kind="channel", purpose="client"),
                               blocks=[para("Votre réponse")], audience=for_client(client_id)))

    return registry


async def _rows(db: Database) -> list[tuple[str, str | None, str | None, str]]:
    async with db.session(read_only=True) as s:
        found = await (await s.connection()).execute(text(
            "SELECT platform, channel, recipient, role FROM outbox ORDER BY id"))
        return [tuple(r) for r in found.all()]  # type: ignore[misc]


async def test_a_handler_that_writes_to_a_client_room_for_the_team_is_refused(
        coop_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    room = await add_client(coop_db)
    other = await add_client(coop_db, "cc-flandre", "Communauté de communes de Flandre",
                             room="#cc-flandre", contact="bruno")
    d = Dispatcher(coop_db, leaky_family(room.client_id, other.client_id), platforms=PLATFORMS)
    with caplog.at_level(logging.WARNING, logger="commands.routing"):
        await d.dispatch(Command(actor=Actor("console", "camille"), text="/grappe fuite",
                                 event_id="e1", place=ROOM))
    rows = await _rows(coop_db)
    # the only row left: the reply to camille, moved from the client room to her DMs
    assert rows == [("console", None, "camille", "dm")]
    refused = [r for r in caplog.records if r.getMessage().startswith("audience:")]
    # post, thread, edit in two clients' rooms on three platforms; the ✅; another's message
    assert len(refused) == 3 * 2 * 3 + 1 + 1
    assert sum("another client" in r.getMessage() for r in refused) == 1
    assert not any("décompte" in r.getMessage() or "décline" in r.getMessage()
                   for r in refused)


async def test_a_message_addressed_to_the_client_reaches_its_room_only(
        coop_db: Database) -> None:
    room = await add_client(coop_db)
    await add_client(coop_db, "cc-flandre", "Communauté de communes de Flandre",
                     room="#cc-flandre", contact="bruno")
    d = Dispatcher(coop_db, leaky_family(room.client_id), platforms=PLATFORMS)
    await d.dispatch(Command(actor=Actor("console", "camille"), text="/grappe public",
                             event_id="e2"))
    assert sorted(await _rows(coop_db)) == [
        ("console", ROOM, None, "post"), ("matrix", "!mairie-roubaix:grappe.example", None, "post"),
        ("slack", "C09MAIRIE", None, "post")]


async def test_a_room_whose_client_left_the_directory_gets_nothing(coop_db: Database) -> None:
    room = await add_client(coop_db)
    async with coop_db.session() as s:
        await (await s.connection()).execute(text("UPDATE channels SET client_id = NULL "
                                                  "WHERE purpose = 'client'"))
    d = Dispatcher(coop_db, leaky_family(room.client_id), platforms=PLATFORMS)
    await d.dispatch(Command(actor=Actor("console", "camille"), text="/grappe public",
                             event_id="e3"))
    assert await _rows(coop_db) == []
