"""Response times: the first answer promised to a client counts business hours (the
cooperative's hours, no weekend, no French public holiday); the coordinators are reminded
once before it is missed, and not once it is answered."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from commands import reminders
from commands.clients.digest import RoomsWeeks, client_rooms
from commands.clients.response import first_response_due, target_hours, warn_at
from commands.context import Environment
from commands.digest.sections import DigestWeek
from commands.i18n import translator
from commands.messages import Envelope
from commands.render import plain
from storage.db import Database
from storage.models import Client, Cooperative
from storage.repo import directory as dir_repo
from tests.clients.rooms import add_client
from tests.conftest import Clock, Console
from tests.digest.conftest import job_env, outbox, paris

COOP = Cooperative()  # 09:00-18:00, Europe/Paris


@pytest.mark.parametrize(("acknowledged", "hours", "due"), [
    ("2027-03-19 17:30", 8, "2027-03-22 16:30"),  # Friday → Monday
    ("2027-03-26 17:30", 8, "2027-03-30 16:30"),  # Friday → Tuesday: Easter Monday 29 March
    ("2026-12-04 17:30", 8, "2026-12-07 16:30"),
    ("2026-12-05 11:00", 8, "2026-12-07 17:00"),  # written on a Saturday: from Monday 9:00
    ("2026-12-07 08:00", 4, "2026-12-07 13:00"),  # before opening: from 9:00
    ("2027-05-07 17:30", 8, "2027-05-10 16:30"),  # Friday 7 May; Saturday 8 May is a holiday
    ("2027-07-13 17:00", 2, "2027-07-15 10:00"),  # Wednesday 14 July (Bastille Day) skipped
    ("2026-12-24 15:00", 16, "2026-12-29 13:00"),  # 3 h Thursday, Christmas Friday, 9 h Monday
])
def test_the_first_answer_is_due_in_business_hours(acknowledged: str, hours: float,
                                                   due: str) -> None:
    assert first_response_due(paris(acknowledged), hours, COOP) == paris(due)


def test_the_target_is_the_clients_own_else_the_clusters() -> None:
    env = Environment(first_response_hours=8)
    assert target_hours(Client(slug="a", name="A"), env) == 8
    assert target_hours(Client(slug="a", name="A", response_hours=4), env) == 4


def test_the_reminder_comes_one_business_hour_before() -> None:
    assert warn_at(paris("2026-12-07 16:30"), COOP) == paris("2026-12-07 15:30")
    # due at 9:30 on Monday: the hour before starts on Friday at 17:30
    assert warn_at(paris("2026-12-07 09:30"), COOP) == paris("2026-12-04 17:30")


async def _dms(db: Database) -> list[tuple[str, str]]:
    return [(row.recipient or "", plain(Envelope.model_validate_json(row.payload).item.blocks))
            for row in await outbox(db) if row.role == "dm"]  # type: ignore[union-attr]


async def test_the_coordinators_are_reminded_once_before_the_first_answer_is_missed(
        console: Console, clock: Clock) -> None:
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-04 17:30")  # a Friday
    out = await console.run("agathe in #mairie-roubaix: Nous cherchons un accompagnement "
                            "comptable pour notre nouvelle ressourcerie")
    assert "au plus tard le lundi 7 décembre à 16 h 30" in out
    env = job_env(db, platforms=("console",))
    before = len(await _dms(db))
    assert await reminders.sweep(env, paris("2026-12-07 15:00")) == 0
    assert await reminders.sweep(env, paris("2026-12-07 15:40")) == 1
    assert await reminders.sweep(env, paris("2026-12-07 16:00")) == 0  # once
    assert await reminders.sweep(env, paris("2026-12-07 16:45")) == 0  # missed: no more
    dms = (await _dms(db))[before:]
    assert [who for who, _ in dms] == ["camille", "karim", "sophie"]  # the coordinators
    assert dms[0][1].replace("\u00a0", " ") == (
        "Mairie de Roubaix n’a pas encore reçu de réponse sur R-1 (Nous cherchons un "
        "accompagnement comptable pour notre nouvelle ressourcerie) : la première réponse "
        "promise est due lun. 7 déc., 16 h 30. Répondez avec /grappe repondre R-1 : …")


async def test_no_reminder_once_the_client_is_answered(console: Console, clock: Clock) -> None:
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-04 17:30")
    await console.run("agathe in #mairie-roubaix: Nous cherchons un accompagnement comptable",
                      "camille: /grappe repondre R-1 : Bien reçu, nous revenons vers vous.")
    assert await reminders.sweep(job_env(db, platforms=("console",)),
                                 paris("2026-12-07 15:40")) == 0


async def test_the_digest_tells_the_clients_rooms_times_late_replies_and_ratings(
        console: Console, clock: Clock) -> None:
    db = console.bot.db
    await add_client(db)
    clock.set("2026-12-04 17:30")
    await console.run("agathe in #mairie-roubaix: Nous cherchons un accompagnement comptable")
    clock.set("2026-12-07 10:00")  # 1 h 30 of business time later, in time
    await console.run("camille: /grappe repondre R-1 : Bien reçu, nous revenons vers vous.")
    clock.set("2026-12-07 11:00")
    await console.run("agathe in #mairie-roubaix: Et aussi une formation pour nos agents")
    clock.set("2026-12-09 17:00")  # R-2 never answered, its promise passed on Tuesday
    await console.run("camille: /grappe clore R-1 gagne", "agathe in #mairie-roubaix: 4")
    week = DigestWeek.ending(paris("2026-12-14 08:30"), ZoneInfo("Europe/Paris"))
    async with db.session(read_only=True) as s:
        coop = await dir_repo.cooperative(s)
        blocks = client_rooms(await RoomsWeeks.load(s, coop, week), week, translator("fr"))
    assert blocks is not None
    assert plain(blocks).replace("\u00a0", " ").replace("\u202f", " ").splitlines() == [
        "Salons clients sur les 4 dernières semaines (2 demandes, heures ouvrées)",
        "première réponse au client après 1 h 30 (médiane) · close après 26 h 30 (médiane) · "
        "1 première réponse en retard · satisfaction 4,0/5 (1 note)"]
