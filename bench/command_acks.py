"""The ack of every command of the help, the slow ones included: ``resume apercu`` draws a
chart, ``resume`` builds the digest, ``synthese`` the client letter — their slow work
belongs to the delivery, after the ack (issues #17, #21). Signed slash commands, one at a
time, on the ``grappe serve`` of ``bench.slack_ack``, after a set-up that gives them
something to work on (a request won, a booking, a poll); the report lists them slowest
first, with the server's CPU per command (its delivery included: it runs meanwhile).

A command that refuses (a second ``dispo clore P-1``, a ``valider`` with nothing waiting)
is still a command acked: its refusal is its path. ``{i}`` in a command is its repetition.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from bench.common import cpu_seconds, summary

CAMILLE = ("U01CAMILLE", "camille")  # a coordinator: every command is hers to run
LEA = ("U07GRPE111", "lea")  # Encre Verte, the lead of R-1: her time to log
SET_UP = [
    "demande Atelier ack : un devis pour des chaises et de la communication",
    "attribuer R-1 pilote=encre-verte partenaires=sobre-et-clair : bench",
    "clore R-1 gagne",
    "reserver salle-pampre lundi 9h-10h : bench",
    "dispo Point bench : lun 14h-15h | mar 10h-11h",
]
COMMANDS: list[tuple[str, tuple[str, str]]] = [(text, CAMILLE) for text in (
    "aide", "aide reserver", "membres", "membre encre-verte", "competences", "moi",
    "langue fr",
    "demande Atelier ack {i} : un devis pour des chaises et de la communication",
    "demande R-1", "demandes", "synthese R-1", "repondre R-1 : bench {i}",
    "budget R-1 24 000 €",
    "repartition R-1 encre-verte=60% sobre-et-clair=40%", "facturation R-1 encre-verte",
)] + [("temps R-1 0,5 j : bench {i}", LEA)] + [(text, CAMILLE) for text in (
    "projet R-1", "jalon R-1 rapport {i} le 15 janvier",
    "reserver salle-treille mardi {h}h-{h1}h : bench", "reservations", "mes reservations",
    "libre salle lundi 14h-16h", "ressources", "quota", "annuler B-1",
    "dispo Point {i} : lun 14h-15h | mar 10h-11h", "dispo clore P-1",
    "resume apercu", "resume", "resume pause", "resume reprendre", "journal",
    "relayer R-1 +cap-commun", "attribuer R-1 pilote=encre-verte : bench", "valider B-1",
    "refuser B-1 : bench",
    "membre ajouter bench-{i} Bench {i}", "membre modifier bench-{i} nom=Banc {i}",
    "membre retirer bench-{i}", "personne ajouter bench-p{i} - Personne Bench",
    "lier bench-p{i} slack U0BENCH{i}", "clore R-1 livre",
)]
# Compared with an earlier checkout (``bench.slack_ack --compare``), interleaved: the two
# commands whose parsing issue #18 rewrote. Fifty bookings fit in distinct slots of the
# coming week (a refusal would measure another path).
COMPARED = [
    "demande Atelier ack {i} : un devis pour des chaises et de la communication",
    "reserver salle-treille {day} {h}h-{h1}h : bench",
]
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")


def _text(command: str, i: int) -> str:
    return command.format(i=i, h=8 + i % 10, h1=9 + i % 10, day=DAYS[i // 10 % len(DAYS)])


async def _send(http: Any, url: str, text: str, user: tuple[str, str]) -> tuple[int, str]:
    """One signed slash command; the HTTP status and the ack's body (empty for grappe's
    acks: what a command answers is delivered after it)."""
    from tests.slack.payloads import body_of, payload, signed

    body, content_type = body_of("command", payload(
        "slash_command", text=text, trigger_id=f"ack.{uuid.uuid4().hex[:12]}",
        user_id=user[0], user_name=user[1]))
    async with http.post(url, data=body.encode(), headers={
            "Content-Type": content_type, **signed(body)}) as response:
        return response.status, await response.text()


async def measure(url: str, each: int, pid: int) -> list[dict[str, Any]]:
    """``each`` acks of every command of ``COMMANDS``, in turn, slowest p99 first."""
    import aiohttp

    found = []
    async with aiohttp.ClientSession() as http:
        for text in SET_UP:
            await _send(http, url, text, CAMILLE)
        for command, user in COMMANDS:
            latencies, statuses = [], set()
            cpu0 = cpu_seconds(pid)
            for i in range(each):
                t0 = time.perf_counter()
                statuses.add((await _send(http, url, _text(command, i), user))[0])
                latencies.append((time.perf_counter() - t0) * 1000)
            found.append({"command": command.split(" :")[0].replace(" {i}", "")[:40],
                          "ack_ms": {**summary(latencies), "max": max(latencies)},
                          "cpu_ms": (cpu_seconds(pid) - cpu0) * 1000 / each,
                          "statuses": sorted(statuses)})
    return sorted(found, key=lambda a: -a["ack_ms"]["p99"])


async def compare(servers: dict[str, str], each: int) -> list[dict[str, Any]]:
    """``COMPARED`` on each server of ``servers`` (name → events URL), one command to each
    in turn: both see the same moments of the machine's noise. ``each`` ≤ 50."""
    import aiohttp

    samples: dict[tuple[str, str], list[float]] = {}
    statuses: dict[tuple[str, str], set[int]] = {}
    async with aiohttp.ClientSession() as http:
        for url in servers.values():
            for text in SET_UP:
                await _send(http, url, text, CAMILLE)
        for command in COMPARED:
            for i in range(each):
                for name, url in servers.items():
                    t0 = time.perf_counter()
                    status, _ = await _send(http, url, _text(command, i), CAMILLE)
                    samples.setdefault((command, name), []).append(
                        (time.perf_counter() - t0) * 1000)
                    statuses.setdefault((command, name), set()).add(status)
    return [{"command": command.split(" ")[0], "server": name,
             "ack_ms": summary(samples[command, name]),
             "statuses": sorted(statuses[command, name])}
            for command in COMPARED for name in servers]


def compare_report(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    p50 = {(r["command"], r["server"]): r["ack_ms"]["p50"] for r in rows}
    lines = [f"  {r['command']:<9} {r['server']:<7} p50 {r['ack_ms']['p50']:6.1f} ms  p99 "
             f"{r['ack_ms']['p99']:6.1f} ms" + (
                 f"  ({r['ack_ms']['p50'] / p50[r['command'], 'before']:.2f}× before)"
                 if r["server"] != "before" else "") for r in rows]
    return "\nthe whole command, grappe and before, interleaved (SQLite):\n" + "\n".join(lines)


def slowest(acks: list[dict[str, Any]]) -> dict[str, Any]:
    return max(acks, key=lambda a: a["ack_ms"]["p99"])


def report(acks: list[dict[str, Any]]) -> str:
    if not acks:
        return ""
    worst = slowest(acks)
    lines = [f"  {a['command']:<42} p50 {a['ack_ms']['p50']:7.1f} ms  p99 "
             f"{a['ack_ms']['p99']:7.1f} ms  cpu {a['cpu_ms']:6.1f} ms" for a in acks]
    return ("\nack of each command (one at a time, slowest first):\n" + "\n".join(lines)
            + f"\nslowest ack: {worst['command']} — p99 {worst['ack_ms']['p99']:.1f} ms "
            "(Slack's limit: 3000 ms)")
