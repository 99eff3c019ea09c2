"""Encrypted rooms and DMs on a real Synapse, members on devices that encrypt (#19).

The room is created as Element creates a private room (``m.room.encryption`` in its
initial state) and named in the directory by its alias. Every bot message a member
reads here was decrypted by the member's own nio device (``event.decrypted``): a
message it could not decrypt stays an ``m.room.encrypted`` event and matches nothing.
"""

from __future__ import annotations

from pathlib import Path

from nio.crypto import decrypt_attachment

from bot import features
from bot.matrix.crypto import ENCRYPTION
from commands.context import Environment
from commands.digest.sections import post_digest
from commands.jobs import JobEnv
from tests.matrix.harness import (
    BOT,
    NOW,
    all_sent,
    bot_edit_of,
    bot_reactions_on,
    count,
    dm_from_bot,
    eventually,
    from_bot,
    handled_events,
    open_room,
    start_at,
)
from tests.matrix.members import Member, Seen

REQUEST = ("!grappe demande Mairie de Roubaix : accompagner la création d'une ressourcerie, "
           "il faut de la com et de la compta pour le 15 janvier")


def decrypted(seen: Seen) -> bool:
    return bool(getattr(seen.event, "decrypted", False))


def private(member: Member, seen: Seen) -> bool:
    """A bot message in one of the member's encrypted direct rooms, decrypted."""
    room = member.client.rooms.get(seen.room_id)
    return (decrypted(seen) and room is not None and room.encrypted
            and room.member_count <= 2)


async def png_of(member: Member, image: Seen) -> bool:
    """Whether ``image`` is a PNG sent as an encrypted attachment (``file``, never ``url``)
    that ``member`` decrypts."""
    assert decrypted(image)
    assert "url" not in image.content
    assert image.content["info"]["mimetype"] == "image/png"
    file = image.content["file"]
    ciphertext = await member.download(file["url"])
    png = decrypt_attachment(ciphertext, file["key"]["k"], file["hashes"]["sha256"],
                             file["iv"])
    return png.startswith(b"\x89PNG\r\n\x1a\n")


async def barrier(member: Member, room: str) -> None:
    """Everything sent before now has reached ``member`` once its own new message has."""
    marker = await member.say(room, "(fin du test)")
    await member.wait_for(lambda s: s.event.event_id == marker)


