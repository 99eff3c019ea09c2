"""Milestones of a won request: added as people write them, reminded once within business
hours before the day, done by a click or a command, listed in the digest."""

from __future__ import annotations

from commands import reminders
from commands.messages import Envelope
from commands.render import plain
from tests.conftest import Clock, Console
from tests.digest.conftest import job_env, outbox, paris
from tests.projects.test_project_flow import _won


async def _reminded(console: Console) -> dict[str, str]:
    found = {}
    for row in await outbox(console.bot.db):
        item = Envelope.model_validate_json(row.payload).item
        if row.role != "dm" or not hasattr(item, "blocks"):
            continue
        text = plain(item.blocks).replace("\u00a0", " ")
        if "est attendu" in text or "is due" in text:
            found[row.recipient or ""] = text
    return found


async def test_a_milestone_is_reminded_once_and_done_by_a_click(console: Console,
                                                                clock: Clock) -> None:
    await _won(console, clock)  # Thursday 10 December 2026
    out = await console.run("nadia: /grappe jalon R-1 rapport intermédiaire le 15 décembre",
                            "marion: /grappe jalon R-1 comité de pilotage : vendredi 18 décembre")
    assert "Jalon J-1 de R-1 : rapport intermédiaire, mar. 15 déc." in out
    assert "Jalon J-2 de R-1 : comité de pilotage, ven. 18 déc." in out
    assert "[#cooperation] R-1" in out  # said in the request's thread

    env = job_env(console.bot.db, platforms=("console",))
    assert await reminders.sweep(env, paris("2026-12-11 10:00")) == 0  # 2 business days ahead
    assert await reminders.sweep(env, paris("2026-12-14 22:00")) == 0  # the night before
    assert await reminders.sweep(env, paris("2026-12-15 09:15")) == 1
    assert await reminders.sweep(env, paris("2026-12-15 11:00")) == 0  # once
    reminded = await _reminded(console)
    assert {"nadia", "pierre-louis", "camille", "karim", "sophie"} <= set(reminded)
    assert "marion" not in reminded  # a partner's people: the lead and coordinators steer
    assert reminded["nadia"].startswith(
        "Le jalon J-1 de R-1 (Mairie de Roubaix) est attendu le mar. 15 déc. : "
        "rapport intermédiaire.")
    assert "done [done]" in reminded["nadia"] or "Fait [done]" in reminded["nadia"]

    out = await console.run("nadia clicks J-1 done")
    assert "Jalon J-1 terminé : rapport intermédiaire (Nadia Benali)." in out
    out = await console.run("hugo: /grappe jalon fait J-2")  # not in the team
    assert "Seuls la coordination et l’équipe de R-1" in out
    out = await console.run("camille: /grappe projet R-1")
    assert "✅ mar. 15 déc. — rapport intermédiaire · J-1" in out
    assert "ven. 18 déc. — comité de pilotage · J-2" in out

    clock.set("2026-12-14 08:30")
    out = await console.run("camille: /grappe resume apercu")
    assert "Jalons de la semaine à venir" in out
    assert "comité de pilotage · J-2" in out
    assert "rapport intermédiaire" not in out.split("Jalons de la semaine à venir")[1]


async def test_a_milestone_without_a_day_is_refused(console: Console, clock: Clock) -> None:
    await _won(console, clock)
    out = await console.run("nadia: /grappe jalon R-1 rapport intermédiaire")
    assert "Nommez le jalon et son jour" in out
    out = await console.run("nadia: /grappe jalon fait J-9")
    assert "Il n’y a pas de jalon « J-9 »." in out
