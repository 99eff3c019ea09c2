"""The client's room on Matrix across two homeservers (#20), from the need to the rating.

The cluster's server (the bot and the members) and the Mairie de Roubaix's (its agent,
Agathe Martin) federate on loopback, as the cluster's Synapse and a town's (or Tchap's)
would. The agent makes the room in Element (the private preset, an alias on her server),
the cluster declares it in its directory file by that alias (resolved by federation) and
imports it, the agent invites the bot, which joins through her server (the room then has
two members: it reads as a direct room, where any text is a command). Then the console
flow of ``tests/clients/test_client_room_flow.py``: three enterprises answer, one
declines, the team is chosen, a public reply, the letter after its preview, the closing,
the rating by a click on the question's reaction. What the agent's own client receives in
the room is asserted whole.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nio import ProfileSetDisplayNameResponse, RoomPreset
from sqlalchemy import text

from storage.db import Database
from tests import leaks
from tests.matrix.harness import (
    CLIENT_ROOM,
    BotHarness,
    all_sent,
    bot_reactions_on,
    count,
    eventually,
    from_bot,
    joined,
    open_room,
    password,
    use_as_cooperation_room,
)
from tests.matrix.members import Member, Seen
from tests.matrix.synapse import Synapse

NEED = ("Bonjour, la mairie souhaite ouvrir une ressourcerie. Il nous faudrait de la "
        "communication et de la comptabilité, pour le 15 janvier.")
FRIDAY = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)  # 17:30 in Paris, half an hour to closing
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CLOSING = datetime(2026, 12, 18, 15, 0, tzinfo=UTC)
REPLY = "Bonjour Madame Martin, l’équipe vous propose un premier rendez-vous jeudi à 10 h."
WITHIN = 30.0  # every wait: two servers and a bot on two shared cores


class Clock:
    """The dispatcher's clock, moved by the test (the promised dates stay meaningful)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def people(federation: tuple[Synapse, Synapse]
                 ) -> AsyncIterator[Callable[[Synapse, str], Awaitable[Member]]]:
    """``await people(server, "nadia")``: that person on that server, logged in, syncing."""
    started: list[Member] = []

    async def make(server: Synapse, name: str) -> Member:
        member = Member(server.url, f"@{name}:{server.server_name}", password(name))
        started.append(member)
        await member.start()
        return member

    try:
        yield make
    finally:
        for member in started:
            await member.stop()


def _plain(text: str) -> str:
    """French typography's no-break spaces as plain ones: assertions are typed naturally."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _bodies(seen: list[Seen]) -> list[str]:
    return [_plain(s.body) for s in seen]


def _says(bot: str, room: str | None, words: str) -> Callable[[Seen], bool]:
    """A message of the bot's containing ``words`` (in ``room``, or anywhere)."""
    return lambda s: from_bot(room, bot)(s) and words in _plain(s.body)


