"""Issue #16: the bot is invited after it starts, as on a first deployment.

The cooperation room is made by a coordinator as Element makes it and loaded with the
directory, but the bot is not invited yet. What the bot posts there (the digest's
catch-up, a request's card) waits — never failed — the coordinators are told once each,
by DM, in French, ``/readyz`` names the room; when a coordinator invites the bot,
everything that waited is posted at once, once.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp
from nio import RoomPreset

from bot import features
from bot.health import ready_route
from bot.http import HttpServer
from commands.context import Environment
from commands.digest.sections import post_digest
from commands.jobs import JobEnv
from tests.matrix.harness import (
    BOT,
    NOW,
    all_sent,
    dm_from_bot,
    eventually,
    from_bot,
    invite_bot_to,
    joined,
    open_room,
    outbox,
    start_at,
)
from tests.matrix.members import Member

DIGEST = "Résumé de la semaine"
TOLD = "Je ne suis pas membre du canal #cooperation"


async def _readyz(server: HttpServer) -> dict[str, object]:
    async with aiohttp.ClientSession() as http, http.get(f"{server.url}/readyz") as resp:
        report: dict[str, object] = await resp.json()
        return report


def _told(member: Member, room: str) -> int:
    return len([s for s in member.seen if dm_from_bot(room, TOLD)(s)])


async def test_what_waits_for_an_invitation_goes_out_once(
        harness, members, coop_db, tmp_path: Path) -> None:
    camille, karim, nadia = await members("camille"), await members("karim"), \
        await members("nadia")
    sophie = await members("sophie")
    room = await open_room(camille, [nadia], coop_db, invite_bot=False)
    adapter = await start_at(harness)
    assert harness.bot is not None
    server = HttpServer("127.0.0.1", 0, [ready_route(coop_db, [adapter])])
    await server.start()
    try:
        assert adapter.member_of(room) is False
        report = await _readyz(server)
        assert report["not_in_rooms"] == {"matrix": ["cooperation"]}

        # the catch-up digest of a first start, before anyone invited the bot
        env = JobEnv(db=coop_db, registry=features.registry(), platforms=("matrix",),
                     owner="test", environment=Environment(files_dir=tmp_path),
                     on_commit=harness.bot.loops["matrix"].notify)
        assert await post_digest(env, "cooperation", NOW)
        for coordinator in (camille, karim, sophie):  # each told once, in their direct room
            told, = await coordinator.wait_for(dm_from_bot(room, TOLD))
            assert "invit" in told.body
        # a request's card queued meanwhile waits too, and no one is told again
        direct = await nadia.create_room(invite=[BOT], is_direct=True,  # as Element
                                         preset=RoomPreset.trusted_private_chat)
        await nadia.wait_for(lambda s: s.room_id == direct and joined(BOT)(s))
        await nadia.say(direct, "!grappe demande Mairie de Lyon : un atelier pour le CCAS, "
                                "il faut de la compta pour le 15 janvier")
        await nadia.wait_for(lambda s: from_bot(direct)(s) and "R-1" in s.body)

        async def waiting() -> bool:
            rows = [r for r in await outbox(coop_db) if r[0] in ("post", "card")]
            return len(rows) >= 2 and all(s == "pending" and a == 0 for _r, s, a in rows)

        await eventually(waiting, what="the digest and the card to wait, unattempted")
        assert not [s for s in nadia.seen if from_bot(room)(s)]

        await invite_bot_to(camille, room)  # a coordinator invites the bot: all goes out
        digest, = await nadia.wait_for(lambda s: from_bot(room)(s)
                                       and s.body.startswith(DIGEST))
        await nadia.wait_for(lambda s: from_bot(room)(s) and "R-1" in s.body)
        await eventually(lambda: all_sent(coop_db), what="the outbox to be delivered")
        assert adapter.member_of(room) is True
        assert (await _readyz(server))["not_in_rooms"] == {}

        marker = await nadia.say(room, "(fin du test)")  # all sent before it has arrived
        await nadia.wait_for(lambda s: s.event.event_id == marker)
        assert len([s for s in nadia.seen if from_bot(room)(s)
                    and s.body.startswith(DIGEST)]) == 1
        for coordinator in (camille, karim, sophie):
            assert _told(coordinator, room) == 1
    finally:
        await server.stop()
