"""The permission matrix (tests/data/permissions.tsv): every command × four kinds of person.

Each line runs, in order, as an unknown person, a person of another enterprise, a
person of the concerned enterprise and a coordinator; each cell is either allowed
(no refusal, no incident) or a clear refusal with nothing written.
"""

from __future__ import annotations

import csv
from pathlib import Path

from bot.features import registry as load_all
from tests.conftest import Clock, Console
from tests.hardening import figures
from tests.hardening.conftest import INCIDENT, WORK_TABLES
from tests.snapshots import ALL_TABLES, snapshot

TABLE = Path(__file__).resolve().parent.parent / "data" / "permissions.tsv"
ROLES = {"unknown": "zorro", "other": "jeanne", "same": "pierre-louis", "coordinator": "camille"}
DAYS = {"unknown": "lundi", "other": "mardi", "same": "mercredi", "coordinator": "vendredi"}
NOT_IN_DIRECTORY = "Vous n’êtes pas encore dans l’annuaire"
SETUP = (
    "nadia: /grappe demande Mairie de Roubaix : accompagner la création d'une ressourcerie, "
    "il faut de la com et de la compta pour le 15 janvier",
    "nadia in R-1: Intéressés, on peut piloter",
    "nadia: /grappe demande CCAS de Lille : tenue de la comptabilité associative",
    "nadia: /grappe reserver salle-garance jeudi 14h-16h : point compta",
    "nadia: /grappe reserver salle-pampre jeudi 14h-16h : point com",
    "nadia: /grappe reserver salle-treille mardi 9h-11h : formation",
    "nadia: /grappe reserver salle-treille lundi 9h-11h : formation",
    "nadia: /grappe dispo Réunion : mar 1 déc 14h-16h | ven 4 déc 9h-11h",
    "nadia: /grappe dispo Point : mar 1 déc 14h-16h | ven 4 déc 9h-11h",
)


def _rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8") as fp:
        lines = [line for line in fp if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = _rows()


def test_every_command_has_a_line_and_every_role_a_cell() -> None:
    registry = load_all()
    covered = {registry.match(row["line"])[0].name for row in ROWS  # type: ignore[index]
               if registry.match(row["line"])}
    assert covered == {spec.name for spec in registry.commands}
    for spec in registry.commands:
        lines = [r for r in ROWS if (registry.match(r["line"]) or (None,))[0] is spec]
        for role in ROLES:
            assert any(r[role] != "-" for r in lines), (spec.name, role)


async def test_permission_cells(console: Console, clock: Clock,
                                refusals: list[str]) -> None:
    """The lines run in the table's order on one cooperative (a line's successes may change
    what a later line sees, hence the table's ``-`` cells); every failing cell is listed."""
    clock.set("2026-11-26 10:00")  # a Thursday
    setup = await console.run(*SETUP)
    assert not refusals, setup
    failures = []
    for row in ROWS:
        for role in ROLES:
            if row[role] == "-":
                continue
            if failure := await _cell(console, refusals, row, role):
                failures.append(failure)
            else:
                figures.add("permission cells checked", f"{role} (passed)")
    assert not failures, "\n".join(failures)


async def _cell(console: Console, refusals: list[str], row: dict[str, str],
                role: str) -> str | None:
    """What is wrong with one cell, or None."""
    expected = row[role]
    line = f"{ROLES[role]}: /grappe " + row["line"].replace("{day}", DAYS[role])
    tables = ALL_TABLES if role == "unknown" else WORK_TABLES
    before = await snapshot(console.bot.db, tables)
    count = len(refusals)
    out = await console.run(line)
    refused = len(refusals) > count
    if INCIDENT in out or "Traceback" in out:
        return f"{role} | {line}: an incident\n{out}"
    if role == "unknown":
        if expected != "refused" or NOT_IN_DIRECTORY not in out:
            return f"{role} | {line}: not told to get linked\n{out}"
    elif expected == "refused" and not refused:
        return f"{role} | {line}: allowed, expected a refusal\n{out}"
    elif expected == "ok" and refused:
        return f"{role} | {line}: refused, expected ok\n{out}"
    elif expected not in ("ok", "refused"):
        return f"{role} | {line}: unknown expectation {expected!r}"
    if (role == "unknown" or refused) and await snapshot(console.bot.db, tables) != before:
        return f"{role} | {line}: refused but something was written"
    return None
