"""Tchap's rule (issue #19): a bot that may create no room never calls ``createRoom``.

With ``MATRIX_NO_ROOM_CREATION`` on (and calls spaced, as on Tchap), a whole request flow —
request, answers by text and reaction, assignment — runs on the real Synapse with no
``createRoom`` from the bot, as Synapse's own access log shows. A private message goes to
the direct room the person opened; the lead, who has none, is asked once in the request's
thread (nothing of the message said there), their DM waits in the outbox — through a
restart of the bot — and arrives once, in the room they open. A partner whose enterprise
has its own room in the directory gets theirs there, at once, and is asked nothing.
Nothing private is ever posted in the cooperation room.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from nio import RoomPreset

from tests.matrix.harness import (
    BOT,
    eventually,
    from_bot,
    invite_bot_to,
    joined,
    use_as_cooperation_room,
)
from tests.matrix.members import Member, Seen
from tests.matrix.synapse import SERVER_NAME, Synapse

REQUEST = ("!grappe demande Mairie de Roubaix : accompagner la création d'une ressourcerie, "
           "il faut de la com et de la compta pour le 15 janvier")
ASKED = "ouvrir une conversation privée avec moi"
ASKED_EN = "open a direct conversation with me"
# what the assignment's DMs say (lead, partner, the thanked): never in the shared room
PRIVATE = ("Bonne nouvelle", "est partenaire", "Thank you for answering", "Merci d’avoir")


TEAM_ROOM = """
[[channels]]
name = "le-grand-livre"
purpose = "enterprise"
matrix = "{room}"
"""


async def _rooms(camille: Member, marion: Member, others: list[Member], db) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The cooperation room (everyone) and marion's enterprise room (Le Grand Livre), both
    named by their aliases in the directory file, imported, then the bot invited."""
    coop, team = (f"salon-{uuid.uuid4().hex[:10]}" for _ in range(2))
    room = await camille.create_room(invite=[m.user_id for m in [marion, *others]], alias=coop,
                                     preset=RoomPreset.private_chat)
    for member in [marion, *others]:
        await member.join(room)
    team_room = await marion.create_room(invite=[], alias=team, preset=RoomPreset.private_chat)
    await use_as_cooperation_room(db, f"#{coop}:{SERVER_NAME}", camille.client.homeserver,
                                  more=TEAM_ROOM.format(room=f"#{team}:{SERVER_NAME}"))
    await invite_bot_to(camille, room)
    await invite_bot_to(marion, team_room)
    return room, team_room


def _bot_create_rooms(synapse: Synapse, since: int) -> list[str]:
    """The bot's ``createRoom`` requests in Synapse's access log, after byte ``since``."""
    with synapse.log.open("rb") as log:
        log.seek(since)
        lines = log.read().decode(errors="replace").splitlines()
    return [line for line in lines if f"{{{BOT}}}" in line and "/createRoom" in line]


async def _open_direct(member: Member) -> str:
    """The member opens a direct conversation with the bot, as Element (and Tchap) do."""
    room = await member.create_room(invite=[BOT], is_direct=True,
                                    preset=RoomPreset.trusted_private_chat)
    await member.wait_for(lambda s: s.room_id == room and joined(BOT)(s))
    return room


def _partner_dm(member: Member, room: str | None) -> Callable[[Seen], bool]:
    """The partner's DM to ``member`` (in ``room``, or anywhere), mentioning them."""
    return lambda s: (from_bot(room)(s) and "est partenaire" in s.body
                      and member.user_id in s.content["m.mentions"]["user_ids"])


def _asked(member: Member, room: str, card_id: str) -> Callable[[Seen], bool]:
    """The bot's question to ``member``, in the request's thread."""
    return lambda s: (from_bot(room)(s) and s.relates.get("rel_type") == "m.thread"
                      and s.relates.get("event_id") == card_id
                      and member.user_id in s.content["m.mentions"]["user_ids"]
                      and (ASKED in s.body or ASKED_EN in s.body))


