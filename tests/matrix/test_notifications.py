"""What reaches people on a real Synapse: the messages they must act on are in their
notifications (``GET /notifications``, computed by the homeserver's default push rules),
the answers to what they just typed in their direct room are not."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import features
from commands import reminders
from commands.jobs import JobEnv
from tests.matrix.harness import (
    BOT,
    bot_edit_of,
    dm_from_bot,
    from_bot,
    notified,
    open_direct,
    open_room,
    start_at,
    user,
)
from tests.matrix.members import Member

REQUEST = ("!grappe demande Mairie de Roubaix : accompagner la création d'une ressourcerie, "
           "il faut de la com et de la compta pour le 15 janvier")


async def _answered(member: Member, event_id: str) -> None:
    await member.wait_for(lambda s: s.sender == BOT and s.relates.get("event_id") == event_id
                          and s.relates.get("key") == "✅")


async def test_the_dms_of_an_assignment_notify_lead_partner_and_the_thanked(
        harness, members, coop_db) -> None:
    await start_at(harness)
    camille, nadia = await members("camille"), await members("nadia")
    marion, olivia = await members("marion"), await members("olivia")
    room = await open_room(camille, [nadia, marion, olivia], coop_db)
    await open_direct(marion, room)
    await open_direct(olivia, room)

    await nadia.say(room, REQUEST)
    card, = await olivia.wait_for(lambda s: from_bot(room)(s) and "R-1 ·" in s.body)
    card_id = card.event.event_id
    relayed, = await nadia.wait_for(dm_from_bot(room, "R-1"))  # her own command, elsewhere
    assert relayed.content["msgtype"] == "m.text"
    await _answered(nadia, await nadia.reply_in_thread(room, card_id, "On peut piloter"))
    await _answered(marion, await marion.reply_in_thread(room, card_id, "Partants"))
    await olivia.react(room, card_id, "👍")
    await camille.wait_for(bot_edit_of(card_id, "(3/"))

    await camille.say(room, "!grappe attribuer R-1 pilote=chiffres-et-communs "
                            "partenaires=le-grand-livre")
    expected = {nadia: "Bonne nouvelle", marion: "est partenaire",
                olivia: "Thank you for answering R-1"}
    for member, text in expected.items():
        told = await notified(member, text)
        assert told["room_id"] != room  # in their direct room, with the room's sound
        assert told["event"]["content"]["msgtype"] == "m.text"


async def test_bookings_polls_and_reminders_notify_the_person(harness, members, coop_db) -> None:
    await start_at(harness)
    assert harness.bot is not None
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    direct = await open_direct(nadia, room)

    # bookings: the confirmation of a command typed in the room, and a coordinator's decision
    await nadia.say(room, "!grappe reserver salle-garance jeu 3 déc 14h-16h : point compta")
    await notified(nadia, "B-1")
    await nadia.say(room, "!grappe reserver salle-treille mar 1 déc 9h-12h : formation")
    await nadia.wait_for(dm_from_bot(room, "B-2"))
    await camille.say(room, "!grappe valider B-2")
    await notified(nadia, "est validée")

    # a poll she is invited to, its reminder before the deadline, its result
    await camille.say(room, "!grappe dispo Comité : mar 1 déc 14h-16h | ven 4 déc 9h-11h "
                            "membres=nadia avant 30/11")
    invitation = await notified(nadia, "P-1 · Comité")
    assert invitation["room_id"] == room
    assert user("nadia") in invitation["event"]["content"]["m.mentions"]["user_ids"]
    env = JobEnv(db=coop_db, registry=features.registry(), platforms=("matrix",), owner="test",
                 on_commit=harness.bot.loops["matrix"].notify)
    assert await reminders.sweep(env, datetime(2026, 11, 30, 8, 0, tzinfo=UTC)) >= 1
    reminder = await notified(nadia, "Rappel")
    assert reminder["room_id"] == direct
    await camille.say(room, "!grappe dispo clore P-1")
    result = await notified(nadia, "P-1 est clos")
    assert result["room_id"] == room  # in the card's thread
    await notified(nadia, "aura lieu")  # and told in her direct room

    # the answer to what she types in her direct room is read there: a notice, no ping
    await nadia.say(direct, "moi")
    answer, = await nadia.wait_for(
        lambda s: from_bot(direct)(s) and s.content.get("msgtype") == "m.notice")
    assert not [n for n in await nadia.notifications()
                if n["event"]["event_id"] == answer.event.event_id]