@pytest.mark.parametrize("coop_db", ["sqlite"], indirect=True)
async def test_a_contact_on_another_server_from_the_need_to_the_rating(
        federation: tuple[Synapse, Synapse], people, coop_db: Database,
        tmp_path: Path) -> None:
    cluster, town = federation
    town.register("agathe", password("agathe"))
    harness = BotHarness(coop_db, cluster, tmp_path / "bot-store")
    bot = harness.bot_id
    try:
        await harness.start()
        assert harness.bot is not None
        clock = Clock(FRIDAY)
        harness.bot.dispatcher.clock = clock
        camille, nadia, marion, anais, hugo = [
            await people(cluster, name) for name in ("camille", "nadia", "marion", "anais",
                                                     "hugo")]
        agathe = await people(town, "agathe")
        named = await agathe.client.set_displayname("Agathe Martin")  # her profile, there
        assert isinstance(named, ProfileSetDisplayNameResponse), named

        # the cooperation room on the cluster's server; the client's room on the town's,
        # made as Element makes a private room; both in the directory file, imported
        cooperation = await open_room(camille, [nadia, marion, anais, hugo], coop_db,
                                      cooperation=False, invite_bot=False)
        alias = f"grappe-{uuid.uuid4().hex[:8]}"
        client_room = await agathe.create_room(invite=[], alias=alias,
                                               preset=RoomPreset.private_chat)
        await use_as_cooperation_room(
            coop_db, cooperation, cluster.url, server_name=cluster.server_name,
            more=CLIENT_ROOM.format(room=f"#{alias}:{town.server_name}"))
        await camille.invite(cooperation, bot)
        await agathe.invite(client_room, bot)  # the bot joins through the town's server
        await agathe.wait_for(lambda s: s.room_id == client_room and joined(bot)(s),
                              within=WITHIN)
        await camille.wait_for(lambda s: s.room_id == cooperation and joined(bot)(s),
                               within=WITHIN)

        leaks.sent(NEED)
        await agathe.say(client_room, NEED)
        await agathe.wait_for(_says(bot, client_room, "R-1"), within=WITHIN)
        [card] = await camille.wait_for(_says(bot, cooperation, "R-1 · Mairie de Roubaix"),
                                        within=WITHIN)
        root = card.event.event_id

        # Monday: three enterprises answer (one by the card's 👍), one declines
        clock.now = MONDAY
        for member, said in ((nadia, "Intéressés ! On peut piloter, dispo jeudi et vendredi "
                                     "matin"),
                             (marion, "Partants, une demi-journée par semaine"),
                             (hugo, "pas dispo avant février, désolés")):
            leaks.sent(said)
            answer = await member.reply_in_thread(cooperation, root, said)
            await member.wait_for(bot_reactions_on(answer, bot), within=WITHIN)
        await anais.react(cooperation, root, "👍")

        async def four_answers() -> bool:
            return await count(coop_db, "answers") == 4

        await eventually(four_answers, WITHIN, what="the four enterprises' answers")
        await camille.say(cooperation, "!grappe attribuer R-1 pilote=chiffres-et-communs "
                                       "partenaires=le-grand-livre : expérience des "
                                       "ressourceries")
        await agathe.wait_for(_says(bot, client_room, "est constituée"), within=WITHIN)
        leaks.sent(REPLY)
        await nadia.say(cooperation, f"!grappe repondre R-1 : {REPLY}")
        await agathe.wait_for(_says(bot, client_room, REPLY), within=WITHIN)
        await camille.say(cooperation, "!grappe synthese R-1")  # the preview, for the team
        await camille.wait_for(lambda s: _says(bot, None, "Madame, Monsieur")(s)
                               and s.room_id != client_room, within=WITHIN)
        await camille.say(cooperation, "!grappe synthese R-1 envoyer")
        await agathe.wait_for(_says(bot, client_room, "voici notre proposition"), within=WITHIN)

        # the closing; the agent answers the question with a click on its 4️⃣
        clock.now = CLOSING
        await camille.say(cooperation, "!grappe clore R-1 gagne : convention signée")
        [question] = await agathe.wait_for(_says(bot, client_room, "Quelle note"),
                                           within=WITHIN)
        asked = question.event.event_id
        await agathe.wait_for(bot_reactions_on(asked, bot), count=5, within=WITHIN)
        await agathe.react(client_room, asked, "4️⃣")
        await agathe.wait_for(_says(bot, client_room, "votre note de 4/5"), within=WITHIN)
        await camille.wait_for(_says(bot, cooperation, "Mairie de Roubaix a noté le traitement "
                                                       "de la demande R-1 : 4/5."),
                               within=WITHIN)

        async def delivered() -> bool:
            return await all_sent(coop_db)

        await eventually(delivered, WITHIN, what="every outbox row sent")
    finally:
        await harness.stop()

    from_the_bot = [s for s in agathe.seen if s.room_id == client_room and s.sender == bot
                    and s.event.source.get("type") in ("m.room.message", "m.reaction")]
    messages = [s for s in from_the_bot if s.event.source.get("type") == "m.room.message"]
    reactions = [s for s in from_the_bot if s.event.source.get("type") == "m.reaction"]
    said = _bodies(messages)
    assert said == [  # the console flow's room, as the agent's own client shows it
        "Bonjour Agathe Martin, merci pour votre message. Votre demande est enregistrée sous "
        "la référence R-1 ; La Grappe vous répondra au plus tard le lundi 7 décembre à "
        "16 h 30.",
        "R-1 : l’équipe qui travaillera sur votre demande est constituée. Sa proposition vous "
        "parviendra très prochainement.",
        f"R-1 · {REPLY}\n— Nadia Benali, pour La Grappe",
        "R-1 : voici notre proposition.\n"
        f"Objet : proposition de La Grappe — {NEED}\n"
        "Madame, Monsieur,\n"
        "En réponse à votre demande, La Grappe, qui regroupe des entreprises de l’économie "
        "sociale et solidaire de votre territoire, vous propose une équipe de 2 structures "
        "complémentaires, coordonnées pour vous offrir un interlocuteur unique :\n"
        "• Chiffres & Communs (pilote) — Expertise comptable et accompagnement financier des "
        "associations et entrepreneurs sociaux. Disponibilité : jeu. 10 déc., ven. 11 déc. "
        "matin.\n"
        "• Le Grand Livre (partenaire) — Cabinet de gestion associative spécialisé dans la "
        "tenue des comptes, la paie et le suivi des subventions publiques. Volume "
        "d’intervention : 1 demi-journée par semaine.\n"
        "Nous nous tenons à votre disposition pour vous présenter cette proposition plus en "
        "détail. Votre contact unique : Camille Roussel, pour La Grappe.\n"
        "Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations "
        "distinguées.",
        "R-1 : votre demande est désormais close. Merci de votre confiance.",
        "Quelle note donneriez-vous au traitement de votre demande R-1, de 1 (pas du tout "
        "satisfaisant) à 5 (très satisfaisant) ? Répondez simplement par un chiffre.\n"
        "Réagissez à ce message ou répondez dans son fil : 1️⃣ 1 · 2️⃣ 2 · 3️⃣ 3 · 4️⃣ 4 · "
        "5️⃣ 5",
        "Merci : votre note de 4/5 pour la demande R-1 est bien enregistrée.",
    ]
    # the bot's reactions in the room: the five scores offered on the question, nothing else
    assert sorted(r.relates["key"] for r in reactions) == sorted("1️⃣ 2️⃣ 3️⃣ 4️⃣ 5️⃣".split())
    assert {r.relates["event_id"] for r in reactions} == {asked}
    whole = "\n".join(said)
    for name in ("Sobre & Clair", "Cap Commun", "Encre Verte"):  # declined or not chosen
        assert name not in whole
    # no answer as the team wrote it, no tally, no closing note, no one's Matrix id
    for words in ("Intéressés", "Partants", "février", "désolés", "décline", "ont répondu",
                  "convention signée", "@"):
        assert words not in whole
    async with coop_db.session(read_only=True) as s:
        conn = await s.connection()
        contacts = (await conn.execute(text(
            "SELECT name, matrix FROM client_contacts WHERE matrix = :id"),
            {"id": agathe.user_id})).all()
        scores = (await conn.execute(text("SELECT satisfaction FROM client_requests"))).all()
    # a contact of the Mairie from now on, named from her profile on her own server
    assert [tuple(r) for r in contacts] == [("Agathe Martin", agathe.user_id)]
    assert agathe.user_id.endswith(f":{town.server_name}")
    assert town.server_name != cluster.server_name
    assert [r[0] for r in scores] == [4]