async def test_an_encrypted_room_works_like_a_plain_one(harness, members, coop_db,
                                                        tmp_path: Path) -> None:
    adapter = await start_at(harness)
    device = adapter.session.client.device_id
    people = [await members(name, e2e=True)
              for name in ("camille", "karim", "nadia", "marion", "olivia")]
    camille, karim, nadia, marion, olivia = people
    room = await open_room(camille, people[1:], coop_db, initial_state=[ENCRYPTION])
    assert camille.client.rooms[room].encrypted

    # a request in the encrypted room: the card, its choices, the consulted told in a DM
    await nadia.say(room, REQUEST)
    card, = await marion.wait_for(lambda s: from_bot(room)(s) and "R-1 ·" in s.body)
    assert decrypted(card)
    card_id = card.event.event_id
    assert "Mairie de Roubaix" in card.body
    offered = await marion.wait_for(bot_reactions_on(card_id), count=3)
    assert [s.relates["key"] for s in offered] == ["👍", "🙋", "👎"]
    relayed, = await nadia.wait_for(lambda s: from_bot()(s) and s.room_id != room)
    dm_room = nadia.client.rooms.get(relayed.room_id)
    assert private(nadia, relayed), (decrypted(relayed), dm_room and dm_room.encrypted,
                                     dm_room and dm_room.member_count, relayed.body)
    assert "R-1" in relayed.body

    # answers by text in the thread and by reaction; the card's edits, decrypted
    answer = await nadia.reply_in_thread(room, card_id, "Intéressés ! On peut piloter")
    await nadia.wait_for(lambda s: s.sender == BOT and s.relates.get("event_id") == answer
                         and s.relates.get("key") == "✅")
    edit, = await marion.wait_for(bot_edit_of(card_id, "peut piloter"))
    assert decrypted(edit)
    await marion.reply_in_thread(room, card_id, "Partants, une demi-journée par semaine")
    await olivia.react(room, card_id, "👍")
    edit, = await karim.wait_for(bot_edit_of(card_id, "(3/"))
    assert decrypted(edit)

    # the assignment: in the card's thread, and each enterprise told in its encrypted DM
    await camille.say(room, "!grappe attribuer R-1 pilote=chiffres-et-communs "
                            "partenaires=le-grand-livre : expérience des ressourceries")
    decision, = await karim.wait_for(lambda s: from_bot(room)(s)
                                     and s.relates.get("rel_type") == "m.thread"
                                     and "Chiffres & Communs" in s.body)
    assert decrypted(decision)
    assert decision.relates["event_id"] == card_id
    for member, text in {nadia: "Bonne nouvelle", marion: "est partenaire",
                         olivia: "Thank you for answering R-1"}.items():
        dm, = await member.wait_for(
            lambda s, text=text: from_bot()(s) and s.room_id != room and text in s.body)
        assert private(member, dm)
    await karim.wait_for(bot_edit_of(card_id, "Chiffres & Communs"))

    # a booking, confirmed in the booker's encrypted DM
    await nadia.say(room, "!grappe reserver salle-garance mar 1 déc 14h-16h : point compta")
    confirmed, = await nadia.wait_for(dm_from_bot(room, "B-1"))
    assert private(nadia, confirmed)
    assert await count(coop_db, "bookings") == 1

    # the digest's chart: an encrypted attachment (``file``, never ``url``) that decrypts
    assert harness.bot is not None
    env = JobEnv(db=coop_db, registry=features.registry(), platforms=("matrix",),
                 owner="test", environment=Environment(files_dir=tmp_path),
                 on_commit=harness.bot.loops["matrix"].notify)
    assert await post_digest(env, "cooperation", NOW)
    chart, = await karim.wait_for(lambda s: from_bot(room)(s)
                                  and s.content.get("msgtype") == "m.image")
    assert await png_of(karim, chart)
    await eventually(lambda: all_sent(coop_db), what="the outbox to be delivered")

    # a preview of the digest reaches one person, in their encrypted DM, its chart too
    await camille.say(room, "!grappe resume apercu")
    preview, = await camille.wait_for(dm_from_bot(room, "Résumé de la semaine"))
    assert private(camille, preview)
    image, = await camille.wait_for(lambda s: from_bot(preview.room_id)(s)
                                    and s.content.get("msgtype") == "m.image")
    assert private(camille, image)
    assert await png_of(camille, image)

    # a poll answered in its thread and by a reaction (encrypted, as Element sends it),
    # closed with a booking announced in its thread
    await nadia.say(room, "!grappe dispo Réunion de lancement : mar 1 déc 16h-18h "
                          "| ven 4 déc 9h-11h")
    poll, = await olivia.wait_for(lambda s: from_bot(room)(s) and "P-1" in s.body)
    assert decrypted(poll)
    poll_id = poll.event.event_id
    await olivia.wait_for(bot_reactions_on(poll_id), count=2)
    await marion.reply_in_thread(room, poll_id, "2")
    assert decrypted((await camille.wait_for(bot_edit_of(poll_id, "1 réponse")))[0])
    await olivia.react(room, poll_id, "2️⃣")
    assert decrypted((await camille.wait_for(bot_edit_of(poll_id, "2 réponses")))[0])
    await nadia.say(room, "!grappe dispo clore P-1 et reserver salle-garance")
    announced, = await olivia.wait_for(
        lambda s: from_bot(room)(s) and s.relates.get("rel_type") == "m.thread"
        and s.relates.get("event_id") == poll_id and "P-1" in s.body)
    assert decrypted(announced)
    assert "Réservé\u00a0: B-2" in announced.body
    assert decrypted((await olivia.wait_for(bot_edit_of(poll_id, "clos")))[0])
    assert await count(coop_db, "bookings", "status = 'confirmed'") == 2

    # a restart: the same device (the members' clients see no new one), new messages read
    devices = set((await camille.keys_of(BOT))["device_keys"][BOT])
    assert device in devices
    await harness.stop()
    adapter = await start_at(harness)
    assert adapter.session.client.device_id == device
    assert set((await camille.keys_of(BOT))["device_keys"][BOT]) == devices
    await nadia.say(room, "!grappe reserver salle-garance mer 2 déc 10h-11h : suite")
    again, = await nadia.wait_for(dm_from_bot(room, "B-3"))
    assert private(nadia, again)
    assert await count(coop_db, "bookings") == 3

    # a command typed in her encrypted DM with the bot: read, and answered there
    await nadia.say(relayed.room_id, "!grappe reserver salle-garance jeu 3 déc 10h-11h : "
                                     "en privé")
    mine, = await nadia.wait_for(lambda s: from_bot(relayed.room_id)(s) and "B-4" in s.body)
    assert private(nadia, mine)
    assert await count(coop_db, "bookings") == 4

    # everything the bot sent to an encrypted room came encrypted, reactions included
    await barrier(camille, room)
    for member in people:
        sent = [s for s in member.seen if s.sender == BOT and "state_key" not in s.event.source
                and member.client.rooms[s.room_id].encrypted]
        assert all(decrypted(s) for s in sent), [
            (s.event.source.get("type"), s.body[:30]) for s in sent if not decrypted(s)]
    kinds = {s.event.source["type"] for s in camille.seen
             if s.sender == BOT and s.room_id == room and decrypted(s)}
    assert kinds == {"m.room.message", "m.reaction"}


