"""The client's room on Matrix (#20): a room a member of the cluster made in Element for
the Mairie de Roubaix, with an agent of the town in it whom the directory does not know,
declared in the directory file by its alias and loaded as `grappe directory import`
loads it. The agent writes as to a person; the room then holds what is addressed to the
client and nothing of the team's deliberation."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from storage.db import Database
from tests import leaks
from tests.matrix.harness import (
    CLIENT_ROOM,
    SERVER_NAME,
    BotHarness,
    bot_reactions_on,
    from_bot,
    invite_bot_to,
    open_room,
    use_as_cooperation_room,
)
from tests.matrix.members import Member
from tests.matrix.synapse import Synapse

NEED = "Bonjour, nous aurions besoin d'affiches et d'une page web pour le marché de Noël"


def _said_in(room: str, member: Member) -> list[str]:
    return [s.body for s in member.seen if from_bot(room)(s)]


# one backend: what is checked is who sees what (the audiences' guard, the same code on
# both; tests/clients runs the whole flow on both)
@pytest.mark.parametrize("coop_db", ["sqlite"], indirect=True)
async def test_an_agent_unknown_to_the_directory_writes_in_the_client_room(
        harness: BotHarness, members, coop_db: Database, synapse: Synapse) -> None:
    await harness.start()
    camille, nadia, agent = (await members("camille"), await members("nadia"),
                             await members("stranger"))
    cooperation = await open_room(camille, [nadia], coop_db, cooperation=False,
                                  invite_bot=False)
    alias = f"mairie-{uuid.uuid4().hex[:8]}"
    client_room = await camille.create_room(invite=[agent.user_id], alias=alias)
    await agent.join(client_room)
    await use_as_cooperation_room(coop_db, cooperation, synapse.url,
                                  more=CLIENT_ROOM.format(room=f"#{alias}:{SERVER_NAME}"))
    await invite_bot_to(camille, cooperation)
    await invite_bot_to(camille, client_room)

    leaks.sent(NEED)
    await agent.say(client_room, NEED)
    [ack] = await agent.wait_for(lambda s: from_bot(client_room)(s) and "R-1" in s.body,
                                 within=30)
    assert "au plus tard le" in ack.body  # when the client will hear back
    [card] = await camille.wait_for(
        lambda s: from_bot(cooperation)(s) and "R-1 · Mairie de Roubaix" in s.body)

    # the team deliberates in the card's thread; then a coordinator answers the client
    leaks.sent("Intéressés, on peut piloter")
    await nadia.reply_in_thread(cooperation, card.event.event_id, "Intéressés, on peut piloter")
    await camille.say(cooperation, "!grappe repondre R-1 : Bien reçu, nous revenons vers vous "
                                   "jeudi.")
    await agent.wait_for(lambda s: from_bot(client_room)(s) and "Bien reçu" in s.body)

    leaks.sent("Partants, nous avons une graphiste")
    answer = await nadia.reply_in_thread(cooperation, card.event.event_id,
                                         "Partants, nous avons une graphiste")
    await nadia.wait_for(bot_reactions_on(answer))  # recorded: what it sends, it has sent

    said = _said_in(client_room, agent)
    assert len(said) == 2, said  # the acknowledgement and the public reply, nothing else
    assert not [s for s in said if "Intéressés" in s or "graphiste" in s or "✅" in s]
    async with coop_db.session(read_only=True) as s:
        rows = (await (await s.connection()).execute(text(
            "SELECT matrix FROM client_contacts WHERE matrix = :id"),
            {"id": agent.user_id})).all()
    assert [r[0] for r in rows] == [agent.user_id]  # a contact of the Mairie, from now on
