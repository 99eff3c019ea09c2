"""Bookings on a real Synapse: confirmation, conflict, and approvals by command and by
the card's reactions."""

from __future__ import annotations

from tests.matrix.harness import (
    bot_edit_of,
    bot_reactions_on,
    count,
    dm_from_bot,
    from_bot,
    open_room,
    start_at,
)


async def test_booking_flow(harness, members, coop_db) -> None:
    await start_at(harness)
    camille, karim = await members("camille"), await members("karim")
    nadia, olivia = await members("nadia"), await members("olivia")
    room = await open_room(camille, [karim, nadia, olivia], coop_db)

    await nadia.say(room, "!grappe reserver salle-garance jeu 3 déc 14h-16h : point compta")
    confirmed, = await nadia.wait_for(dm_from_bot(room, "B-1"))
    assert "Salle Garance" in confirmed.body
    assert await count(coop_db, "bookings") == 1

    # another member overlaps: told what holds the slot, nothing booked
    await olivia.say(room, "!grappe book salle-garance thu 3 dec 3pm-5pm : design review")
    conflict, = await olivia.wait_for(dm_from_bot(room, "B-1"))
    assert "Nadia" in conflict.body
    assert "already booked then; nothing was booked" in conflict.body  # olivia reads English
    assert await count(coop_db, "bookings") == 1

    # the training room needs approval: a card in the cooperation room
    await nadia.say(room, "!grappe reserver salle-treille mar 1 déc 9h-12h : formation")
    card, = await karim.wait_for(lambda s: from_bot(room)(s) and "B-2" in s.body)
    card_id = card.event.event_id
    assert "Salle de formation La Treille" in card.body
    pending, = await nadia.wait_for(dm_from_bot(room, "B-2"))
    assert "valider" in pending.body
    offered = await karim.wait_for(bot_reactions_on(card_id), count=2)
    assert [s.relates["key"] for s in offered] == ["✅", "❌"]

    # a coordinator approves: the card is edited in place, the booker told privately
    await camille.say(room, "!grappe valider B-2")
    edit, = await karim.wait_for(bot_edit_of(card_id, "validée"))
    assert "Salle de formation La Treille" in edit.content["m.new_content"]["body"]
    assert edit.content["m.mentions"] == {}
    told, = await nadia.wait_for(dm_from_bot(room, "est validée"))
    assert "B-2" in told.body
    assert await count(coop_db, "bookings", "status = 'confirmed'") == 2

    # the card's reactions are the buttons: a member's ✅ is refused, a coordinator's approves
    await nadia.say(room, "!grappe reserver salle-treille mer 2 déc 9h-12h : atelier")
    card, = await karim.wait_for(lambda s: from_bot(room)(s) and "B-3" in s.body)
    card_id = card.event.event_id
    await karim.wait_for(bot_reactions_on(card_id), count=2)
    await olivia.react(room, card_id, "✅")
    refused, = await olivia.wait_for(dm_from_bot(room, "Only a coordinator"))
    assert await count(coop_db, "bookings", "status = 'confirmed'") == 2
    await camille.react(room, card_id, "✅")
    await karim.wait_for(bot_edit_of(card_id, "validée"))
    told = await nadia.wait_for(dm_from_bot(room, "est validée"), count=2)
    assert "B-3" in told[-1].body
    assert await count(coop_db, "bookings", "status = 'confirmed'") == 3
