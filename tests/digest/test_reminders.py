"""When reminders go, to whom, in which language."""

from __future__ import annotations

from commands import reminders
from commands.messages import Envelope
from commands.render import plain
from storage.db import Database
from tests.digest.conftest import add_booking, add_request, claims, job_env, outbox, paris


async def _dms(db: Database) -> dict[str, str]:
    """recipient → the text of the DM they were sent."""
    found = {}
    for row in await outbox(db):
        if row.role == "dm":
            item = Envelope.model_validate_json(row.payload).item
            found[row.recipient or ""] = plain(item.blocks)  # type: ignore[union-attr]
    return found


async def test_silent_enterprises_are_nudged_once_the_deadline_is_near(coop_db: Database) -> None:
    env = job_env(coop_db, platforms=("console",))
    await add_request(coop_db, "Mairie de Lille", created=paris("2026-12-01 10:00"),
                      deadline=paris("2026-12-09 23:59"),
                      consulted=("chiffres-et-communs", "sobre-et-clair", "ancrages"),
                      answered=("ancrages",))
    # Monday 11:00: 25 business hours left (Mon 7, Tue 9, Wed 9), more than the 24 of notice
    assert await reminders.sweep(env, paris("2026-12-07 11:00")) == 0
    assert await reminders.sweep(env, paris("2026-12-07 12:00")) == 2
    assert await reminders.sweep(env, paris("2026-12-08 12:00")) == 0
    dms = await _dms(coop_db)
    assert sorted(dms) == ["elodie", "nadia", "olivia", "pierre-louis"]  # not ancrages's claire
    assert dms["nadia"].replace("\u00a0", " ") == (
        "Rappel : la demande R-1 de Mairie de Lille (besoin de Mairie de Lille) arrive à "
        "échéance le mer. 9 déc. et Chiffres & Communs n’a pas encore répondu. Merci de "
        "répondre dans son fil : intéressés, vos disponibilités, ou pas disponibles.")
    assert dms["olivia"].startswith(  # Olivia reads English
        "Reminder: Mairie de Lille's request R-1 (besoin de Mairie de Lille) is due Wed 9 Dec, "
        "and Sobre & Clair has not answered yet.")


async def test_no_nudge_after_the_deadline_nor_right_after_being_consulted(
        coop_db: Database) -> None:
    env = job_env(coop_db, platforms=("console",), nudge_hours=48)
    await add_request(coop_db, "Passée", created=paris("2026-12-01 10:00"),
                      deadline=paris("2026-12-04 18:00"), consulted=("ancrages",))
    await add_request(coop_db, "Close", created=paris("2026-12-01 10:00"),
                      deadline=paris("2026-12-09 18:00"), consulted=("ancrages",),
                      status="staffed")
    await add_request(coop_db, "Toute fraîche", created=paris("2026-12-07 09:30"),
                      deadline=paris("2026-12-08 18:00"), consulted=("ancrages",))
    assert await reminders.sweep(env, paris("2026-12-07 10:00")) == 0  # consulted 30 min ago
    assert await reminders.sweep(env, paris("2026-12-07 10:30")) == 1
    assert [c.key for c in await claims(coop_db, "nudge")] == ["R-3:ancrages"]


async def test_a_pick_up_is_recalled_the_day_before(coop_db: Database) -> None:
    env = job_env(coop_db, platforms=("console",))
    await add_booking(coop_db, "minibus", "nadia", paris("2026-12-09 08:00"),
                      paris("2026-12-09 18:00"))
    await add_booking(coop_db, "salle-garance", "olivia", paris("2026-12-09 10:00"),
                      paris("2026-12-09 12:00"))  # a room: nothing to pick up
    await add_booking(coop_db, "videoprojecteur", "olivia", paris("2026-12-10 10:00"),
                      paris("2026-12-10 12:00"))  # the day after: not yet
    assert await reminders.sweep(env, paris("2026-12-08 08:45")) == 0  # before opening hours
    assert await reminders.sweep(env, paris("2026-12-08 09:00")) == 1
    assert await reminders.sweep(env, paris("2026-12-08 16:00")) == 0
    dms = await _dms(coop_db)
    assert list(dms) == ["nadia"]
    assert dms["nadia"].replace("\u00a0", " ") == (
        "Rappel : vous avez réservé Minibus 9 places demain, 8 h–18 h (B-1). Il faut passer "
        "chercher les clés ou le matériel : pensez à vous organiser.")
    assert [(c.key, c.period) for c in await claims(coop_db, "pickup")] == [("B-1", "2026-12-09")]
