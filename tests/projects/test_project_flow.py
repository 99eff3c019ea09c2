"""After the win, through the console: budget, split, time logged against the plan, the
80 % notice once, the summary at delivery; and what is refused, with nothing written."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from commands.projects.amounts import format_amount, parse_amount, parse_days
from storage.db import Database
from tests.conftest import Clock, Console
from tests.requests.test_request_flow import REQUEST
from tests.snapshots import snapshot

WON = (REQUEST,
       "nadia in R-1: Intéressés ! On peut piloter",
       "marion in R-1: Partants",
       "camille: /grappe attribuer R-1 pilote=chiffres-et-communs partenaires=le-grand-livre",
       "camille: /grappe clore R-1 gagne : convention signée")


async def _won(console: Console, clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    await console.run(*WON)


async def _time(db: Database) -> list[tuple[str, int]]:
    async with db.session(read_only=True) as s:
        rows = await (await s.connection()).execute(text(
            "SELECT e.slug, t.days_x100 FROM time_entries t JOIN enterprises e "
            "ON e.id = t.enterprise_id ORDER BY t.id"))
        return [(slug, days) for slug, days in rows]


async def test_a_won_request_is_budgeted_split_timed_and_summed_up(console: Console,
                                                                   clock: Clock) -> None:
    await _won(console, clock)
    out = await console.run("nadia: /grappe budget R-1 24 000 €")
    assert "Budget de R-1 : 24 000,00 € HT." in out
    out = await console.run("nadia: /grappe repartition R-1 chiffres-et-communs=10 j × 1 440 € "
                            "le-grand-livre=40%")
    assert "Chiffres & Communs (pilote) — 14 400,00 € (60 %)" in out
    assert "Le Grand Livre — 9 600,00 € (40 %)" in out
    assert "[#cooperation] R-1" in out  # the split is said in the request's thread

    clock.advance(hours=24)
    out = await console.run("pierre-louis: /grappe temps R-1 1,5 j : atelier de lancement",
                            "marion: /grappe temps R-1 une demi-journée : relecture",
                            "nadia: /grappe temps R-1 3h30 : préparation")
    assert "1,5 j noté pour Chiffres & Communs sur R-1. 1,5 j sur 10 j prévus." in out
    assert "0,5 j noté pour Le Grand Livre sur R-1." in out
    assert "a consommé" not in out  # 2 of 10 days: nobody told yet
    assert await _time(console.bot.db) == [("chiffres-et-communs", 150),
                                           ("le-grand-livre", 50), ("chiffres-et-communs", 50)]

    out = await console.run("nadia: /grappe temps R-1 6 j : ateliers")  # 8 of 10 days
    told = set(re.findall(r"^\[DM:([a-z-]+)\].*80 %", out, re.M))
    assert {"nadia", "pierre-louis", "camille", "karim", "sophie"} <= told  # lead, coordinators
    assert "Chiffres & Communs a consommé 80 % de ses jours prévus sur R-1 : 8 j sur 10 j." in out
    out = await console.run("nadia: /grappe temps R-1 1 j : bilan")  # 90 %: said once only
    assert "a consommé" not in out

    out = await console.run("camille: /grappe projet R-1")
    assert "Budget HT : 24 000,00 €" in out
    assert "9 j consommés sur 10 j prévus (90 %)" in out
    out = await console.run("camille: /grappe clore R-1 livre")
    summary = out[out.index("R-1 livrée : le bilan"):]
    assert "Chiffres & Communs (pilote) — 14 400,00 € (60 %) — 9 j consommés sur 10 j prévus" \
        in summary
    assert "Le Grand Livre — 9 600,00 € (40 %) — 0,5 j consommé" in summary
    assert "Temps : 9,5 j consommés sur 10 j prévus." in summary


@pytest.mark.parametrize(("line", "said"), [
    ("nadia: /grappe repartition R-1 chiffres-et-communs=60% le-grand-livre=30%",
     "Les pourcentages font 90 %, et non 100 %."),
    ("nadia: /grappe repartition R-1 chiffres-et-communs=14 400 € le-grand-livre=9 000 €",
     "La répartition fait 23 400,00 €, le budget 24 000,00 € : 600,00 € ne sont pas répartis."),
    ("nadia: /grappe repartition R-1 chiffres-et-communs=60% encre-verte=40%",
     "Encre Verte ne fait pas partie de l’équipe de R-1."),
    ("nadia: /grappe budget R-1 -3 000 €", "Un montant ne peut pas être négatif"),
    ("nadia: /grappe budget R-1 900 000 000 €", "n’est pas plausible"),
    ("nadia: /grappe budget R-1 beaucoup", "Je ne comprends pas le montant « beaucoup »"),
    ("hugo: /grappe budget R-1 30 000 €", "Seuls la coordination et les personnes de "
     "l’entreprise pilote"),
    ("hugo: /grappe temps R-1 1 j : aide", "Votre entreprise ne fait pas partie de l’équipe"),
    ("nadia: /grappe temps R-1 3 lunes", "Je ne comprends pas la durée « 3 lunes »"),
    ("nadia: /grappe temps R-2 1 j", "R-2 n’est pas une demande gagnée"),
])
async def test_what_does_not_add_up_is_refused_in_french_and_nothing_is_written(
        console: Console, clock: Clock, line: str, said: str) -> None:
    await _won(console, clock)
    await console.run("nadia: /grappe budget R-1 24 000 €", REQUEST)  # R-2 stays open
    before = await snapshot(console.bot.db)
    out = await console.run(line)
    assert said in out
    assert await snapshot(console.bot.db) == before


@pytest.mark.parametrize(("written", "cents"), [
    ("24 000 €", 2_400_000), ("24000", 2_400_000), ("24 k€", 2_400_000),
    ("18 500,50 €", 1_850_050), ("24.000,50", 2_400_050), ("€24,000.50", 2_400_050),
    ("1 200 euros HT", 120_000), ("450", 45_000)])
def test_amounts_as_people_write_them(written: str, cents: int) -> None:
    assert parse_amount(written) == cents


@pytest.mark.parametrize(("written", "days"), [
    ("1,5 j", 150), ("1.5j", 150), ("2 jours", 200), ("une demi-journée", 50),
    ("demi journee", 50), ("3h30", 50), ("7 h", 100), ("half a day", 50), ("2 days", 200)])
def test_durations_as_people_write_them(written: str, days: int) -> None:
    assert parse_days(written) == days


def test_amounts_read_as_a_french_reader_expects() -> None:
    assert format_amount(2_400_000, "fr").replace("\u202f", " ").replace("\u00a0", " ") == \
        "24 000,00 €"
    assert format_amount(2_400_000, "en") == "€24,000.00"
