"""The digest on demand and its pause, as people type it in the console."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path

from commands.digest.sections import post_digest
from commands.events import Actor, Command
from storage.models import utcnow
from storage.repo import digest as repo
from storage.repo import outbox as outbox_repo
from tests.conftest import Clock, Console
from tests.digest.conftest import add_booking, job_env, paris


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


async def test_the_chart_is_drawn_by_the_delivery_not_before_the_ack(
        console: Console, clock: Clock) -> None:
    """Issue #17: the command commits a chart still to draw (its ack waits for nothing
    slow); the delivery draws it and sends the picture."""
    clock.set("2026-12-07 10:00")
    await add_booking(console.bot.db, "salle-garance", "nadia", paris("2026-12-08 14:00"),
                      paris("2026-12-08 16:00"))
    event = Command(actor=Actor("console", "camille"), text="/grappe resume apercu",
                    event_id="ev-preview", place="#cooperation")
    await console.bot.dispatch(event)  # committed, not delivered yet
    async with console.bot.db.session(read_only=True) as s:  # the outbox keeps real time
        queued = [json.loads(row.payload) for row in await outbox_repo.due(
            s, "console", utcnow() + timedelta(seconds=60))]
    kinds = [b["kind"] for payload in queued for b in payload["item"]["blocks"]]
    assert "chart" in kinds
    assert "file" not in kinds
    await console.bot.drain()
    out = console.out.getvalue()
    drawn = re.findall(r"📎 Occupation des ressources partagées, semaine du lun\. 7 déc\. : (\S+)",
                       out)
    assert len(drawn) == 1
    png = await asyncio.to_thread(Path(drawn[0]).read_bytes)
    assert png.startswith(b"\x89PNG")
