"""A person's home, in the core: what waits for them, in their language, loaded in the same
statements whatever the number of items, and drawn without asking storage anything."""

from __future__ import annotations

from bot.features import registry as load_all
from commands.dispatcher import Dispatcher
from commands.events import Actor, HomeOpened
from commands.home import home_of
from commands.messages import Choices, Message
from commands.outcome import Result
from commands.render import plain
from storage.db import Database
from storage.repo import directory as dir_repo
from tests.conftest import Clock, Console
from tests.test_outbox_handoff import statements as counted

REQUEST = ("{who}: /grappe demande Mairie de Roubaix {n} : accompagner la création d'une "
           "ressourcerie, il faut de la compta pour le 15 janvier")
POLL = "{who}: /grappe dispo Réunion {n} : mar 15 déc 14h-16h | ven 18 déc 9h-11h members=all"


def _home(outcome_home: Message | None) -> str:
    assert outcome_home is not None
    return plain(outcome_home.blocks).replace("\u00a0", " ").replace("\u202f", " ")


async def _open(console: Console, handle: str) -> Message:
    outcome = await console.bot.dispatch(HomeOpened(Actor("console", handle), f"home:{handle}"))
    assert outcome.result is Result.OK
    assert outcome.home is not None
    return outcome.home


async def test_the_home_shows_what_waits_with_the_cards_choices(console: Console,
                                                                clock: Clock) -> None:
    clock.set("2026-12-10 10:00")  # a Thursday
    await console.run(REQUEST.format(who="camille", n=1),
                      "camille: /grappe reserver salle-garance vendredi 14h-16h : point",
                      "nadia: /grappe reserver salle-pampre lundi 9h-10h : bilan",
                      "nadia: /grappe reserver salle-pampre 30/12 9h-10h : trop loin",
                      POLL.format(who="camille", n=1))
    home = await _open(console, "nadia")
    text = _home(home)
    assert text.startswith("La Grappe\nNadia Benali · Chiffres & Communs — mis à jour le "
                           "jeu. 10 déc., 10 h")
    assert "Demandes qui attendent la réponse de votre entreprise" in text
    assert "R-1 · Mairie de Roubaix 1 — accompagner" in text
    assert "échéance : ven. 15 janv. 2027" in text
    assert "Réservations de votre entreprise dans les 7 prochains jours" in text
    assert "lun. 14 déc., 9 h–10 h · Salle Pampre · Chiffres & Communs (Nadia Benali) — bilan" \
        in text
    assert "Salle Garance" not in text  # Camille's, not Nadia's enterprise's
    assert "trop loin" not in text  # past the coming week
    assert "Sondages qui attendent votre réponse" in text
    assert "1️⃣ mar. 15 déc., 14 h–16 h [1] · 🤷 si besoin [1:maybe] · ❌ non [1:no]" in text
    # the same choices as the cards, without the thread's hint (a home has no thread)
    card = (await console.run("nadia: /grappe dispo P-1"))
    assert "P-1 · Réunion 1" in card
    choices = [b for b in home.blocks if isinstance(b, Choices)]
    assert [(c.object_ref, [o.action for o in c.options]) for c in choices] == [
        ("R-1", ["interested", "lead", "decline", "available"]), ("P-1", ["1", "1:maybe", "1:no", "2", "2:maybe", "2:no"])]
    assert all(not c.hint for c in choices)
    decline = choices[0].options[2]
    assert decline.style == "negative"
    assert decline.confirm is not None


async def test_answered_items_leave_the_home_and_empty_parts_read_well(
        console: Console, clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    await console.run(REQUEST.format(who="camille", n=1), POLL.format(who="camille", n=1))
    assert "R-1" in _home(await _open(console, "nadia"))
    await console.run("nadia clicks R-1 interested", "nadia clicks P-1 2")
    text = _home(await _open(console, "nadia"))
    assert "R-1" not in text
    assert "P-1" not in text
    assert "Aucune demande n’attend la réponse de votre entreprise." in text
    assert "Votre entreprise n’a aucune réservation dans les 7 prochains jours." in text
    assert "Aucun sondage n’attend votre réponse." in text
    # a colleague's answer is the enterprise's: Pierre-Louis has nothing left to answer on R-1
    assert "R-1" not in _home(await _open(console, "pierre-louis"))
    assert "P-1" in _home(await _open(console, "pierre-louis"))  # a poll is answered by each


async def test_the_home_in_english_and_without_an_enterprise(console: Console,
                                                              clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    await console.run("camille: /grappe langue en")
    text = _home(await _open(console, "camille"))
    assert "Camille Roussel — updated Thu 10 Dec, 10:00" in text
    assert "Your account is linked to no member enterprise" in text
    assert "You have no booking in the next 7 days." in text
    assert "No poll is waiting for your answer." in text


async def test_a_stranger_is_told_in_french_and_in_english(coop_db: Database) -> None:
    async with coop_db.session(read_only=True) as s:
        drawn, person = await home_of(s, load_all(), HomeOpened(Actor("slack", "U0STRANGER"),
                                                                "home:1"), Clock()())
    assert person is None
    text = _home(drawn)
    french = text.index("Vous n’êtes pas encore dans l’annuaire de La Grappe")
    assert french < text.index("You are not in La Grappe's directory yet")
    assert "U0STRANGER" in text


async def _statements(db: Database, now: Clock) -> int:
    async with db.session(read_only=True) as s:
        await dir_repo.cooperative(s)  # the directory's copy is read once per transaction
        event = HomeOpened(Actor("console", "nadia"), "home:count")
        with counted(db) as seen:
            drawn, _ = await home_of(s, load_all(), event, now())
        assert drawn.blocks
        return len(seen)


async def test_a_home_costs_the_same_statements_for_one_item_or_six(
        console: Console, clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    db = console.bot.db
    await console.run(REQUEST.format(who="camille", n=1), POLL.format(who="camille", n=1),
                      "nadia: /grappe reserver salle-pampre lundi 9h-10h : bilan")
    await _statements(db, clock)  # the directory's copy is loaded once per process
    few = await _statements(db, clock)
    for n in range(2, 7):
        await console.run(REQUEST.format(who="camille", n=n), POLL.format(who="camille", n=n),
                          f"nadia: /grappe reserver salle-pampre lundi {8 + n}h-{9 + n}h : b{n}")
    assert _home(await _open(console, "nadia")).count("Mairie de Roubaix") == 6
    many = await _statements(db, clock)
    print(f"statements to load a home (one item of each kind, six): {few}, {many}")
    assert few == many
    assert many <= 12


async def test_with_the_database_away_there_is_no_home_and_nothing_said() -> None:
    """The tab keeps what it showed: no home to publish, no "try again" sent to someone who
    only opened a tab."""
    broken = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # nothing listens there
    dispatcher = Dispatcher(broken, load_all(), platforms=["slack"])
    outcome = await dispatcher.dispatch(HomeOpened(Actor("slack", "U07GRPE031"), "home:away"))
    assert outcome.result is Result.DB_UNAVAILABLE
    assert outcome.home is None
    assert outcome.direct == []
    await broken.dispose()