async def test_an_event_whose_key_never_comes_is_told_once(harness, members,
                                                           coop_db) -> None:
    adapter = await start_at(harness)
    camille, nadia = await members("camille", e2e=True), await members("nadia", e2e=True)
    olivia = await members("olivia", e2e=True)
    room = await open_room(camille, [nadia, olivia], coop_db, initial_state=[ENCRYPTION])

    # two texts each under a room key their client never shares with the bot's device
    booking = "!grappe reserver salle-garance mar 1 déc 14h-16h : point compta"
    handled = await handled_events(coop_db)
    for member in (nadia, olivia, nadia, olivia):
        await member.say_withheld(room, booking)
    told, = await nadia.wait_for(lambda s: from_bot(room)(s) and "déchiffrer" in s.body)
    assert decrypted(told)
    assert "Renvoyez-le" in told.body
    told_en, = await olivia.wait_for(lambda s: from_bot(room)(s)
                                     and "could not decrypt" in s.body)
    assert decrypted(told_en)
    await eventually(lambda: _none_waiting(adapter), what="the keys to be waited for")
    await barrier(camille, room)
    # told once each, and nothing else: nothing recorded, nothing booked, nothing posted
    posted = {s.event.event_id for s in camille.seen if from_bot(room)(s)}
    assert posted == {told.event.event_id, told_en.event.event_id}, (
        [(s.event.event_id, s.body[:30]) for s in camille.seen if from_bot(room)(s)],
        [(s.event.event_id, s.body[:30]) for s in nadia.seen if from_bot(room)(s)])
    assert await handled_events(coop_db) == handled
    assert await count(coop_db, "bookings") == 0

    # the same text under a key the bot has: read and done
    await nadia.say(room, booking)
    confirmed, = await nadia.wait_for(dm_from_bot(room, "B-1"))
    assert private(nadia, confirmed)


async def _none_waiting(adapter) -> bool:  # type: ignore[no-untyped-def]
    return adapter.session.crypto.waiting == 0


async def test_verified_trust_keeps_the_room_key_from_unverified_devices(
        harness, members, coop_db) -> None:
    """``MATRIX_TRUST=verified``: the bot still reads the room, but its answer is sealed
    for the verified devices only (none here): a member's new device cannot read it."""
    harness.settings = harness.settings.model_copy(update={"matrix_trust": "verified"})
    await start_at(harness)
    camille, nadia = await members("camille", e2e=True), await members("nadia", e2e=True)
    room = await open_room(camille, [nadia], coop_db, initial_state=[ENCRYPTION])
    await nadia.say(room, "!grappe reserver salle-treille mar 1 déc 9h-12h : formation")
    sealed, = await camille.wait_for(lambda s: s.sender == BOT and s.room_id == room
                                     and s.event.source.get("type") == "m.room.encrypted")
    assert not decrypted(sealed)
    assert await count(coop_db, "bookings") == 1  # read and done: a card to approve
