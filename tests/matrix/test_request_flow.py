"""The complete request flow on a real Synapse, as members live it in their Matrix clients."""

from __future__ import annotations

from tests.matrix.harness import BOT, from_bot, open_room, user

REQUEST = ("!grappe demande Mairie de Roubaix : <b>urgent</b> @room accompagner la création "
           "d'une ressourcerie, il faut de la com et de la compta pour le 15 janvier")


def edit_of(card_id: str, text: str):  # type: ignore[no-untyped-def]
    """An edit of the card whose new text contains ``text``."""
    return lambda s: (s.sender == BOT and s.relates.get("rel_type") == "m.replace"
                      and s.relates.get("event_id") == card_id
                      and text in s.content["m.new_content"]["body"])


async def test_request_flow(harness, members, coop_db) -> None:
    await harness.start()
    camille, karim = await members("camille"), await members("karim")
    nadia, marion, olivia = await members("nadia"), await members("marion"), await members("olivia")
    room = await open_room(camille, [karim, nadia, marion, olivia], coop_db)

    await nadia.say(room, REQUEST)
    card, = await marion.wait_for(lambda s: from_bot(room)(s) and "R-1 ·" in s.body)
    card_id = card.event.event_id
    html = card.content["formatted_body"]
    assert "Mairie de Roubaix" in card.body
    assert "Ou réagissez à ce message" in card.body  # the reactions, as Matrix has them
    assert "bouton" not in card.body  # Matrix has no buttons
    assert "&lt;b&gt;urgent&lt;/b&gt;" in html
    assert "<b>" not in html
    mentioned = set(card.content["m.mentions"]["user_ids"])
    assert {user("nadia"), user("marion"), user("olivia")} <= mentioned  # the consulted people
    assert user("karim") not in mentioned
    assert set(card.content["m.mentions"]) == {"user_ids"}  # never the whole room
    assert marion.highlights(room) >= 1
    assert karim.highlights(room) == 0  # "@room" typed by nadia pings nobody
    offered = await marion.wait_for(
        lambda s: s.sender == BOT and s.relates.get("rel_type") == "m.annotation"
        and s.relates.get("event_id") == card_id, count=3)
    assert [s.relates["key"] for s in offered] == ["👍", "🙋", "👎"]
    relayed, = await nadia.wait_for(lambda s: from_bot()(s) and s.room_id != room)
    assert "R-1" in relayed.body  # told privately, in her direct room

    # three members answer: two in the thread by text, one by reaction
    nadia_answer = await nadia.reply_in_thread(
        room, card_id, "Intéressés ! On peut piloter, dispo jeudi et vendredi matin")
    await nadia.wait_for(lambda s: s.sender == BOT and s.relates.get("event_id") == nadia_answer
                         and s.relates.get("key") == "✅")
    await marion.wait_for(edit_of(card_id, "peut piloter"))
    marion_answer = await marion.reply_in_thread(room, card_id,
                                                 "Partants, une demi-journée par semaine")
    await marion.wait_for(lambda s: s.sender == BOT and s.relates.get("event_id") == marion_answer
                          and s.relates.get("key") == "✅")
    await olivia.react(room, card_id, "👍")
    edit, = await karim.wait_for(edit_of(card_id, "(3/"))
    new = edit.content["m.new_content"]
    assert edit.content["m.mentions"] == {}  # an edit pings nobody again
    assert "&lt;b&gt;urgent&lt;/b&gt;" in new["formatted_body"]

    # a coordinator assigns: a message in the thread, DMs to lead, partner and the thanked
    await camille.say(room, "!grappe attribuer R-1 pilote=chiffres-et-communs "
                            "partenaires=le-grand-livre : expérience des ressourceries")
    decision, = await karim.wait_for(lambda s: from_bot(room)(s)
                                     and s.relates.get("rel_type") == "m.thread"
                                     and "Chiffres & Communs" in s.body)
    assert decision.relates["event_id"] == card_id
    expected = {nadia: "Bonne nouvelle", marion: "est partenaire",
                olivia: "Thank you for answering R-1"}  # olivia reads English
    for member, text in expected.items():
        dm, = await member.wait_for(
            lambda s, text=text: from_bot()(s) and s.room_id != room and text in s.body)
        assert "Mairie de Roubaix" in dm.body
    await karim.wait_for(edit_of(card_id, "Chiffres & Communs"))
    assert not [s for s in karim.seen if from_bot()(s) and s.room_id != room]  # no DM to karim
