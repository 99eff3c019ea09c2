"""An availability poll on a real Synapse: the card, answers by thread and reaction, closing."""

from __future__ import annotations

from tests.matrix.harness import bot_edit_of, bot_reactions_on, count, from_bot, open_room, start_at


async def test_poll_flow(harness, members, coop_db) -> None:
    await start_at(harness)
    camille, nadia, olivia = await members("camille"), await members("nadia"), await members("olivia")
    room = await open_room(camille, [nadia, olivia], coop_db)

    await nadia.say(room, "!grappe dispo Réunion de lancement : mar 1 déc 14h-16h "
                          "| ven 4 déc 9h-11h")
    card, = await olivia.wait_for(lambda s: from_bot(room)(s) and "P-1" in s.body)
    card_id = card.event.event_id
    assert "Réunion de lancement" in card.body
    offered = await olivia.wait_for(bot_reactions_on(card_id), count=2)
    assert [s.relates["key"] for s in offered] == ["1️⃣", "2️⃣"]

    # one types "2" in the thread, the other reacts 2️⃣ on the card: the same ballot
    answer = await nadia.reply_in_thread(room, card_id, "2")
    await nadia.wait_for(lambda s: s.sender != nadia.user_id
                         and s.relates.get("event_id") == answer
                         and s.relates.get("key") == "✅")
    await camille.wait_for(bot_edit_of(card_id, "1 réponse"))
    await olivia.react(room, card_id, "2️⃣")
    edit, = await camille.wait_for(bot_edit_of(card_id, "2 réponses"))
    lines = edit.content["m.new_content"]["body"].splitlines()
    second = next(line for line in lines if "2." in line and "4 déc" in line)
    assert "✅ 2 · 🤷 0 · ❌ 0" in second
    assert "olivia, nadia" in second
    first = next(line for line in lines if "1." in line and "1 déc" in line)
    assert "✅ 0 · 🤷 0 · ❌ 2" in first  # the reaction said no to option 1, as "2" does

    # closing books the chosen slot; the result is announced in the card's thread
    await nadia.say(room, "!grappe dispo clore P-1 et reserver salle-garance")
    announced, = await olivia.wait_for(
        lambda s: from_bot(room)(s) and s.relates.get("rel_type") == "m.thread"
        and s.relates.get("event_id") == card_id and "P-1" in s.body)
    assert "4 déc" in announced.body
    assert "Réservé\u00a0: B-1" in announced.body
    await olivia.wait_for(bot_edit_of(card_id, "clos"))
    assert await count(coop_db, "bookings", "status = 'confirmed'") == 1