async def test_a_flow_without_creating_a_room(harness, members, coop_db, synapse) -> None:
    harness.settings = harness.settings.model_copy(update={
        "matrix_no_room_creation": True, "matrix_call_interval": 0.01})
    camille, karim = await members("camille"), await members("karim")
    nadia, marion, olivia = await members("nadia"), await members("marion"), await members("olivia")
    since = synapse.log.stat().st_size
    adapter = await harness.start()
    assert not adapter.session.room_creation
    calls: list[Any] = []
    room_create = adapter.session.client.room_create

    async def watched(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return await room_create(*args, **kwargs)

    adapter.session.client.room_create = watched  # type: ignore[method-assign]
    camille_dm = await _open_direct(camille)  # the coordinator talks to the bot already
    room, team_room = await _rooms(camille, marion, [karim, nadia, olivia], coop_db)

    await camille.say(room, REQUEST)
    card, = await karim.wait_for(lambda s: from_bot(room)(s) and "R-1 ·" in s.body)
    card_id = card.event.event_id
    relayed, = await camille.wait_for(lambda s: from_bot(camille_dm)(s) and "R-1" in s.body)
    await nadia.reply_in_thread(room, card_id, "Intéressés ! On peut piloter, dispo jeudi")
    await marion.reply_in_thread(room, card_id, "Partants, une demi-journée par semaine")
    await olivia.react(room, card_id, "👍")
    await karim.wait_for(lambda s: s.sender == BOT and s.relates.get("rel_type") == "m.replace"
                         and "(3/" in s.content["m.new_content"]["body"])

    await camille.say(room, "!grappe attribuer R-1 pilote=chiffres-et-communs "
                            "partenaires=le-grand-livre : expérience des ressourceries")
    await karim.wait_for(lambda s: from_bot(room)(s) and s.relates.get("rel_type") == "m.thread"
                         and "Décision" in s.body)
    await camille.wait_for(lambda s: from_bot(camille_dm)(s) and "R-1" in s.body, count=2)
    # each of Le Grand Livre's people gets theirs there, mentioned (notified)
    await marion.wait_for(_partner_dm(marion, team_room))
    for member in (nadia, olivia):  # each asked in the thread, in their language
        await nadia.wait_for(_asked(member, room, card_id))
    asked, = [s for s in nadia.seen if _asked(olivia, room, card_id)(s)]
    assert ASKED_EN in asked.body  # olivia reads English

    async def waiting() -> bool:  # the lead's DM is in the outbox, pending, never tried
        rows = [r for r in await _rows(coop_db) if r["recipient"] == nadia.user_id]
        return bool(rows) and all(r["status"] == "pending" and r["attempts"] == 0
                                  and "direct room" in (r["last_error"] or "") for r in rows)

    await eventually(waiting, what="the lead's DM to wait for her room")

    await harness.stop()  # it waits in the database, not in the process
    adapter = await harness.start()
    direct = await _open_direct(nadia)  # the lead opens a conversation: her DM arrives
    dm, = await nadia.wait_for(lambda s: from_bot(direct)(s) and "Bonne nouvelle" in s.body)
    assert "R-1" in dm.body
    assert "Mairie de Roubaix" in dm.body

    marker = await karim.say(room, "(fin du test)")  # everything sent before it is seen
    await nadia.wait_for(lambda s: s.event.event_id == marker)
    await nadia.say(direct, "!grappe moi")  # and her room answers from now on
    await nadia.wait_for(lambda s: from_bot(direct)(s) and s.body != dm.body)
    assert len([s for s in nadia.seen if from_bot()(s) and "Bonne nouvelle" in s.body]) == 1
    for member in (nadia, olivia):
        assert len([s for s in karim.seen if _asked(member, room, card_id)(s)]) == 1
    assert not [s for s in karim.seen if _asked(marion, room, card_id)(s)]
    shared = [s.body for s in karim.seen if from_bot(room)(s)]
    assert not [body for body in shared for text in PRIVATE if text in body]
    assert len([s for s in marion.seen if _partner_dm(marion, None)(s)]) == 1
    assert not [s for s in olivia.seen if from_bot()(s) and s.room_id != room]  # still waits
    assert calls == []
    assert _bot_create_rooms(synapse, since) == []
    assert relayed.room_id == camille_dm


async def _rows(db) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    async with db.session(read_only=True) as s:
        conn = await s.connection()
        found = await conn.execute(text(
            "SELECT recipient, status, attempts, last_error FROM outbox "
            "WHERE platform = 'matrix' AND role = 'dm' ORDER BY id"))
        return [dict(r._mapping) for r in found]


async def test_the_observer_sees_a_create_room(harness, members, synapse) -> None:
    """The observer above is not blind: with room creation on (elsewhere than Tchap), the
    bot's direct room is a createRoom, and Synapse's log names it."""
    nadia = await members("nadia")
    since = synapse.log.stat().st_size
    adapter = await harness.start()
    assert adapter.session.room_creation
    await adapter.direct_room(nadia.user_id)
    await eventually(lambda: _logged(synapse, since), what="the createRoom in Synapse's log")


async def _logged(synapse: Synapse, since: int) -> bool:
    return len(_bot_create_rooms(synapse, since)) == 1
