"""GDPR: forgetting a person, exporting what is held about them, retention (exactly once)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from bot import features
from bot.cli_app import app
from commands.context import Environment
from commands.jobs import JobEnv
from commands.privacy import forget as privacy
from commands.privacy.retention import retention
from commands.reminders import sweep
from storage.db import Database
from storage.repo import directory as dir_repo
from tests.conftest import Clock, Console

REQUEST = ("nadia: /grappe demande Mairie de Roubaix : accompagner la création d'une "
           "ressourcerie, il faut de la com et de la compta pour le 15 janvier")


async def _scalar(db: Database, sql: str) -> object:
    async with db.session(read_only=True) as s:
        return (await (await s.connection()).execute(text(sql))).scalar()


async def _started(console: Console, clock: Clock, local: str, *lines: str) -> Database:
    clock.set(local)
    await console.run(*lines)
    return console.bot.db


async def test_forget_keeps_history_and_shows_a_former_member(console: Console,
                                                              clock: Clock) -> None:
    db = await _started(console, clock, "2026-12-10 10:00", REQUEST,
                        "nadia in R-1: Intéressés, on peut piloter",
                        "camille: /grappe lier nadia matrix @nadia:grappe.example")
    async with db.session() as s:
        nadia = await dir_repo.person_by_handle(s, "nadia")
        assert nadia is not None
        assert nadia.id is not None
        pid = nadia.id
        pseudonym, removed = await privacy.forget(s, "nadia")
    assert pseudonym == f"ancien-{pid}"
    assert removed >= 1
    assert await _scalar(db, f"SELECT count(*) FROM identities WHERE person_id = {pid}") == 0
    assert await _scalar(db, f"SELECT count(*) FROM answers WHERE person_id = {pid}") == 1
    assert await _scalar(db, f"SELECT count(*) FROM requests WHERE created_by = {pid}") == 1
    assert await _scalar(db, f"SELECT email FROM people WHERE id = {pid}") is None
    assert await _scalar(db, f"SELECT display_name FROM people WHERE id = {pid}") \
        == "ancien membre"
    out = await console.run("camille: /grappe demande R-1")
    assert "ancien membre" in out
    assert "Nadia" not in out
    out = await console.run("nadia: /grappe membres")
    assert "pas encore dans l’annuaire" in out  # her account is unlinked
    out = await console.run("camille: /grappe journal 5")
    assert f"données personnelles de {pseudonym} effacées (RGPD)" in out
    assert "/grappe lier " in out
    assert "command:" not in out  # the audit's own labels are not shown
    assert "nadia" not in out  # the audit line quoting her handle now quotes the pseudonym
    assert pseudonym in out
    out = await console.run("camille: /grappe journal beaucoup")
    assert "Indiquez un nombre d’entrées entre 1 et 200" in out


async def test_export_person_lists_everything_held(console: Console, clock: Clock) -> None:
    clock.set("2026-12-10 10:00")
    await console.run(REQUEST, "nadia in R-1: Intéressés")
    async with console.bot.db.session(read_only=True) as s:
        held = await privacy.export(s, "nadia")
    json.dumps(held, default=str)
    assert held["person"]["handle"] == "nadia"
    assert held["person"]["enterprise"] == "chiffres-et-communs"
    assert held["identities"]
    assert len(held["answers"]) == 1
    assert [r["id"] for r in held["requests"]] == [1]
    for key in ("bookings", "poll_votes", "polls", "audit"):
        assert key in held


def test_cli_forget_and_export(coop_db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if coop_db.url.startswith("postgresql"):
        pytest.skip("the command line opens its own connection, outside the test's schema")
    monkeypatch.setenv("DATABASE_URL", coop_db.url)
    runner = CliRunner()
    out = runner.invoke(app, ["export", "person", "karim"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["person"]["handle"] == "karim"
    out = runner.invoke(app, ["member", "forget", "karim", "--yes"])
    assert out.exit_code == 0, out.output
    assert "ancien-" in out.output
    out = runner.invoke(app, ["export", "person", "personne"])
    assert out.exit_code == 1
    assert "personne" in out.output


async def test_retention_anonymises_closed_requests_exactly_once(console: Console,
                                                                 clock: Clock) -> None:
    db = await _started(console, clock, "2026-01-08 10:00", REQUEST,
                        "camille: /grappe clore R-1 perdu : trop tard",
                        "nadia: /grappe demande CCAS : un atelier de com")
    six_months = Environment(retention_months=6)
    env = JobEnv(db=db, registry=features.registry(), platforms=("console",), owner="a",
                 environment=six_months)
    other = JobEnv(db=db, registry=features.registry(), platforms=("console",), owner="b",
                   environment=six_months)
    soon = clock.now + timedelta(days=30)
    async with db.session(read_only=True) as s:
        coop = await dir_repo.cooperative(s)
        assert await retention(s, coop, soon, env) == []
    assert await _scalar(db, "SELECT client FROM requests WHERE id = 1") == "Mairie de Roubaix"
    later = clock.now + timedelta(days=200)
    await sweep(env, later)
    await sweep(other, later)
    assert await _scalar(db, "SELECT client FROM requests WHERE id = 1") == "client anonymisé"
    assert "ressourcerie" not in str(await _scalar(db, "SELECT need FROM requests WHERE id = 1"))
    assert await _scalar(db, "SELECT client FROM requests WHERE id = 2") == "CCAS"  # still open
    assert await _scalar(db, "SELECT count(*) FROM claims WHERE kind = 'retention'") == 1
