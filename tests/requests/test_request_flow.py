"""The complete life of a client request, through the console, as people would type it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from commands.requests.export import export_rows
from tests.conftest import Clock, Console
from tests.snapshots import snapshot

REQUEST = ("nadia: /grappe demande Mairie de Roubaix : accompagner la création d'une "
           "ressourcerie, il faut de la com et de la compta pour le 15 janvier")
CONSULTED = ["Chiffres & Communs", "Le Grand Livre", "Sobre & Clair", "Cap Commun", "Encre Verte"]


def last_card(out: str) -> str:
    """The last rendering of R-1's card in the output."""
    starts = [m.start() for m in re.finditer(r"^\[#cooperation\] R-1 (✎ )?R-1 ·", out, re.M)]
    card = out[starts[-1]:]
    return card.split("\n[", 1)[0]


async def test_request_answers_assignment_closing_and_export(console: Console,
                                                            clock: Clock) -> None:
    clock.set("2026-12-10 10:00")  # a Thursday
    out = await console.run(REQUEST)
    card = last_card(out)
    assert "R-1 · Mairie de Roubaix" in card
    assert "ven. 15 janv. 2027" in card
    for name in CONSULTED:
        assert name in card
    assert "@nadia" in card
    assert "@hugo" in card
    assert re.search(r"^\[DM:nadia\] - .*R-1", out, re.M)

    clock.advance(hours=2)
    out = await console.run(
        "nadia in R-1: Intéressés ! On peut piloter, dispo jeudi et vendredi matin, 3 jours",
        "hugo in R-1: pas dispo avant février, désolés",
        "marion in R-1: Partants, une demi-journée par semaine",
        "anais clicks R-1 interested",
        "thomas in R-1: Qui est le contact côté mairie ?",
    )
    assert out.count("✅") == 4
    assert out.count("💬") >= 1
    card = last_card(out)
    assert "(4/5" in card
    chiffres = next(line for line in card.splitlines() if "Chiffres & Communs" in line)
    assert "peut piloter" in chiffres
    # "jeudi et vendredi matin", said on Thursday 10 December: days, drawn in French
    assert "📅 dispo : jeu. 10 déc., ven. 11 déc. matin" in chiffres
    assert "3 jours" in chiffres
    encre = next(line for line in card.splitlines() if "Encre Verte" in line)
    assert "décline" in encre
    sobre = next(line for line in card.splitlines() if "Sobre & Clair" in line)
    assert "pas encore de réponse" in sobre

    clock.advance(hours=3)
    out = await console.run("camille: /grappe attribuer R-1 pilote=chiffres-et-communs "
                            "partenaires=le-grand-livre : expérience des ressourceries")
    dms = set(re.findall(r"^\[DM:([a-z-]+)\]", out, re.M))
    assert {"nadia", "pierre-louis"} <= dms  # the lead's people
    assert {"marion", "fatou", "olivier"} <= dms  # the partner's people
    assert {"anais", "thomas"} <= dms  # answered, not chosen: thanked
    assert not {"hugo", "lea", "olivia", "elodie"} & dms  # declined or silent
    assert "expérience des ressourceries" in out

    out = await console.run("camille: /grappe clore R-1 gagne : convention signée")
    assert "gagnée" in last_card(out)

    async with console.bot.db.session(read_only=True) as s:
        table = await export_rows(s)
    assert table.name == "Demandes"
    assert table.header[:4] == ["Demande", "Client", "Besoin", "Créée le"]
    (row,) = table.rows
    record = dict(zip(table.header, row, strict=True))
    values = list(record.values())
    assert values[0] == "R-1"
    assert values[1] == "Mairie de Roubaix"
    assert isinstance(values[3], datetime)
    assert values[4] == date(2027, 1, 15)
    assert values[5] == "Communication stratégique et responsable, Comptabilité associative"
    assert set(values[6].split(", ")) == set(CONSULTED)
    assert "Nadia Benali (Chiffres & Communs)\u00a0: " in values[7]
    assert "Hugo" in values[7]
    assert values[8] == "Chiffres & Communs"
    assert values[9] == "Le Grand Livre"
    assert values[10] == "gagnée"
    assert values[11] == timedelta(hours=2)  # first answer two business hours later
    assert values[12] == timedelta(hours=5)
    assert values[13] == "convention signée"
    assert values[14] == 4  # enterprises that answered, as on the card (4/5)


async def test_show_lists_every_answer_version(console: Console, clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    await console.run(REQUEST, "nadia in R-1: intéressés", "pierre-louis in R-1: on décline")
    out = await console.run("olivia: /grappe request R-1")
    assert "Nadia Benali" in out
    assert "Pierre-Louis" in out
    assert "History of the answers" in out  # olivia reads English


async def test_no_matching_skill_asks_the_coordinators(console: Console) -> None:
    out = await console.run("nadia: /grappe demande CCAS : un devis pour des chaises")
    assert "@camille" in out
    assert "@karim" in out
    assert "@sophie" in out
    listed = await console.run("camille: /grappe demandes")
    assert "aucune entreprise consultée pour l’instant" in listed  # not "0/0 ont répondu"
    assert "0/0" not in listed
    out = await console.run("camille: /grappe relayer R-1 +terreau")
    assert "@" in out
    assert "Terreau" in last_card(out)


async def test_explicit_tags_win_over_inference(console: Console) -> None:
    out = await console.run("nadia: /grappe demande Département : une formation #formation")
    card = last_card(out)
    assert "Savoirs Partagés" in card
    assert "Chiffres & Communs" not in card


async def test_unknown_tag_is_refused_with_a_suggestion(console: Console) -> None:
    before = await snapshot(console.bot.db)
    out = await console.run("nadia: /grappe demande Mairie : atelier #comunication")
    assert "communication" in out
    assert await snapshot(console.bot.db) == before
