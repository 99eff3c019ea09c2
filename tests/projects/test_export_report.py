"""A project's invoicing identifiers, the projects export and the cooperation report: what
the console entered comes back in the export's rows, and the report's totals are theirs."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from commands import reminders
from commands.i18n import translator
from commands.projects.export import project_table
from commands.projects.ledger import request_rows, share_rows
from commands.projects.report import build
from tests.conftest import Clock, Console
from tests.digest.conftest import job_env, paris
from tests.projects.test_milestones import _reminded
from tests.projects.test_project_flow import WON
from tests.snapshots import snapshot

FLOW = (
    "nadia: /grappe budget R-1 24 000 €",
    "nadia: /grappe repartition R-1 chiffres-et-communs=10 j × 1 440 € le-grand-livre=40%",
    "nadia: /grappe facturation R-1 chiffres-et-communs engagement=EJ-2026-114",
    "pierre-louis: /grappe temps R-1 1,5 j : atelier de lancement",
    "marion: /grappe temps R-1 une demi-journée : relecture",
    "nadia: /grappe temps R-1 3h30 : préparation",
)


async def _delivered(console: Console, clock: Clock) -> str:
    clock.set("2026-12-10 10:00")
    await console.run(*WON)
    clock.advance(hours=24)
    out = await console.run(*FLOW)
    clock.advance(days=7)
    await console.run("camille: /grappe clore R-1 livre")
    return out


async def test_what_was_entered_is_exported_and_reported(console: Console,
                                                         clock: Clock) -> None:
    out = await _delivered(console, clock)
    assert ("Identifiants de facturation de R-1 : SIRET : 215 900 001 00011 · service Chorus "
            "Pro : SERV-CULTURE · numéro d’engagement : EJ-2026-114.") in out
    async with console.bot.db.session(read_only=True) as s:
        rows = await share_rows(s)
        table = project_table(rows, translator("fr"))
        report = await build(s, 2026)
        requests = await request_rows(s)
    assert table.header[:6] == ["Demande", "Client", "Type de client", "Chef de file",
                                "Entreprise", "Rôle"]
    assert [list(r) for r in table.rows] == [
        ["R-1", "Mairie de Roubaix", "commune", "Chiffres & Communs", "Chiffres & Communs",
         "pilote", 14400.0, 60.0, 10.0, 2.0, 24000.0, "Chiffres & Communs", "21590000100011",
         "SERV-CULTURE", "EJ-2026-114", date(2026, 12, 10), date(2026, 12, 18)],
        ["R-1", "Mairie de Roubaix", "commune", "Chiffres & Communs", "Le Grand Livre",
         "partenaire", 9600.0, 40.0, None, 0.5, 24000.0, "Chiffres & Communs", "21590000100011",
         "SERV-CULTURE", "EJ-2026-114", date(2026, 12, 10), date(2026, 12, 18)],
    ]
    summary, enterprises, kinds, *details = report.sections
    figures = {name: value for name, value, _ in summary.lines()}
    assert figures["Demandes reçues"] == len(requests) == 1
    assert figures["Projets gagnés à deux entreprises ou plus"] == 1
    assert figures["Montant gagné (€ HT)"] == 24000.0
    assert figures["Montant réparti entre les entreprises (€ HT)"] == sum(
        r[6] or 0 for r in table.rows)
    assert figures["Jours consommés"] == sum(r[9] or 0 for r in table.rows) == 2.5
    assert isinstance(figures["Délai médian jusqu’au choix du pilote (heures ouvrées)"],
                      timedelta)
    assert [list(r) for r in enterprises.table.rows] == [
        ["Chiffres & Communs", 1, 1, 14400.0, 60.0, 10.0, 2.0],
        ["Le Grand Livre", 1, 0, 9600.0, 40.0, 0.0, 0.5]]
    assert [list(r) for r in kinds.table.rows] == [["commune", 1, 1, 1, 24000.0]]
    assert [d.table.name for d in details] == ["Demandes", "Projets"]
    assert await build_is_empty_for(console, 2025)


async def build_is_empty_for(console: Console, year: int) -> bool:
    async with console.bot.db.session(read_only=True) as s:
        report = await build(s, year)
    (figures,) = report.sections[0].table.rows
    return figures[:3] == [0, 0, 0]


@pytest.mark.parametrize(("line", "said"), [
    ("nadia: /grappe facturation R-1 siret=123 456 789 00000",
     "« 123 456 789 00000 » n’est pas un SIRET valide"),
    ("nadia: /grappe facturation R-1 chiffres-et-communs siret=12",
     "« 12 » n’est pas un SIRET valide"),
    ("hugo: /grappe facturation R-1 engagement=EJ-1", "Seuls la coordination"),
])
async def test_bad_invoicing_identifiers_are_refused_and_nothing_is_written(
        console: Console, clock: Clock, line: str, said: str) -> None:
    clock.set("2026-12-10 10:00")
    await console.run(*WON, "nadia: /grappe budget R-1 24 000 €")
    before = await snapshot(console.bot.db)
    out = await console.run(line)
    assert said in out
    assert "Rien n’a été enregistré" in out or "Seuls" in said
    assert await snapshot(console.bot.db) == before


async def test_one_console_flow_from_the_request_to_the_report(console: Console,
                                                               clock: Clock) -> None:
    """Issue #22's whole flow in one go: won → budget → split → time by two enterprises →
    the 80 % notice once → a milestone and its reminder → delivered → the summary → the
    export's rows and the report's totals equal to what was entered."""
    clock.set("2026-12-10 10:00")  # a Thursday
    await console.run(*WON)
    clock.advance(hours=24)
    await console.run(*FLOW)  # 1,5 j + 0,5 j (3 h 30) for the lead, 0,5 j for the partner
    out = await console.run("pierre-louis: /grappe temps R-1 6 j : ateliers")  # 8 of 10 days
    told = set(re.findall(r"^\[DM:([a-z-]+)\].*80 %", out, re.M))
    assert {"nadia", "pierre-louis", "camille", "karim", "sophie"} <= told
    out = await console.run("nadia: /grappe temps R-1 1 j : bilan")  # 90 %: said once only
    assert "a consommé" not in out

    out = await console.run("nadia: /grappe jalon R-1 rapport intermédiaire le 15 décembre")
    assert "Jalon J-1 de R-1 : rapport intermédiaire, mar. 15 déc." in out
    env = job_env(console.bot.db, platforms=("console",))
    assert await reminders.sweep(env, paris("2026-12-15 09:15")) == 1
    assert await reminders.sweep(env, paris("2026-12-15 11:00")) == 0  # once
    assert (await _reminded(console))["nadia"].startswith("Le jalon J-1 de R-1")

    clock.set("2026-12-18 10:00")
    out = await console.run("camille: /grappe clore R-1 livre")
    summary = out[out.index("R-1 livrée : le bilan"):]
    assert "Chiffres & Communs (pilote) — 14 400,00 € (60 %) — 9 j consommés sur 10 j prévus" \
        in summary
    assert "Le Grand Livre — 9 600,00 € (40 %) — 0,5 j consommé" in summary

    async with console.bot.db.session(read_only=True) as s:
        table = project_table(await share_rows(s), translator("fr"))
        report = await build(s, 2026)
    assert [list(r)[4:10] for r in table.rows] == [
        ["Chiffres & Communs", "pilote", 14400.0, 60.0, 10.0, 9.0],
        ["Le Grand Livre", "partenaire", 9600.0, 40.0, None, 0.5]]
    assert {r[16] for r in table.rows} == {date(2026, 12, 18)}  # delivered
    figures = {name: value for name, value, _ in report.sections[0].lines()}
    assert figures["Montant gagné (€ HT)"] == 24000.0
    assert figures["Montant réparti entre les entreprises (€ HT)"] == 24000.0
    assert figures["Jours consommés"] == sum(r[9] or 0 for r in table.rows) == 9.5
