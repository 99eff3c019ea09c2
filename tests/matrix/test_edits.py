"""Members edit their messages on a real Synapse, as Element sends an edit (``m.replace``,
the new text in ``m.new_content``, the thread left to the original)."""

from __future__ import annotations

from collections.abc import Callable

from tests.matrix.harness import (
    BOT,
    bot_edit_of,
    count,
    dm_from_bot,
    eventually,
    from_bot,
    open_room,
    outbox,
    start_at,
)
from tests.matrix.members import Member, Seen

REQUEST = ("!grappe demande Mairie de Roubaix : accompagner la création d'une ressourcerie, "
           "il faut de la com et de la compta pour le 15 janvier")
TOLD = "Vous avez modifié une commande déjà traitée"


def acknowledged(event_id: str) -> Callable[[Seen], bool]:
    return lambda s: (s.sender == BOT and s.relates.get("event_id") == event_id
                      and s.relates.get("key") == "✅")


def line(edit: Seen, *words: str) -> str:
    """The line of a card's edit that holds every one of ``words``."""
    return next(line for line in edit.content["m.new_content"]["body"].splitlines()
                if all(w in line for w in words))


async def all_sent(member: Member, db) -> None:  # type: ignore[no-untyped-def]
    """Every outbox row went out: none failed, none waits (an acknowledgement given again
    is already there, which is no reason to try it again)."""
    async def sent() -> bool:
        return {status for _, status, _ in await outbox(db)} == {"sent"}
    await eventually(sent, what="every outbox row sent")


async def test_an_edited_thread_answer_replaces_the_answer_on_the_card(
        harness, members, coop_db) -> None:
    await start_at(harness)
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    await nadia.say(room, REQUEST)
    card, = await camille.wait_for(lambda s: from_bot(room)(s) and "R-1 ·" in s.body)
    card_id = card.event.event_id

    answer = await nadia.reply_in_thread(room, card_id, "Intéressés ! On peut piloter")
    await nadia.wait_for(acknowledged(answer))
    await camille.wait_for(bot_edit_of(card_id, "peut piloter"))

    await nadia.edit(room, answer, "pas dispo finalement, désolés")
    edit, = await camille.wait_for(bot_edit_of(card_id, "décline (finalement, désolés)"))
    chiffres = line(edit, "Chiffres & Communs")
    assert "peut piloter" not in chiffres  # replaced, not added to
    assert "(1/5" in edit.content["m.new_content"]["body"]
    assert await count(coop_db, "answers") == 2  # both versions kept
    await all_sent(nadia, coop_db)  # the ✅ given again on the same message is no failure
    assert len([s for s in nadia.seen if acknowledged(answer)(s)]) == 1


async def test_an_edited_ballot_changes_the_polls_tally(harness, members, coop_db) -> None:
    await start_at(harness)
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    await nadia.say(room, "!grappe dispo Réunion de lancement : mar 1 déc 14h-16h "
                          "| ven 4 déc 9h-11h")
    card, = await camille.wait_for(lambda s: from_bot(room)(s) and "P-1" in s.body)
    card_id = card.event.event_id

    ballot = await nadia.reply_in_thread(room, card_id, "1")
    first, = await camille.wait_for(bot_edit_of(card_id, "1 réponse"))
    assert "✅ 1 · 🤷 0 · ❌ 0" in line(first, "1.", "1 déc")

    await nadia.edit(room, ballot, "2")

    def moved(s: Seen) -> bool:
        return bot_edit_of(card_id, "4 déc")(s) and "✅ 1 · 🤷 0 · ❌ 0" in line(s, "2.", "4 déc")
    edit, = await camille.wait_for(moved)
    assert "✅ 0 · 🤷 0 · ❌ 1" in line(edit, "1.", "1 déc")
    assert "1 réponse" in edit.content["m.new_content"]["body"]  # one voter still
    assert await count(coop_db, "poll_votes", "value = 'yes'") == 1


async def test_an_edited_command_is_not_run_twice(harness, members, coop_db) -> None:
    await start_at(harness)
    camille, nadia = await members("camille"), await members("nadia")
    room = await open_room(camille, [nadia], coop_db)
    command = await nadia.say(room, REQUEST)
    await camille.wait_for(lambda s: from_bot(room)(s) and "R-1 ·" in s.body)

    await nadia.edit(room, command, REQUEST.replace("ressourcerie", "recyclerie"))
    told, = await nadia.wait_for(dm_from_bot(room, TOLD))
    assert told.body == (f"{TOLD}\u00a0: elle n’est pas relancée. "
                         "Envoyez-la de nouveau si besoin.")
    await nadia.edit(room, command, REQUEST.replace("ressourcerie", "matériauthèque"))
    await nadia.say(room, "!grappe moi")  # answered after the second edit was handled
    await nadia.wait_for(dm_from_bot(room, "@nadia:grappe.example"))
    assert len([s for s in nadia.seen if dm_from_bot(room, TOLD)(s)]) == 1  # told once
    assert await count(coop_db, "requests") == 1
    cards = [s for s in camille.seen if from_bot(room)(s) and "· Mairie de Roubaix" in s.body
             and s.relates.get("rel_type") != "m.replace"]
    assert len(cards) == 1
    assert "ressourcerie" in cards[0].body
