"""The digest on demand and its pause, as people type it in the console."""

from __future__ import annotations

import re

from commands.digest.sections import post_digest
from commands.events import Actor, Command
from storage.repo import digest as repo
from tests.conftest import Clock, Console
from tests.digest.conftest import job_env, paris


async def test_a_preview_goes_to_the_asker_only(console: Console, clock: Clock) -> None:
    clock.set("2026-12-07 10:00")
    await console.run("nadia: /grappe demande Mairie de Roubaix : une campagne de com "
                      "#communication")
    clock.advance(minutes=5)
    out = await console.run("camille: /grappe resume apercu")
    assert out.startswith("[DM:camille] - Résumé de la semaine du lun. 7 déc.\n")
    assert "  1 nouvelle demande cette semaine\n" in out
    assert re.findall(r"^\[([^\]]+)\]", out, re.M) == ["DM:camille"]
    english = await console.run("olivia: /grappe digest preview")
    assert english.startswith("[DM:olivia] - Weekly digest — week of Mon 7 Dec\n")


async def test_posting_it_now_is_for_coordinators_and_happens_once_per_call(
        console: Console, clock: Clock) -> None:
    clock.set("2026-12-07 10:00")
    out = await console.run("nadia: /grappe resume")
    assert out.startswith("[DM:nadia] - Seule la coordination peut publier le résumé")
    event = Command(actor=Actor("console", "camille"), text="/grappe digest",
                    event_id="ev-digest-1", place="#cooperation")
    for _ in range(2):  # the platform delivers the same event twice
        await console.bot.dispatch(event)
    await console.bot.drain()
    out = console.out.getvalue()
    assert out.count("[#cooperation] - Résumé de la semaine du lun. 7 déc.") == 1
    assert "[DM:camille] - Le résumé est publié dans le canal." in out


async def test_coordinators_pause_and_resume_a_channel(console: Console, clock: Clock) -> None:
    clock.set("2026-12-06 18:00")  # a Sunday
    db = console.bot.db
    refused = await console.run("nadia: /grappe resume pause")
    assert refused.startswith("[DM:nadia] - Cette action est réservée à la coordination.")
    out = await console.run("camille: /grappe resume pause")
    assert out == ("[DM:camille] - Le résumé hebdomadaire de #cooperation est suspendu ; "
                   "« /grappe resume reprendre » le relance.\n")
    again = await console.run("karim: /grappe digest pause #cooperation")
    assert "était déjà suspendu" in again
    env = job_env(db, platforms=("console",))
    assert not await post_digest(env, "cooperation", paris("2026-12-07 08:30"))

    out = await console.run("camille: /grappe resume reprendre")
    assert out == ("[DM:camille] - Le résumé hebdomadaire de #cooperation reprend ; le prochain "
                   "paraîtra le lun. 7 déc., 8 h 30.\n")
    async with db.session(read_only=True) as s:
        assert not await repo.is_paused(s, "cooperation")
    unknown = await console.run("camille: /grappe resume pause #annonces")
    assert unknown.startswith("[DM:camille] - Il n’y a pas de canal « annonces ».")


async def test_the_scheduled_digest_prints_in_the_console(console: Console) -> None:
    env = job_env(console.bot.db, platforms=("console",))
    assert await post_digest(env, "cooperation", paris("2026-12-07 08:30"))
    await console.bot.drain()
    out = console.out.getvalue().replace("\u00a0", " ")
    assert out == ("[#cooperation] - Résumé de la semaine du lun. 7 déc.\n"
                   "  Semaine calme : aucune nouvelle demande, rien en attente, "
                   "aucune réservation.\n")
